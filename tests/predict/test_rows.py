"""rows.row_of (runs looked up once, repeated) gives what a left join with a row index
gives; rows.first_rows keeps each id's first row in file order."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.kernel import first_rows, row_of


def _joined(keys: list[str | None], ids: list[str]) -> list[int | None]:
    side = pl.DataFrame({"k": ids}, schema={"k": pl.String()}).with_row_index("row")
    frame = pl.DataFrame({"k": keys}, schema={"k": pl.String()})
    return frame.join(side, on="k", how="left", maintain_order="left")["row"].to_list()


@pytest.mark.parametrize(
    ("keys", "ids"),
    [
        (["a"] * 9 + ["b"] * 5 + ["zz"] * 4 + [None] * 3 + ["a"] * 2, ["b", "a", "c"]),  # runs
        (["b", "a", "zz", "b", "c"], ["a", "b", "c"]),  # no runs: the plain join
        (["only-in-frame", "only-in-frame"], []),
        ([], ["a"]),
        ([], []),
    ],
)
def test_same_as_join(keys: list[str | None], ids: list[str]) -> None:
    got = row_of(pl.Series(keys, dtype=pl.String()), pl.Series(ids, dtype=pl.String()))
    assert got.dtype == pl.UInt32
    assert got.to_list() == _joined(keys, ids)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d", None]), st.integers(1, 12)), max_size=30
    ),
    st.lists(st.sampled_from(["a", "b", "c", "x"]), unique=True),
)
def test_runs_of_any_length(runs: list[tuple[str | None, int]], ids: list[str]) -> None:
    keys = [k for k, n in runs for _ in range(n)]
    got = row_of(pl.Series(keys, dtype=pl.String()), pl.Series(ids, dtype=pl.String()))
    assert got.to_list() == _joined(keys, ids)


def test_first_rows() -> None:
    frame = pl.DataFrame({"cid": ["b", "a", "b", "c", "a"], "v": [1, 2, 3, 4, 5]})
    assert first_rows(frame, "cid").rows() == [("b", 1), ("a", 2), ("c", 4)]
    distinct = frame.head(2)
    assert first_rows(distinct, "cid") is distinct


def _by_length(s: pl.Series) -> pl.Series:
    return s.str.len_bytes().cast(pl.UInt64).fill_null(0)


@pytest.mark.parametrize(
    ("keys", "ids"),
    [
        (["ab"] * 5 + ["cd"] * 5 + ["x"] * 5, ["ab", "x"]),  # "cd" hashes as "ab"
        (["ab"] * 9 + [None] + ["x"] * 9, ["ab", "x", ""]),  # null hashes as ""
        (["ab"] * 5 + ["x"] * 5, ["ab", "x", "q"]),  # "x" and "q" collide among the ids
    ],
)
def test_colliding_hashes_fall_back_to_the_text(
    keys: list[str | None], ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run heads are matched on u64 hashes and checked against the text."""
    monkeypatch.setattr(pl.Series, "hash", lambda self, *a, **k: _by_length(self))
    got = row_of(pl.Series(keys, dtype=pl.String()), pl.Series(ids, dtype=pl.String()))
    assert got.to_list() == _joined(keys, ids)


@pytest.mark.parametrize("with_absent", [False, True])
def test_runs_taken_without_a_shifted_copy(
    with_absent: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """row_of finds the runs with `rle`, not by comparing the keys with a shifted copy of
    them (a new 16-byte view per key: ~28k fresh pages for 7M enrollments), on keys in
    several chunks as the loader gives them, every key found or some absent."""
    runs = [("c1", 6), ("c2", 4), ("c3", 5)] + ([("gone", 3)] if with_absent else [])
    keys: list[str | None] = [k for k, n in runs for _ in range(n)]
    ids = ["c3", "c1", "c2"]
    chunked = pl.concat([pl.Series(keys[:7]), pl.Series(keys[7:])], rechunk=False)
    assert chunked.n_chunks() == 2

    def no_shift(self: pl.Series, *a: object, **k: object) -> pl.Series:
        raise AssertionError("the keys were shifted")

    monkeypatch.setattr(pl.Series, "shift", no_shift)
    got = row_of(chunked, pl.Series(ids))
    assert got.dtype == pl.UInt32
    assert got.to_list() == _joined(keys, ids)
