"""manifest.csv (oneroster.md §3): its header, properties, versions and file modes."""

from __future__ import annotations

import polars as pl

from roster_lint.findings import Findings
from roster_lint.load.reader import Parsed
from roster_lint.spec import oneroster

MANIFEST = "manifest.csv"


def v12_only_files() -> list[str]:
    spec = oneroster()
    only = [f.name for f in spec.files.values() if f.versions == ("1.2",)]
    return sorted(only + list(spec.manifest["unschemed_files_v12"]))


def known_files() -> list[str]:
    """Every data file a manifest may name (1.1 and 1.2)."""
    spec = oneroster()
    return sorted(set(spec.files) | set(spec.manifest["unschemed_files_v12"]))


def read_properties(
    parsed: Parsed, path: str, out: Findings
) -> tuple[dict[str, str], dict[str, int]]:
    """Properties in file order (first one wins); header, duplicates and unknowns reported."""
    spec = oneroster()
    if parsed.header != spec.manifest["header"]:
        out.one(
            "manifest-bad-header",
            f"{path}: the header must be exactly 'propertyName,value', not "
            f"{','.join(parsed.header)!r}",
            file=path,
            line=1,
            value=",".join(parsed.header),
        )
    if len(parsed.header) < 2 or not parsed.readable:
        return {}, {}
    known = set(spec.manifest["required_properties"]) | set(spec.manifest["optional_properties"])
    known |= {spec.manifest_key(f) for f in known_files()}
    props: dict[str, str] = {}
    first_line: dict[str, int] = {}
    rows = parsed.df.select(pl.col("c0"), pl.col("c1"), pl.col("__line")).rows()
    for prop, value, line in rows:  # a manifest has a few dozen rows
        if prop in props:
            out.one(
                "manifest-duplicate-property",
                f"{path}: {prop!r} is given twice (lines {first_line[prop]} and {line}); "
                "the first is used",
                file=path,
                line=line,
                column="propertyName",
                value=prop,
            )
            continue
        props[prop] = value
        first_line[prop] = line
        if prop not in known:
            out.one(
                "manifest-unknown-property",
                f"{path}: unknown property {prop!r}",
                file=path,
                line=line,
                column="propertyName",
                value=prop,
            )
    _check_values(props, first_line, path, out)
    return props, first_line


def _check_values(props: dict[str, str], lines: dict[str, int], path: str, out: Findings) -> None:
    spec = oneroster()
    for prop in spec.manifest["required_properties"]:
        if prop not in props:
            out.one(
                "manifest-property-missing",
                f"{path}: the required property {prop!r} is missing",
                file=path,
                column="propertyName",
                value=prop,
            )
    checks = (
        ("manifest.version", spec.manifest["manifest_versions"], "manifest-version-invalid"),
        ("oneroster.version", spec.manifest["oneroster_versions"], "oneroster-version-invalid"),
    )
    for prop, allowed, rule in checks:
        if prop in props and props[prop] not in allowed:
            out.one(
                rule,
                f"{path}: {prop} is {props[prop]!r}; expected {' or '.join(allowed)}",
                file=path,
                line=lines[prop],
                column="value",
                value=props[prop],
            )
    modes = spec.enum_values("file_mode")
    for prop, value in props.items():
        if prop.startswith("file.") and value not in modes:
            shown = "empty" if value == "" else repr(value)
            out.one(
                "manifest-mode-invalid",
                f"{path}: {prop} is {shown}; it must be bulk, delta or absent (lower case)",
                file=path,
                line=lines[prop],
                column="value",
                value=value,
            )
    if props.get("oneroster.version") == "1.1":
        for name in v12_only_files():
            key = spec.manifest_key(name)
            if key in props:
                out.one(
                    "manifest-file-not-in-version",
                    f"{path}: {key} is a OneRoster 1.2 file but oneroster.version is 1.1",
                    file=path,
                    line=lines[key],
                    column="propertyName",
                    value=key,
                )


def check_presence(
    props: dict[str, str],
    lines: dict[str, int],
    present: dict[str, str],
    mpath: str,
    out: Findings,
) -> None:
    """Modes against the files actually delivered; `present` maps canonical name -> path."""
    spec = oneroster()
    for name in known_files():
        key = spec.manifest_key(name)
        mode = props.get(key)
        where = present.get(name)
        if mode == "absent" and where is not None:
            out.one(
                "manifest-absent-file-present",
                f"{mpath} says {key}=absent but {where} is in the export",
                file=mpath,
                line=lines.get(key),
                column="value",
                value=key,
            )
        elif mode in ("bulk", "delta") and where is None:
            out.one(
                "manifest-listed-file-missing",
                f"{mpath} says {key}={mode} but {name} is not in the export",
                file=mpath,
                line=lines.get(key),
                column="value",
                value=key,
            )
        elif mode is None and where is not None and key not in props:
            out.one(
                "file-not-in-manifest",
                f"{where} is in the export but {mpath} has no {key} row",
                file=mpath,
                column="propertyName",
                value=key,
            )
