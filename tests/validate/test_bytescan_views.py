"""The counting path of bytescan (`_inline_marked`) reads each view's 16 bytes whole (length,
string, zero padding) and `_quick_quiet` / `_quiet_block` skip passes: every byte, at every
string length a view holds itself (and past it), must still be seen by every yes/no screen
exactly as a test of the values says."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint import bytescan

# Characters around each boundary the screens and their shortcuts use: controls, the space,
# "!".."+" (the quick pass's range), DEL, non-ASCII, capitals, JSON's escapes.
PROBES = [chr(b) for b in (*range(0x01, 0x30), 0x40, 0x41, 0x5A, 0x5B, 0x5C, 0x7E, 0x7F)]
PROBES += ["é", "\u00a0", "ǅ"]


def expected(values: list[str]) -> dict[str, bool]:
    chars = [c for v in values for c in v]
    return {
        "quiet": all(0x20 < ord(c) < 0x7F and c != "+" for c in chars),
        "plain": all(0x20 <= ord(c) < 0x7F for c in chars),
        "control": any(ord(c) < 0x20 or ord(c) == 0x7F for c in chars),
        "json": all(0x20 <= ord(c) < 0x7F and c not in '"\\' for c in chars),
    }


def screens(s: pl.Series) -> dict[str, bool]:
    return {
        "quiet": bytescan.is_quiet(s),
        "plain": bytescan.is_plain(s),
        "control": bytescan.may_hold_control(s),
        "json": bytescan.is_json_plain(s),
    }


@pytest.mark.parametrize("length", [1, 5, 11, 12, 13, 30])
@pytest.mark.parametrize("long_rows", [False, True])
def test_every_byte_at_every_length_is_seen(length: int, long_rows: bool) -> None:
    # Short numeric ids (inline in their views), a few long ids in the same block or not.
    clean = [str(10000 + i) for i in range(60)]
    if long_rows:
        clean[7] = "a56131c1-8d8b-4305-ad99-000000000001"
    for probe in PROBES:
        for at in (0, length - 1):
            bad = ("7" * length)[:at] + probe + ("7" * length)[at + 1 :]
            values = [*clean[:30], bad, *clean[30:]]
            got = screens(pl.Series(values))
            assert got == expected(values), (probe, length, at)
    assert screens(pl.Series(clean)) == expected(clean)


def test_a_clean_block_of_every_length_is_quiet() -> None:
    # The padding count: lengths 0..12 (0 is the empty string) pass only when it is exact.
    values = ["9" * (i % 13) for i in range(200)]
    assert bytescan.is_quiet(pl.Series(values))
    assert bytescan.is_plain(pl.Series(values))
    assert not bytescan.may_hold_control(pl.Series(values))
    # One "+" among them, in the last block of views (65,536 per pass).
    many = ["42"] * 70_000
    many[69_999] = "4+"
    assert not bytescan.is_quiet(pl.Series(many))
    many[69_999] = "4*"  # in the quick pass's range, not marked: the exact count decides
    assert bytescan.is_quiet(pl.Series(many))


def test_quiet_blocks_in_the_data_buffers() -> None:
    long = [f"a56131c1-8d8b-4305-ad99-{i:012d}" for i in range(100)]
    assert bytescan.is_quiet(pl.Series(long))
    for bad, quiet in (("+", False), ("*", True), ("!", True), (" ", False), ("\x7f", False)):
        values = [*long[:50], long[50][:20] + bad + long[50][21:], *long[51:]]
        assert bytescan.is_quiet(pl.Series(values)) == quiet, bad
