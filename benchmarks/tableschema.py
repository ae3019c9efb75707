"""A Table Schema (frictionless) equivalent to roster-lint's per-file value checks.

Used for the peer benchmark only.  When `roster_lint.validate.schema.tableschema` exists
(another engineer's module) the benchmark uses its `table_schema(file, version)` instead.
"""

from __future__ import annotations

from typing import Any

from roster_lint.spec import ColumnSpec, oneroster

PATTERNS = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "datetime": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
    "year": r"\d{4}",
    "bool": "true|false",
}


def _field(col: ColumnSpec, enums: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.type == "id":
        constraints["unique"] = True
    if col.type == "enum" and col.enum and not col.list:
        constraints["enum"] = list(enums[col.enum])
    elif col.type == "status":
        constraints["enum"] = list(enums["status"])
    elif col.type in PATTERNS:
        constraints["pattern"] = PATTERNS[col.type]
    elif col.type == "grades" and not col.list:
        constraints["enum"] = list(enums["grades"])
    field: dict[str, Any] = {"name": col.name, "type": "string"}
    if constraints:
        field["constraints"] = constraints
    return field


def own_table_schema(file: str, version: str) -> dict[str, Any]:
    spec = oneroster()
    cols = spec.files[file].columns(version)
    return {"fields": [_field(c, spec.enums) for c in cols], "missingValues": [""]}


def table_schema(file: str, version: str) -> tuple[dict[str, Any], str]:
    """The schema and where it came from ("roster_lint" or "benchmarks")."""
    try:
        from roster_lint.validate.schema.tableschema import (
            table_schema as theirs,
        )
    except ModuleNotFoundError:
        return own_table_schema(file, version), "benchmarks/tableschema.py"
    return theirs(file, version), "roster_lint.validate.schema.tableschema"
