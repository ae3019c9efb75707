"""summary.licences counts the enrolled students' user rows in a bitmap a block of
enrollments at a time (MARK_BLOCK rows, zero-copy slices): the distinct count of the
filtered rows is the oracle, and no block is longer than MARK_BLOCK."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import api
from roster_lint.predict import engine, summary
from tests.predict.conftest import slices_of
from tests.predict.test_roots_counted import EXPORTS


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.one_of(st.none(), st.integers(0, 40))), max_size=60),
    st.integers(1, 7),
)
def test_marked_rows_is_the_distinct_count(data: list[tuple[bool, int | None]], block: int) -> None:
    frame = pl.DataFrame(data, schema={"w": pl.Boolean(), "r": pl.UInt32()}, orient="row")
    rows = pl.col("r").filter("w").drop_nulls()
    want = frame.select(rows.n_unique()).item()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(summary, "MARK_BLOCK", block)
        assert summary.marked_rows(frame, rows) == want


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_licences_read_a_block_at_a_time(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With blocks of 5 rows, every export's licence count is the distinct count of its
    enrolled students' users, and the decided enrollments are read in consecutive slices
    of 5 rows."""
    monkeypatch.setattr(summary, "MARK_BLOCK", 5)
    slices: list[tuple[int, int]] = []
    seen: list[tuple[int, int, int]] = []
    counted = summary.licences

    def both(d, prev, profile):  # type: ignore[no-untyped-def]
        e = d.enrollments
        with slices_of(e, slices):
            got = counted(d, prev, profile)
        mask = pl.col("_is_student") & pl.col("action").is_in(summary.ENROLLED)
        want = e.select(pl.col("_urow").filter(mask).drop_nulls().n_unique()).item()
        seen.append((got, want, e.height))
        return got

    monkeypatch.setattr(engine.summary, "licences", both)
    api.plan(str(path))
    got, want, height = seen[0]
    assert got == want
    assert slices == [(start, 5) for start in range(0, height, 5)]
