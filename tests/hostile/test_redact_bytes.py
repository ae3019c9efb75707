"""redact._outside_plain (reductions) marks exactly the blocks the byte table marks: a
byte outside PLAIN's `[a-z0-9_@+-]` anywhere, in any block."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import bytescan
from roster_lint.report import redact

ALLOWED = set(b"abcdefghijklmnopqrstuvwxyz0123456789_@+-")
# Every byte PLAIN allows and those next to the ranges the reductions test.
EDGES = sorted({*ALLOWED, *range(0x28, 0x31), *range(0x38, 0x42), *range(0x5D, 0x63)})
EDGES += [0x00, 0x20, 0x7A, 0x7B, 0x7F, 0x80, 0xC3, 0xFF]
data = st.lists(st.sampled_from(EDGES), min_size=1, max_size=64).map(
    lambda xs: np.array(xs, np.uint8)
)


@settings(max_examples=500, deadline=None)
@given(data, st.integers(1, 16))
def test_reductions_mark_what_the_table_marks(values: np.ndarray, block: int) -> None:
    saved = bytescan.BLOCK, redact.BLOCK
    # Small blocks: many of them, a bad byte in any one.
    bytescan.BLOCK = redact.BLOCK = block
    try:
        expected = any(int(b) not in ALLOWED for b in values)
        assert redact._outside_plain(values) == expected
        assert redact._outside_by_table(values) == expected
    finally:
        bytescan.BLOCK, redact.BLOCK = saved


@pytest.mark.parametrize("bad", [*b"./:;<=>?AZ[\\]^`{~ ,*\t", 0x7F, 0x80, 0xFF, 0x00])
def test_one_bad_byte_among_plain_ones(bad: int) -> None:
    # The third: "_" without "@" (enrollment ids), the branch that looks for "`" alone.
    for clean in (
        b"a56131c1-8d8b-4305-ad99",
        b"class_7_user@x+y",
        b"a561_2929-ad99",
        b"0123456789",
    ):
        base = np.frombuffer(clean * 40, np.uint8).copy()
        assert not redact._outside_plain(base)
        for at in (0, len(base) // 2, len(base) - 1):
            one = base.copy()
            one[at] = bad
            assert redact._outside_plain(one), (bytes([bad]), clean, at)


def test_plain_mask_equals_the_regex_on_long_ids() -> None:
    ids = [f"a56131c1-8d8b-4305-ad99-{i:012d}_u{i}" for i in range(3000)]
    ids[5], ids[1500], ids[2999] = "A56131c1-8d8b-4305-ad99-0000", "x.y@z_long_enough_id", None  # type: ignore[call-overload]
    s = pl.Series(ids, dtype=pl.String)
    assert redact._plain(s).equals(s.str.contains(redact.PLAIN).fill_null(False))
