"""validate: per-file schemas (validate/schema) then cross-file rules (validate/crossfile)."""

from __future__ import annotations

from roster_lint.findings import Findings
from roster_lint.model import Export
from roster_lint.validate import crossfile, schema


def run_all(export: Export, out: Findings, schema_engine: str = "polars") -> None:
    schema.run(export, out, schema_engine)
    crossfile.run(export, out)
