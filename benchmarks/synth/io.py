"""Write an in-memory export the way ClassLink does, and read one back.

ClassLink style (oneroster.md §10.2): unquoted header, every value double-quoted, some
empty fields bare (status, dateLastModified, agentSourcedIds), others `""`; UTF-8 without
BOM, LF line ends, no final newline; manifest.csv fully quoted.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.synth.model import TAG, Roster

BARE = frozenset({"status", "dateLastModified", "agentSourcedIds"})
FILE_ORDER = (
    "manifest.csv", "orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv",
    "users.csv", "roles.csv", "enrollments.csv",
)  # fmt: skip


def _styled(df: pl.DataFrame) -> pl.DataFrame:
    """Nulls where ClassLink leaves a field bare, "" where it writes a quoted empty."""
    cols = [c for c in df.columns if not c.startswith("__")]
    return df.select(
        pl.col(c).replace("", None) if c in BARE else pl.col(c).fill_null("") for c in cols
    )


def _drop_final_newline(path: Path) -> None:
    size = path.stat().st_size
    if size:
        with path.open("rb+") as fh:
            fh.seek(size - 1)
            if fh.read(1) == b"\n":
                fh.truncate(size - 1)


def write_table(df: pl.DataFrame, path: Path) -> None:
    out = _styled(df)
    with path.open("wb") as fh:
        fh.write((",".join(out.columns) + "\n").encode())
        out.write_csv(fh, include_header=False, quote_style="non_numeric", line_terminator="\n")
    _drop_final_newline(path)


def write_manifest(rows: dict[str, str], path: Path) -> None:
    df = pl.DataFrame({"propertyName": list(rows), "value": list(rows.values())})
    df.write_csv(path, quote_style="always", line_terminator="\n")
    _drop_final_newline(path)


def _ordered(names: list[str]) -> list[str]:
    known = [n for n in FILE_ORDER if n in names]
    return known + sorted(n for n in names if n not in FILE_ORDER)


def write_folder(roster: Roster, manifest: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_manifest(manifest, folder / "manifest.csv")
    for name in _ordered(list(roster.tables)):
        write_table(roster.tables[name], folder / name)


def write_zip(roster: Roster, manifest: dict[str, str], target: Path) -> None:
    """A zip with the files at its root (built in a temporary folder beside it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".synth-") as tmp:
        write_folder(roster, manifest, Path(tmp))
        part = Path(tmp) / "export.zip"
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in _ordered([p.name for p in Path(tmp).glob("*.csv")]):
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with (Path(tmp) / name).open("rb") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        os.replace(part, target)


def read_folder(folder: Path) -> tuple[Roster, dict[str, str]]:
    """An export folder as String frames (quoted "" stays "", a bare empty is null)."""
    tables: dict[str, pl.DataFrame] = {}
    manifest: dict[str, str] = {}
    for p in sorted(folder.glob("*.csv")):
        df = pl.read_csv(p, infer_schema=False)
        if p.name == "manifest.csv":
            manifest = dict(
                zip(df["propertyName"].to_list(), df["value"].fill_null("").to_list(), strict=True)
            )
        else:
            tables[p.name] = df
    version = manifest.get("oneroster.version", "1.1")
    return Roster(version=version, tables=tables), manifest


def defect_manifest(roster: Roster) -> list[dict[str, Any]]:
    """Every tagged row as {kind, file, line, id, column}, in file then line order."""
    out: list[dict[str, Any]] = []
    for name in _ordered(list(roster.tables)):
        df = roster.tables[name]
        if TAG not in df.columns:
            continue
        hits = (
            df.with_row_index("__i")
            .filter(pl.col(TAG).is_not_null())
            .select(
                pl.col(TAG).str.split_exact(":", 1).struct.rename_fields(["kind", "column"]),
                (pl.col("__i") + 2).alias("line"),
                pl.col("sourcedId").alias("id"),
            )
            .unnest(TAG)
        )
        for row in hits.iter_rows(named=True):  # one row per planted defect: a small list
            out.append(
                {
                    "kind": row["kind"],
                    "file": name,
                    "line": row["line"],
                    "id": row["id"],
                    "column": row["column"] or None,
                }
            )
    return out


def write_defects(defects: list[dict[str, Any]], path: Path, students: int, rate: float) -> None:
    doc = {"students": students, "rate": rate, "count": len(defects), "defects": defects}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
