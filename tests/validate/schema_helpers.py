"""Shared helpers for the schema tests: run only the schema stage on an export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from roster_lint import validate
from roster_lint.catalogue import Example
from roster_lint.examples import materialise
from roster_lint.findings import Findings, RowSink
from roster_lint.load import load_export


def schema_findings(path: Path | str) -> pl.DataFrame:
    """Findings of the schema stage alone (the loader's own findings excluded)."""
    out = Findings()
    validate.schema.run(load_export(str(path)), out)
    return out.frame()


def schema_rows(path: Path | str, tmp: Path) -> pl.DataFrame:
    """Every affected row of the schema stage, as `--output rows:` lists them."""
    sink_path = tmp / "rows.csv"
    with RowSink(str(sink_path)):
        validate.schema.run(load_export(str(path)), Findings())
    return pl.read_csv(sink_path, infer_schema=False).with_columns(pl.col("line").cast(pl.Int64))


def example_findings(ex: Example, tmp: Path) -> pl.DataFrame:
    return schema_findings(materialise(ex.base, ex.patch, tmp / "now"))


def rows(df: pl.DataFrame, code: str) -> list[dict[str, Any]]:
    return [r for r in df.iter_rows(named=True) if r["code"] == code]
