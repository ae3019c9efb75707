"""enrollments.by_key (a value made once per distinct key, spread by a table or a sort)
gives what the join it replaced gave: the first row of each key made, in row order, and
every row the value of its key.  The join is the oracle."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.enrollments import by_key, codes, pair_key


def joined(key: np.ndarray, make) -> pl.Series:  # type: ignore[no-untyped-def]
    """The previous by_key: first rows by is_first_distinct, spread by a left join."""
    keyed = pl.Series("_k", key, dtype=pl.UInt64).to_frame()
    firsts = keyed.with_row_index("_i").filter(pl.col("_k").is_first_distinct())
    table = firsts.select("_k").hstack([make(firsts["_i"]).alias("_v")])
    return keyed.join(table, on="_k", how="left", maintain_order="left")["_v"]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("spread", [3, 50, 10**12])  # dense table / sparse: sorted
def test_by_key_is_the_join(seed: int, spread: int) -> None:
    rng = np.random.default_rng(seed)
    key = rng.integers(0, spread, rng.integers(1, 400))
    seen: list[list[int]] = []

    def make(first: pl.Series) -> pl.Series:
        seen.append(first.to_list())
        return pl.Series([f"v{k}-{i}" for k, i in zip(key[first], first, strict=True)])

    got = by_key(key, make)
    want = joined(key, make)
    assert got.to_list() == want.to_list()
    assert seen[0] == seen[1]  # the same first rows, in the same (row) order
    assert seen[0] == sorted(seen[0])


def test_by_key_of_nothing() -> None:
    out = by_key(np.array([], np.int64), lambda first: first.cast(pl.String))
    assert out.len() == 0


def test_codes_put_null_past_the_largest() -> None:
    # categories of its own, as the plan's columns have (the global ones hold every
    # value another test cast before)
    local = pl.Categorical(pl.Categories.random())
    got, n = codes(pl.Series(["b", None, "a", "b"], dtype=local))
    assert n == 3 and got[1] == 2 and got[0] == got[3] != got[2]
    got, n = codes(pl.Series([None, None], dtype=pl.UInt32))
    assert n == 1 and got.tolist() == [0, 0]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 9)), st.sampled_from([None, "a", "b", ""])),
        max_size=40,
    ),
    st.sampled_from([0, 1 << 30, (1 << 32) - 12]),
)
def test_pair_key_is_the_int64_mixed_radix(
    rows: list[tuple[int | None, str | None]], at: int
) -> None:
    # pair_key (uint32 where every key fits, else int64) against the int64 arithmetic
    # of codes(); `at` moves the row numbers so that both widths are taken.
    local = pl.Categorical(pl.Categories.random())
    a = pl.Series([None if r is None else r + at for r, _ in rows], dtype=pl.UInt32)
    b = pl.Series([g for _, g in rows], dtype=pl.String).cast(local)
    low, nb = codes(b)
    high, _ = codes(a)
    want = high * nb + low
    got = pair_key(a, b)
    assert got.tolist() == want.tolist()
    if at == 0:  # small codes take the narrow keys
        assert got.dtype == np.uint32
