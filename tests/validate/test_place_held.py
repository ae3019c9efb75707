"""`runner._Place` (grouped) reads no flag for a check whose bad values are none or all
of the column's: Excel's TRUE in every row of users.enabledUser is bad for one of its
four checks, and the other three each cost a pass over the rows."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint.findings import GROUP_LIMIT
from roster_lint.model import LINE
from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for
from tests.validate.test_schema_runners import _frame

KEY = ["check", "column", "line"]
COLUMN = "enabledUser"


def _enabled(n: int, values: list[str | None], shuffle: bool) -> pl.DataFrame:
    """users.csv rows whose enabledUser cycles through `values` (rows in a shuffled order
    when asked: "first" is by line, not by position)."""
    df = _frame(copies=1).head(1).select(pl.all().repeat_by(n).explode())
    cycle = pl.Series(COLUMN, [values[i % len(values)] for i in range(n)], pl.String)
    df = df.with_columns(pl.int_range(2, n + 2).alias(LINE), cycle)
    return df.sample(fraction=1.0, shuffle=True, seed=5) if shuffle else df


def _placing(df: pl.DataFrame) -> list[R._Place]:
    """The second round's jobs (the bad values' rows placed) for enabledUser."""
    schema = schema_for("users.csv", "1.1", "bulk")
    first = R.jobs(schema, df, 0, only=[COLUMN], group=True)
    done = pl.collect_all([j.query for j in first])
    follow = [f for j, r in zip(first, done, strict=True) for f in j.finish(r)[1]]
    placing = [f for f in follow if isinstance(f, R._Place)]
    assert placing and len(placing) == len(follow)
    return placing


def test_only_the_checks_that_hit_are_placed() -> None:
    (place,) = _placing(_enabled(3_000, ["TRUE"], shuffle=False))
    assert len(place.flags) > 1  # enabledUser has several checks, one of them hits
    query = place.query.explain()
    # One check holds TRUE (every row): one bottom-k of lines and no flag made or read
    # (main placed every check: a flag, a bottom-k and filters for each).
    assert query.count("bottom_k") == 1
    assert 'col("__f' not in query
    found = place.finish(place.query.collect())[0]
    (hit,) = found
    assert (hit["line"][0], hit["count"][0]) == (2, 3_000)
    assert hit["lines"][0].to_list() == list(range(2, 22))


@pytest.mark.parametrize(
    "values",
    [["TRUE"], ["TRUE", "true"], ["true", "false"], ["TRUE", None, "FALSE"], ["x", "TRUE"]],
)
@pytest.mark.parametrize("n", [5, GROUP_LIMIT + 1, 5_000])
@pytest.mark.parametrize("shuffle", [False, True])
def test_placed_rows_equal_grouped_rows(values: list[str | None], n: int, shuffle: bool) -> None:
    schema = schema_for("users.csv", "1.1", "bulk")
    df = _enabled(n, values, shuffle)
    rows = R.collect_jobs([R.jobs(schema, df, 0, group=False)], group=True)[0].sort(KEY)
    early = R.collect_jobs([R.jobs(schema, df, 0, group=True)], group=True)[0].sort(KEY)
    assert early.equals(rows)
    hits = early.filter(pl.col("column") == COLUMN)
    if values == ["TRUE"]:  # one check, every row
        assert hits["count"].to_list() == ([n] if n > GROUP_LIMIT else [1] * n)
    if values == ["true", "false"]:  # nothing to place
        assert hits.height == 0
