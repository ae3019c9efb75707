"""enrollments.counted_in_blocks groups the skipped enrollments a block of rows at a time
(its temporaries GROUP_BLOCK rows long, not 7M): the same groups, counts and least lines as
one group_by of the filtered rows, and enrollment_roots never groups more than a block."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import api
from roster_lint.predict import engine
from roster_lint.predict import enrollments as enr
from tests.predict.conftest import slices_of
from tests.predict.test_roots_counted import EXPORTS, per_row

rows = st.lists(
    st.tuples(
        st.booleans(),  # where
        st.integers(0, 3),  # a key
        st.one_of(st.none(), st.sampled_from(["a", "b"])),  # a nullable key
        st.one_of(st.none(), st.integers(2, 50)),  # line, in any order, sometimes null
    ),
    max_size=60,
)


def _frame(data: list[tuple[bool, int, str | None, int | None]]) -> pl.DataFrame:
    schema = {"w": pl.Boolean(), "k": pl.UInt32(), "s": pl.String(), "line": pl.Int64()}
    return pl.DataFrame(data, schema=schema, orient="row")


@settings(max_examples=200, deadline=None)
@given(rows, st.integers(1, 7))
def test_blocks_group_as_one_group_by(
    data: list[tuple[bool, int, str | None, int | None]], block: int
) -> None:
    frame = _frame(data)
    keys = [(pl.col("k") * 2).alias("_k"), pl.col("s")]
    want = frame.filter("w").group_by(keys).agg(pl.len().alias("n"), pl.col("line").min())
    with pytest.MonkeyPatch.context() as m:
        m.setattr(enr, "GROUP_BLOCK", block)
        got = enr.counted_in_blocks(frame, pl.col("w"), keys)
    assert got.columns == ["_k", "s", "n", "line"]
    assert got.schema["n"] == pl.UInt32()
    assert set(got.iter_rows()) == set(want.iter_rows())


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_roots_grouped_a_block_at_a_time(path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With blocks of 5 rows, every export's skipped enrollments have the roots the per-row
    oracle gives, and where some are skipped, the decided enrollments are read in slices
    of 5 rows that cover them, one after the other."""
    monkeypatch.setattr(enr, "GROUP_BLOCK", 5, raising=False)
    slices: list[tuple[int, int]] = []
    seen: list[tuple[pl.DataFrame, pl.DataFrame, int]] = []
    counted = enr.enrollment_roots

    def both(e, users, classes, inp, on):  # type: ignore[no-untyped-def]
        with slices_of(e, slices):
            got = counted(e, users, classes, inp, on)
        skipped = e.filter(pl.col("action") == "skip").height
        seen.append((got, per_row(e, users, classes, inp, on), skipped and e.height))
        return got

    monkeypatch.setattr(engine.enr, "enrollment_roots", both)
    api.plan(str(path))
    got, want, height = seen[0]
    assert got.to_dicts() == want.to_dicts()
    assert slices == [(start, 5) for start in range(0, height, 5)]
