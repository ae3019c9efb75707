"""Hits grouped inside the whole-column queries (runner jobs with group=True) are what
`runner.grouped` makes of every row's hits: same first rows, counts and lines."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.findings import GROUP_LIMIT
from roster_lint.validate.crossfile.bytescan import is_plain
from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for
from tests.validate.test_schema_runners import _frame

KEY = ["check", "column", "line"]


def _both(df: pl.DataFrame, exact_rows: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    schema = schema_for("users.csv", "1.1", "bulk")
    rows = R.collect_jobs([R.jobs(schema, df, exact_rows, group=False)], group=True)[0]
    early = R.collect_jobs([R.jobs(schema, df, exact_rows, group=True)], group=True)[0]
    return rows.sort(KEY), early.sort(KEY)


@pytest.mark.parametrize("exact_rows", [R.EXACT_ROWS, 0], ids=["small", "screened"])
@pytest.mark.parametrize("copies", [1, GROUP_LIMIT + 5])
def test_grouped_in_the_query_equals_grouped_after(exact_rows: int, copies: int) -> None:
    # The damaged rows come in a shuffled order: "first" is by line, not by position.
    df = _frame(copies=copies).sample(fraction=1.0, shuffle=True, seed=3)
    rows, early = _both(df, exact_rows)
    assert early.height > 0
    assert early.equals(rows)
    if copies > GROUP_LIMIT:  # the damage of every check is one row with a count
        assert early.group_by("check").len()["len"].max() == 1
        assert (early["count"] >= copies).all()


def test_a_column_bad_in_every_row_is_one_hit() -> None:
    df = _frame(copies=1).head(1).select(pl.all().repeat_by(5_000).explode())
    df = df.with_columns(
        pl.int_range(2, 5_002).alias("__line"), pl.lit("1/5/2023").alias("dateLastModified")
    )
    rows, early = _both(df, exact_rows=0)
    assert early.equals(rows)
    hit = early.filter(pl.col("column") == "dateLastModified").row(0, named=True)
    assert (hit["line"], hit["count"], hit["lines"]) == (2, 5_000, list(range(2, 22)))


PIECES = ["a5613", "-8d8b-", "x" * 20, "Q", "0042", " ", "é", "\t", "\x7f", "\x1f", "~"]
values = st.lists(st.sampled_from(PIECES), max_size=5).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(values, st.none()), max_size=8), min_size=1, max_size=5))
def test_is_plain_only_when_every_value_is_printable_ascii(parts: list[list[str | None]]) -> None:
    s = pl.concat([pl.Series("c", p, pl.String()) for p in parts], rechunk=False)
    printable = all(v is None or all(" " <= ch <= "~" for ch in v) for v in s.to_list())
    if is_plain(s):  # a superset screen: it may doubt a plain column, never pass a bad one
        assert printable


def test_is_plain_on_short_and_long_values() -> None:
    assert is_plain(pl.Series(["12", "a5613-8d8b-" * 4, None, " ~"]))
    for bad in ["1\t2", "caf\u00e9", "x\x7f", "a5613-8d8b-" * 4 + "\x1f"]:
        assert not is_plain(pl.Series(["12", bad]))


def test_first_rows_filter_each_field_before_the_struct() -> None:
    # The loader keeps a column of one value as a literal (reader._constants): a struct of
    # whole columns, filtered after, made it a Series of every row (117 MB a column at
    # 7.3M enrollments, docs/performance.md, branch checkfast5).
    lf = pl.LazyFrame(
        {"__line": [2, 3, 4], "sourcedId": ["a", "b", "c"], "flag": [True, False, True]}
    ).with_columns(pl.lit("1/5/2023").alias("d"))
    query = R._first_rows(lf, [("d", None)], ["flag"], "sourcedId")  # type: ignore[list-item]
    select = query.explain().splitlines()[0]
    for field in ("__line", "sourcedId", "d"):  # each field filtered, then the struct
        assert f'col("{field}").filter(' in select
    assert "]).filter(" not in select  # the struct itself is never filtered
    got = query.collect()
    assert got["__n0"].to_list() == [2]
    assert got["__r0"].to_list() == [
        [
            {"line": 2, "sourced_id": "a", "value": "1/5/2023"},
            {"line": 4, "sourced_id": "c", "value": "1/5/2023"},
        ]
    ]
