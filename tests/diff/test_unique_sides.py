"""rows.unique_sides (whether a side's key hashes repeat, NEW's side read from OLD's where
they agree at the same position) against `n_unique` of each side, on hash columns listed
mostly alike with rows added, dropped, moved and repeated on either side."""

from __future__ import annotations

import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.diff.rows import unique_sides
from roster_lint.validate.crossfile.common import distinct


def _oracle(old: pl.Series, new: pl.Series) -> list[bool]:
    return [h.n_unique() == h.len() for h in (old, new)]


def _chunked(values: list[int], cut: int) -> pl.Series:
    """A u64 series in chunks of `cut` values (the loader's frames come in many chunks)."""
    parts = [pl.Series("h", values[i : i + cut], pl.UInt64) for i in range(0, len(values), cut)]
    return pl.concat(parts, rechunk=False) if parts else pl.Series("h", [], pl.UInt64)


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    size=st.integers(0, 60),
    edits=st.integers(0, 8),
    repeat_old=st.booleans(),
    cuts=st.tuples(st.integers(1, 9), st.integers(1, 9)),
)
def test_unique_sides_is_n_unique(
    seed: int, size: int, edits: int, repeat_old: bool, cuts: tuple[int, int]
) -> None:
    rng = random.Random(seed)
    old = rng.sample(range(10**6), size)
    new = list(old)
    for _ in range(edits):
        kind = rng.choice(["add", "drop", "swap", "repeat", "take", "change"])
        if kind == "add":
            new.insert(rng.randrange(len(new) + 1), rng.randrange(10**6, 10**6 + 50))
        elif kind == "drop" and new:
            new.pop(rng.randrange(len(new)))
        elif kind == "swap" and len(new) > 1:
            i, j = rng.randrange(len(new)), rng.randrange(len(new))
            new[i], new[j] = new[j], new[i]
        elif kind == "repeat" and new:  # a hash NEW holds twice
            new.insert(rng.randrange(len(new) + 1), rng.choice(new))
        elif kind == "take" and old and new:  # one of OLD's hashes, elsewhere in NEW
            new[rng.randrange(len(new))] = rng.choice(old)
        elif kind == "change" and new:
            new[rng.randrange(len(new))] = rng.randrange(10**6, 10**6 + 50)
    if repeat_old and old:
        old.insert(rng.randrange(len(old) + 1), rng.choice(old))
    a, b = _chunked(old, cuts[0]), _chunked(new, cuts[1])
    assert unique_sides(a, b) == _oracle(a, b)


def test_unique_sides_cases() -> None:
    s = lambda v: pl.Series("h", v, pl.UInt64)  # noqa: E731
    assert unique_sides(s([1, 2, 3]), s([1, 2, 3])) == [True, True]
    # NEW's other row holds a hash NEW also has in place
    assert unique_sides(s([1, 2, 3]), s([1, 2, 3, 2])) == [True, False]
    assert unique_sides(s([1, 2, 3, 4]), s([1, 2, 3, 1])) == [True, False]
    # NEW's other rows repeat among themselves
    assert unique_sides(s([1, 2, 3, 4]), s([1, 2, 9, 9])) == [True, False]
    assert unique_sides(s([1, 1]), s([1, 2])) == [False, True]
    assert unique_sides(s([]), s([5, 5])) == [True, False]
    assert unique_sides(s([5, 6]), s([])) == [True, True]
    # mostly moved: NEW counted whole
    assert unique_sides(s([1, 2, 3, 4]), s([4, 3, 2, 1])) == [True, True]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 20), max_size=40),
    cut=st.integers(1, 9),
)
def test_distinct_is_n_unique(values: list[int], cut: int) -> None:
    """rows.distinct (equal neighbours once sorted on one thread) against n_unique, on u64
    hashes in chunks, large and small values, with and without repeats."""
    h = _chunked(values, cut)
    assert distinct(h) == (h.n_unique() == h.len())
