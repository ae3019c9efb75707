"""load: folder or zip -> files, manifest, version, encoding, dialect -> typed frames.

What cannot be read becomes a finding, not an exception; only "this is not an export at
all" (missing path, unsafe archive) raises UsageError.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from roster_lint.errors import UsageError
from roster_lint.findings import Findings
from roster_lint.model import LINE, Export, Table
from roster_lint.spec import oneroster


def load_export(path: str) -> Export:
    """Placeholder loader (folder only, no damage handling); replaced by the real one."""
    p = Path(path)
    if not p.is_dir():
        raise UsageError(f"{path}: not a folder")
    spec = oneroster()
    manifest: dict[str, str] = {}
    mpath = p / "manifest.csv"
    if mpath.is_file():
        m = pl.read_csv(mpath, infer_schema=False)
        manifest = dict(
            zip(m["propertyName"].to_list(), m["value"].fill_null("").to_list(), strict=True)
        )
    version = manifest.get("oneroster.version")
    tables: dict[str, Table] = {}
    for fs in spec.files_for(version):
        fp = p / fs.name
        if not fp.is_file():
            continue
        df = pl.read_csv(fp, infer_schema=False, empty_string_is_null=False)
        df = df.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
        tables[fs.name] = Table(
            name=fs.name,
            path=fs.name,
            df=df,
            header=[c for c in df.columns if c != LINE],
            mode=manifest.get(spec.manifest_key(fs.name)),
        )
    return Export(
        path=path,
        kind="folder",
        version=version,
        manifest=manifest,
        tables=tables,
        findings=Findings(),
    )
