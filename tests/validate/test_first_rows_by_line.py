"""`runner._first_rows` keeps each check's first GROUP_LIMIT + 1 hit rows by comparing
lines with the last of them, not by a membership test of every row's line (an Excel
export's dates are bad in all 7.3M rows of enrollments.csv at 1M students)."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint.findings import GROUP_LIMIT
from roster_lint.model import LINE
from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for
from tests.validate.test_schema_runners import _frame

KEY = ["check", "column", "line"]
GOOD = "2023-01-05T08:00:00.000Z"


def _dated(n: int, bad_every: int, shuffle: bool) -> pl.DataFrame:
    """users.csv rows, every `bad_every`-th with an Excel date (rows in a shuffled order:
    "first" is by line, not by position)."""
    df = _frame(copies=1).head(1).select(pl.all().repeat_by(n).explode())
    bad = pl.int_range(0, n) % bad_every == 0
    df = df.with_columns(
        pl.int_range(2, n + 2).alias(LINE),
        pl.when(bad).then(pl.lit("1/5/2023")).otherwise(pl.lit(GOOD)).alias("dateLastModified"),
    )
    return df.sample(fraction=1.0, shuffle=True, seed=5) if shuffle else df


def test_the_first_rows_query_tests_no_line_membership() -> None:
    schema = schema_for("users.csv", "1.1", "bulk")
    df = _dated(5_000, 1, shuffle=False)
    first = R.jobs(schema, df, 0, only=["dateLastModified"], group=True)
    done = pl.collect_all([j.query for j in first])
    # The second round places the bad value's rows (runner._Place): that query is the one.
    follow = [f for j, r in zip(first, done, strict=True) for f in j.finish(r)[1]]
    queries = [f.query.explain() for f in follow]
    assert queries
    # Main's query probed every row's line against the first lines (`__line.is_in(...)`).
    assert not any(f'col("{LINE}").is_in' in q for q in queries)
    assert any(f'col("{LINE}") <= ' in q for q in queries)


@pytest.mark.parametrize("bad_every", [1, 7, 2_000, 10_000])
@pytest.mark.parametrize("shuffle", [False, True])
def test_first_rows_by_the_last_line_equal_grouped_rows(bad_every: int, shuffle: bool) -> None:
    schema = schema_for("users.csv", "1.1", "bulk")
    df = _dated(5_000, bad_every, shuffle)
    rows = R.collect_jobs([R.jobs(schema, df, 0, group=False)], group=True)[0].sort(KEY)
    early = R.collect_jobs([R.jobs(schema, df, 0, group=True)], group=True)[0].sort(KEY)
    assert early.equals(rows)
    dates = early.filter(pl.col("column") == "dateLastModified")
    n = len(range(0, 5_000, bad_every))
    assert dates["count"].sum() == n
    if n > GROUP_LIMIT:  # one row, the first bad line, with the first lines listed
        hit = dates.row(0, named=True)
        assert (hit["line"], hit["count"]) == (2, n)
        assert hit["lines"] == list(range(2, 2 + 20 * bad_every, bad_every))
