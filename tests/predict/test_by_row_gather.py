"""users.by_row puts the org links on their users' rows as slices of them (or one gather),
not a join of the row numbers: the left join it replaced is the oracle (rows in any
order, rows missing)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict import users
from roster_lint.predict.users import by_row


def _oracle(links: pl.DataFrame, n: int) -> pl.DataFrame:
    rows = pl.DataFrame({"_row": pl.int_range(n, dtype=pl.UInt32, eager=True)})
    return rows.join(links, on="_row", how="left", maintain_order="left").drop("_row")


@st.composite
def links_of(draw: st.DrawFn) -> tuple[pl.DataFrame, int]:
    n = draw(st.integers(0, 30))
    rows = draw(st.permutations(range(n)))
    rows = rows[: draw(st.integers(0, n))]
    text = st.one_of(st.none(), st.sampled_from(["s1", "s2", "a-much-longer-school-id"]))
    k = len(rows)
    links = pl.DataFrame(
        {
            "_row": pl.Series(rows, dtype=pl.UInt32),
            "ok_schools": pl.Series(
                draw(
                    st.lists(
                        st.lists(st.sampled_from(["s1", "s2"]), max_size=2), min_size=k, max_size=k
                    )
                ),
                dtype=pl.List(pl.String),
            ),
            "first_missing": pl.Series(
                draw(st.lists(text, min_size=k, max_size=k)), dtype=pl.String
            ),
            "org_broken": pl.Series(
                draw(st.lists(st.booleans(), min_size=k, max_size=k)), dtype=pl.Boolean
            ),
        }
    )
    return links, n


@settings(max_examples=200, deadline=None)
@given(links_of(), st.sampled_from([1, 3, 4096]))
def test_by_row_is_the_left_join(case: tuple[pl.DataFrame, int], runs_max: int) -> None:
    """As slices (any number of runs up to runs_max), else as a gather."""
    links, n = case
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(users, "RUNS_MAX", runs_max)
        got = by_row(links, n)
    want = _oracle(links, n)
    assert got.schema == want.schema
    assert got.to_dicts() == want.to_dicts()


def test_by_row_joins_nothing(joined: list[int]) -> None:
    """Rows out of order and a row missing: one gather, no hash join of the row numbers."""
    links = pl.DataFrame(
        {"_row": pl.Series([2, 0, 3], dtype=pl.UInt32), "first_missing": ["c", "a", "d"]}
    )
    got = by_row(links, 5)
    assert got["first_missing"].to_list() == ["a", None, "c", "d", None]
    assert joined == []
