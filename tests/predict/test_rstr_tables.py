"""kernel's tables (every combination of flags) give what joining the names and splitting
off the first one gives."""

from __future__ import annotations

import itertools

import polars as pl

from roster_lint.predict import kernel

NAMES = ["a-one", "b-two", "c-three", "d-four"]


def test_tables_match_join_and_first() -> None:
    rows = list(itertools.product([False, True, None], repeat=len(NAMES)))
    frame = pl.DataFrame(rows, schema=NAMES, orient="row")
    flags = [(n, pl.col(n)) for n in NAMES]
    got = frame.with_columns(kernel.mask(flags).alias("_m")).select(
        kernel.lookup(kernel.names_table(flags), "_m").alias("text"),
        kernel.lookup(kernel.firsts_table(flags), "_m").alias("first"),
    )
    want = frame.select(
        pl.concat_str(
            [pl.when(pl.col(n).fill_null(False)).then(pl.lit(n)) for n in NAMES],
            separator=kernel.SEP,
            ignore_nulls=True,
        )
        .fill_null("")
        .alias("text")
    ).with_columns(kernel.first(pl.col("text")).alias("first"))
    assert got.rows() == want.rows()
