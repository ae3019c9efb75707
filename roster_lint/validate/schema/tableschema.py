"""Frictionless Table Schemas for the OneRoster files, generated from files.toml.

The benchmark's peer (`frictionless validate`) runs these; they declare what the pandera
schemas check that a Table Schema can say: field types, required values, exact
enumerations, and patterns for dates, date-times, years, grades and userIds.  Every field
is a string with a pattern rather than a frictionless date/boolean type, because those
types parse leniently (`TRUE`, `1`, several date formats) where OneRoster is exact.
"""

from __future__ import annotations

from typing import Any

from roster_lint.spec import ColumnSpec, oneroster
from roster_lint.validate.schema import tokens as T


def _alternatives(tokens: tuple[str, ...] | list[str]) -> str:
    return "(?:" + "|".join(tokens) + ")"


def _pattern(col: ColumnSpec, version: str) -> str | None:
    """A full-value regex (frictionless anchors it) or None."""
    spec = oneroster()
    if col.type == "date":
        return T.DATE_RE
    if col.type == "datetime":
        return T.DATETIME_FULL[1:-1]
    if col.type == "year":
        return T.YEAR_FULL[1:-1]
    if col.type == "float":
        return T.FLOAT_FULL[1:-1]
    if col.type == "userids":
        return T.USERIDS_FULL[1:-1]
    if col.type == "grades":
        g = _alternatives(spec.enums["grades"])
        return f"{g}(?:,{g})*"
    if col.type == "enum" and version == "1.2" and col.enum in spec.extensible_v12:
        assert col.enum is not None
        return _alternatives([*spec.enums[col.enum], r"ext:[^\s,]+"])
    return None


def _enum(col: ColumnSpec, version: str) -> list[str] | None:
    spec = oneroster()
    if col.type == "status":
        return list(spec.enums["status"])
    if col.type == "bool":
        return list(spec.enums["bool"])
    if col.type == "enum" and _pattern(col, version) is None:
        assert col.enum is not None
        return list(spec.enums[col.enum])
    return None


def _field(col: ColumnSpec, version: str) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    enum = _enum(col, version)
    if enum is not None:
        constraints["enum"] = enum
    pattern = _pattern(col, version)
    if pattern is not None:
        constraints["pattern"] = pattern
    field: dict[str, Any] = {"name": col.name, "type": "string"}
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(file_name: str, version: str) -> dict[str, Any]:
    """A frictionless Table Schema (a dict) for one OneRoster file and version."""
    fs = oneroster().files.get(file_name)
    if fs is None or version not in fs.versions:
        raise ValueError(f"OneRoster {version} has no file {file_name!r}")
    return {
        "fields": [_field(c, version) for c in fs.columns(version)],
        # Blank is "no value" (OneRoster §1): only "" is missing, never "0" or "NA".
        "missingValues": [""],
    }


def data_package(version: str) -> dict[str, Any]:
    """A frictionless Data Package for a OneRoster version: one resource per file."""
    resources = []
    for fs in oneroster().files_for(version):
        resources.append(
            {
                "name": fs.name.removesuffix(".csv").lower(),
                "path": fs.name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "schema": table_schema(fs.name, version),
            }
        )
    return {"name": f"oneroster-{version.replace('.', '-')}", "resources": resources}
