"""users.by_row: the org links of each user row, as the left join of the row numbers
gave them; where the links already hold every row in order, their own columns (no
gather of every user's lists and texts)."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.users import by_row


def _links(rows: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "_row": pl.Series(rows, dtype=pl.UInt32),
            "ok": [[f"s{r}"] if r % 3 else [] for r in rows],
            "first": [None if r % 2 else f"o{r}" for r in rows],
            "flag": [r % 5 == 0 for r in rows],
            "code": pl.Series([r * 7 for r in rows], dtype=pl.UInt32),
        }
    )


def _joined(links: pl.DataFrame, n: int) -> pl.DataFrame:
    """The join by_row stands for."""
    rows = pl.DataFrame({"_row": pl.Series(range(n), dtype=pl.UInt32)})
    return rows.join(links, on="_row", how="left", maintain_order="left").drop("_row")


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 30).flatmap(lambda n: st.tuples(st.just(n), st.permutations(range(n)))),
    st.data(),
)
def test_same_rows_as_the_join(case: tuple[int, list[int]], data: st.DataObject) -> None:
    n, order = case
    kept = data.draw(st.integers(0, n))  # some rows may have no links
    rows = order[:kept]
    if data.draw(st.booleans()):
        rows = sorted(rows)
    links = _links(rows)
    assert by_row(links, n).equals(_joined(links, n))


def test_every_row_in_order_is_not_gathered() -> None:
    links = _links(list(range(1000)))
    found = by_row(links, 1000)
    assert found.equals(_joined(links, 1000))
    # The links' own columns: no gather was made (a zero-copy view of the same values).
    assert np.shares_memory(found["code"].to_numpy(), links["code"].to_numpy())


def test_placeholder_lists_are_null_lists() -> None:
    from roster_lint.predict.enrollments import placeholder_lists
    from roster_lint.predict.kernel import LISTS

    made = placeholder_lists(5)
    assert made.dtype == LISTS and made.len() == 5 and made.null_count() == 5
    assert placeholder_lists(0).len() == 0
