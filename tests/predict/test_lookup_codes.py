"""enrollments.lookup_codes (gather by Categorical code) gives what the join did."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint.predict.chunks import local_categorical
from roster_lint.predict.enrollments import lookup, lookup_codes


@pytest.mark.parametrize(
    ("keys", "side_keys"),
    [
        (["b", "a", "zz", "b", "c"], ["a", "b", "c"]),
        (["only-in-frame", "x"], []),
        ([], ["a"]),
        ([], []),
        (["a", "a"], ["a", "b", "b"]),  # duplicate side keys: the join's answer
    ],
)
def test_same_as_join(keys: list[str], side_keys: list[str]) -> None:
    cats = local_categorical()
    frame = pl.DataFrame({"k": keys}, schema={"k": pl.String()}).select(pl.col("k").cast(cats))
    side = pl.DataFrame(
        {"k": side_keys, "v": list(range(len(side_keys)))},
        schema={"k": pl.String(), "v": pl.Int64()},
    ).with_columns(pl.col("k").cast(cats))
    got = [s.to_list() for s in lookup_codes(frame, "k", side)]
    want = [s.to_list() for s in lookup(frame, "k", side)]
    assert got == want
    if len(set(side_keys)) == len(side_keys):  # duplicates: lookup_codes defers to the join
        assert got[0] == [side_keys.index(k) if k in side_keys else None for k in keys]
