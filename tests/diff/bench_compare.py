"""Time `compare` on two synthetic enrollments files (not a test: measured, not asserted).

    .venv/bin/python -m tests.diff.bench_compare --rows 7000000

Two scenarios: ids stable (1% dropped, 1% new, 5% with a changed endDate), and ids
regenerated (every sourcedId new, so rows are matched by (classSourcedId, userSourcedId)).
The plan holds one enrollment action per new row, as the engine's would.
"""

from __future__ import annotations

import argparse
import time

import polars as pl

from roster_lint.diff import compare
from roster_lint.findings import Findings
from roster_lint.model import LINE, Export, Table
from roster_lint.options import Options
from roster_lint.predict.model import ACTION_SCHEMA, Plan
from roster_lint.spec import oneroster


def enrollments(n: int, offset: int, id_salt: int) -> pl.DataFrame:
    i = pl.int_range(offset, offset + n, dtype=pl.Int64)
    uid = (i // 7).cast(pl.String)
    return (
        pl.select(
            pl.format("{}-{}", i.hash(id_salt), i.hash(id_salt + 1)).alias("sourcedId"),
            pl.lit("").alias("status"),
            pl.lit("").alias("dateLastModified"),
            pl.format("class-{}", (i * 31) % 250_000).alias("classSourcedId"),
            pl.format("sch-{}", i % 400).alias("schoolSourcedId"),
            pl.format("user-{}", uid).alias("userSourcedId"),
            pl.lit("student").alias("role"),
            pl.lit("false").alias("primary"),
            pl.lit("2025-08-15").alias("beginDate"),
            pl.lit("2026-06-15").alias("endDate"),
        )
        .with_row_index(LINE, offset=2)
        .with_columns(pl.col(LINE).cast(pl.Int64))
    )


def export(df: pl.DataFrame, path: str) -> Export:
    header = [c for c in df.columns if c != LINE]
    table = Table("enrollments.csv", "enrollments.csv", df, header, mode="bulk")
    return Export(path, "folder", "1.1", {}, {"enrollments.csv": table}, Findings())


def plan_for(df: pl.DataFrame) -> Plan:
    actions = df.select(
        pl.lit("enrollment").alias("entity"),
        pl.col("sourcedId").alias("id"),
        pl.lit("unchanged").alias("action"),
        pl.lit([], pl.List(pl.String)).alias("reasons"),
        pl.lit("{}").alias("detail"),
        pl.col("schoolSourcedId").alias("school"),
        pl.lit("enrollments.csv").alias("file"),
        pl.col(LINE).alias("line"),
    ).cast(ACTION_SCHEMA)  # type: ignore[arg-type]
    return Plan("summit-k12", "full", actions, pl.DataFrame())


def run(label: str, old: pl.DataFrame, new: pl.DataFrame) -> None:
    plan = plan_for(new)
    start = time.perf_counter()
    result = compare(export(old, "old"), export(new, "new"), plan, Options())
    took = time.perf_counter() - start
    fd = result.file("enrollments.csv")
    assert fd is not None
    print(
        f"{label}: {old.height:,} vs {new.height:,} rows, key {'+'.join(fd.key)}: "
        f"{fd.counts} columns {fd.column_changes} warnings "
        f"{result.warnings['code'].to_list()} in {took:.2f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=7_000_000)
    n = ap.parse_args().rows
    oneroster()  # read the spec before timing
    t0 = time.perf_counter()
    old = enrollments(n, 0, 1)
    drop, add = n // 100, n // 100
    kept = enrollments(n - drop, drop, 1)  # the first 1% leave
    kept = kept.with_columns(
        pl.when(pl.col(LINE) % 20 == 0)
        .then(pl.lit("2026-01-30"))
        .otherwise(pl.col("endDate"))
        .alias("endDate")
    )
    new = pl.concat([kept.drop(LINE), enrollments(add, n, 1).drop(LINE)])
    new = new.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    print(f"built frames in {time.perf_counter() - t0:.1f} s")
    # The floor: one polars inner join of the two frames on the sourcedId text.  Shared
    # machines are noisy; the ratio to this, measured in the same run, is what to trust.
    t0 = time.perf_counter()
    old.join(new, on="sourcedId", how="inner")
    print(f"floor (one inner join on sourcedId): {time.perf_counter() - t0:.2f} s")
    run("stable ids", old, new)
    regenerated = new.with_columns(pl.format("r-{}", pl.col("sourcedId")).alias("sourcedId"))
    run("regenerated ids", old, regenerated)


if __name__ == "__main__":
    main()
