"""`plan --output csv:PATH` and `--output parquet:PATH`: the plan's actions as a table.

The same columns as the JSON document's actions (entity, id, action, reasons, detail), one
row per action in the plan's order, so that a district can filter them in a spreadsheet and
a vendor can load them.  In Parquet `reasons` is a list of strings and `detail` the JSON
text of the action's detail; in CSV `reasons` are joined with ";" (reason codes are slugs
without ";").

Spreadsheet safety (CSV only): a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is read as a formula by Excel, LibreOffice and Google Sheets, and ids come
from the export as they are.  Such a value is written with a leading `'`, which
spreadsheets show as text (OWASP "CSV injection"); Parquet keeps every value unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import polars as pl
from polars.io.plugins import register_io_source

from roster_lint.predict.model import Plan

COLUMNS = ("entity", "id", "action", "reasons", "detail")
REASON_SEP = ";"
FORMULA_START = r"^[=+\-@\t\r]"
CHUNK = 500_000  # rows per polars call: the guarded copy of the strings stays small


def action_columns() -> list[pl.Expr]:
    """The action columns, enumerations as plain text (what readers of the file expect)."""
    return [
        pl.col("entity").cast(pl.String),
        pl.col("id"),
        pl.col("action").cast(pl.String),
        pl.col("reasons"),
        pl.col("detail"),
    ]


def _guarded(c: str) -> pl.Expr:
    col = pl.col(c)
    return pl.when(col.str.contains(FORMULA_START)).then("'" + col).otherwise(col).alias(c)


def write_actions_csv(plan: Plan, out: BinaryIO) -> None:
    """Every action as a CSV row, chunk by chunk (9M actions never one string); each
    chunk's deferred reasons made for it alone (Plan.rows)."""
    n = plan.keyed_actions()[0].height
    for i in range(0, max(n, 1), CHUNK):
        part = (
            plan.rows(i, CHUNK)
            .select(action_columns())
            .with_columns(pl.col("reasons").list.join(REASON_SEP))
        )
        part = part.select(_guarded(c) for c in COLUMNS)
        part.write_csv(out, include_header=i == 0, quote_style="necessary", line_terminator="\n")


def write_actions_parquet(plan: Plan, out: BinaryIO) -> None:
    """Every action as a Parquet row, written by polars' streaming sink from the plan's
    chunks, each chunk's deferred reasons made as the sink reads it (Plan.rows): never
    every reasons list at once."""
    chunks(plan).sink_parquet(out)


def chunks(plan: Plan) -> pl.LazyFrame:
    """The plan's action columns as a lazy frame read CHUNK rows at a time (a polars IO
    source: its generator runs when the frame is collected or sunk)."""
    n = plan.keyed_actions()[0].height
    schema = plan.rows(0, 0).select(action_columns()).schema

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        left = n if n_rows is None else min(n, n_rows)
        for i in range(0, left, CHUNK):
            part = plan.rows(i, min(CHUNK, left - i)).select(action_columns())
            if with_columns is not None:
                part = part.select(with_columns)
            if predicate is not None:
                part = part.filter(predicate)
            yield part

    return register_io_source(source, schema=schema, explain_name="plan actions")
