"""The fast runner judges low-cardinality columns once per distinct value: same hits."""

from __future__ import annotations

import polars as pl

from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for
from tests.validate.test_schema_runners import _frame, _sorted


def test_low_cardinality_columns_are_judged_by_value() -> None:
    df = _frame(copies=40)  # 1,200 rows; roles, grades, statuses repeat
    schema = schema_for("users.csv", "1.1", "bulk")
    few = R._few_in(R._spread_sample(list(df.columns), df))  # as R.jobs decides
    assert {"role", "grades", "status", "enabledUser"} <= few
    assert "sourcedId" not in few
    fast, slow = R.run_fast(schema, df, exact_rows=0), R.run_pandera(schema, df)
    assert fast.filter(pl.col("column") == "grades").height == 40 * 6  # every bad grade row
    assert _sorted(fast).equals(_sorted(slow))


def test_by_value_places_every_row_of_a_bad_value() -> None:
    df = _frame(copies=40).with_columns(
        pl.when(pl.col("role") == "student").then(pl.lit("Student")).otherwise("role").alias("role")
    )
    assert "role" in R._few_in(R._spread_sample(["role"], df))  # judged by value
    hits = R.run_fast(schema_for("users.csv", "1.1", "bulk"), df, exact_rows=0)
    case = hits.filter(pl.col("check") == "role:case")
    assert case.height == df.height - 40  # the 40 "janitor" rows are another check's
    assert (
        case["line"].sort().to_list()
        == df.filter(pl.col("role") == "Student")["__line"].sort().to_list()
    )
