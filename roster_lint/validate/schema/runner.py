"""Run a Schema over a table and turn failures into hits (check, line, sourced_id, value).

Two runners execute the same pandera Check declarations:

- `run_pandera`: `DataFrameSchema.validate(lazy=True)`; failure cases -> hits.  pandera
  evaluates and collects each Check on its own, which is fine for small tables.
- `run_fast`: columns with few distinct values (status, role, dates, grades) are judged
  once per distinct value (`by_value`), then the rows holding a bad value are placed; for
  the others (`by_rows`), a pre-pass of scalar gates (a check that cannot fire on this column is
  dropped), then every check's cheap screen (or exact expression) in ONE lazy select over the
  whole frame, a filter to the rows where anything fired, then the exact expressions on those
  few rows.  At 7M enrollments this is what keeps `check` near the cost of reading the file.
  Screens are supersets of the exact checks on ASCII values, and every row whose value is
  not ASCII is refined too, so both runners agree; the one blind spot is a C0 control (tab
  included) or DEL in an otherwise ASCII value, which only the pandera runner sees
  (checks.text_screen explains why).

tests/validate/test_schema_runners.py holds them to the same answers.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from roster_lint.model import LINE
from roster_lint.validate.schema.build import PRIVATE, Schema
from roster_lint.validate.schema.checks import CheckDef, text_screen

PANDERA_MAX_ROWS = 20_000  # above this, the one-pass runner
SAMPLE_ROWS = 50_000  # rows sampled to guess a column's cardinality
FEW_RATIO = 20  # "few values": at most one distinct value per FEW_RATIO sampled rows
HIT_SCHEMA: dict[str, Any] = {
    "check": pl.String,
    "column": pl.String,
    "line": pl.Int64,
    "sourced_id": pl.String,
    "value": pl.String,
}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=HIT_SCHEMA)


def _sid(df: pl.DataFrame) -> pl.Expr:
    return pl.col("sourcedId") if "sourcedId" in df.columns else pl.lit(None, pl.String)


def _gates(pairs: list[tuple[str, CheckDef]], df: pl.DataFrame) -> list[tuple[str, CheckDef]]:
    """Drop checks whose necessary condition fails on the whole column (one cheap select)."""
    gated = [(i, col, d) for i, (col, d) in enumerate(pairs) if d.gate is not None]
    if not gated:
        return pairs
    row = df.select(
        [d.gate(pl.col(col)).fill_null(False).alias(f"g{i}") for i, col, d in gated]  # type: ignore[misc]
    ).row(0)
    closed = {i for (i, _, _), ok in zip(gated, row, strict=True) if not ok}
    return [p for i, p in enumerate(pairs) if i not in closed]


def _few_values(columns: list[str], df: pl.DataFrame) -> set[str]:
    """Columns that look low-cardinality (status, role, dates, grades...) from a sample.

    A wrong guess costs time, never correctness: by_value is exact for any column.
    """
    sample = df.head(SAMPLE_ROWS)
    counts = sample.select(pl.col(c).n_unique() for c in columns).row(0)
    return {c for c, n in zip(columns, counts, strict=True) if n * FEW_RATIO <= sample.height}


def by_value(pairs: list[tuple[str, CheckDef]], df: pl.DataFrame) -> pl.DataFrame:
    """Hits of value-local checks, judged once per distinct value of each column.

    7M enrollments hold a few hundred distinct dates, roles or statuses: every check on
    those costs one hash pass (unique) plus work on a tiny frame, instead of a pass each
    over millions of rows.  Rows are only visited to place the values found bad.
    """
    parts: list[pl.DataFrame] = []
    for col in dict.fromkeys(c for c, _ in pairs):
        defs = [d for c, d in pairs if c == col]
        flags = [f"__f{i}" for i in range(len(defs))]
        judged = [d.bad_expr(pl.col(col)).alias(f) for f, d in zip(flags, defs, strict=True)]
        bad = df.select(pl.col(col).unique()).with_columns(judged).filter(pl.any_horizontal(flags))
        if bad.height == 0:
            continue
        rows = (
            df.filter(pl.col(col).is_in(bad[col].implode(), nulls_equal=True))
            .select(LINE, _sid(df).alias("__sid"), col)
            .join(bad, on=col, how="left", nulls_equal=True)
        )
        parts += [
            rows.filter(pl.col(f)).select(
                pl.lit(d.name).alias("check"),
                pl.lit(col).alias("column"),
                pl.col(LINE).alias("line"),
                pl.col("__sid").alias("sourced_id"),
                pl.col(col).alias("value"),
            )
            for f, d in zip(flags, defs, strict=True)
        ]
    return pl.concat(parts).cast(HIT_SCHEMA) if parts else _empty()  # type: ignore[arg-type]


def run_fast(schema: Schema, df: pl.DataFrame) -> pl.DataFrame:
    pairs = _gates(schema.column_defs(df.columns), df)
    if not pairs or df.height == 0:
        return _empty()
    few = _few_values(list(dict.fromkeys(c for c, _ in pairs)), df)
    # Text hygiene stays on the rows' text screen even for few values, so both paths share
    # one documented blind spot (checks.text_screen); closed types have no text checks.
    valued = [(c, d) for c, d in pairs if c in few and d.local and not d.text]
    rest = [(c, d) for c, d in pairs if (c, d) not in valued]
    return pl.concat([by_value(valued, df), by_rows(rest, df)])


def by_rows(pairs: list[tuple[str, CheckDef]], df: pl.DataFrame) -> pl.DataFrame:
    """Hits of the checks on high-cardinality columns (ids, names): screens over the rows."""
    if not pairs:
        return _empty()
    columns = list(dict.fromkeys(col for col, _ in pairs))
    text = {col: f"__t{j}" for j, col in enumerate(columns)}
    flags = [f"__f{i}" for i in range(len(pairs))]
    # Stage 1, whole columns: each column's text screen once, then each check's screen
    # (or, without one, its exact expression).
    stage1 = [text_screen(pl.col(col)).fill_null(False).alias(text[col]) for col in columns]
    stage1 += [
        (d.screen(pl.col(col)).fill_null(False) if d.screen else d.bad_expr(pl.col(col))).alias(f)
        for f, (col, d) in zip(flags, pairs, strict=True)
        if not d.text
    ]
    keep = {LINE, *columns} | ({"sourcedId"} & set(df.columns))
    flagged = (
        df.lazy()
        .select(*[pl.col(c) for c in df.columns if c in keep], *stage1)
        .filter(pl.any_horizontal([*text.values(), *(e.meta.output_name() for e in stage1)]))
        .collect()
    )
    if flagged.height == 0:
        return _empty()
    # Stage 2, the few flagged rows: exact expressions (row-local) where screened.
    refine = [
        (_screened(f, text[col], d) & d.bad_expr(pl.col(col))).alias(f)
        for f, (col, d) in zip(flags, pairs, strict=True)
        if d.text or d.screen is not None
    ]
    flagged = flagged.with_columns(refine)
    parts = [
        flagged.filter(pl.col(f)).select(
            pl.lit(d.name).alias("check"),
            pl.lit(col).alias("column"),
            pl.col(LINE).alias("line"),
            _sid(flagged).alias("sourced_id"),
            pl.col(col).alias("value"),
        )
        for f, (col, d) in zip(flags, pairs, strict=True)
    ]
    return pl.concat(parts).cast(HIT_SCHEMA)  # type: ignore[arg-type]


def _screened(flag: str, text: str, d: CheckDef) -> pl.Expr:
    return pl.col(text) if d.text else pl.col(flag) | pl.col(text)


def run_pandera(schema: Schema, df: pl.DataFrame) -> pl.DataFrame:
    from pandera.errors import SchemaErrors

    if df.height == 0:
        return _empty()
    try:
        schema.pandera.validate(df, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
    else:
        return _empty()
    fc = fc.filter(pl.col("check").is_in(list(schema.defs)) & pl.col("index").is_not_null())
    rows = df.select(pl.col(LINE).alias("line"), _sid(df).alias("sourced_id")).with_row_index(
        "index"
    )
    out = fc.select(
        "check", "column", pl.col("index").cast(pl.UInt32), pl.col("failure_case").alias("value")
    ).join(rows, on="index", how="left")
    return out.select(list(HIT_SCHEMA)).cast(HIT_SCHEMA)


def run(schema: Schema, df: pl.DataFrame) -> pl.DataFrame:
    """Hits for one table, by whichever runner suits its size."""
    runner = run_pandera if df.height <= PANDERA_MAX_ROWS else run_fast
    return runner(schema, df)


def with_messages(schema: Schema, hits: pl.DataFrame) -> list[tuple[CheckDef, pl.DataFrame]]:
    """Per check: its hits with a message (and values of private columns removed)."""
    out: list[tuple[CheckDef, pl.DataFrame]] = []
    for (name,), part in hits.partition_by("check", as_dict=True, maintain_order=True).items():
        d = schema.defs[str(name)]
        part = part.sort("line", "column")
        if d.summary:
            first = part.row(0, named=True)
            part = part.head(1).with_columns(
                pl.lit(
                    f"{first['column']} is filled in {part.height} row(s), first at line "
                    f"{first['line']}; passwords in a roster file travel to every recipient."
                ).alias("message")
            )
        else:
            part = part.with_columns(d.message(pl.col("value")).alias("message"))
        col = str(part["column"][0])
        if col in PRIVATE:
            part = part.with_columns(pl.lit(None, pl.String).alias("value"))
        out.append((d, part.drop("check")))
    return out
