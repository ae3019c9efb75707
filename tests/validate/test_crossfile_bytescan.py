"""The byte screen before the fold regex (crossfile.bytescan) never hides a row it matches."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import bytescan
from roster_lint.model import LINE, Table
from roster_lint.validate.crossfile.bytescan import marked_rows
from roster_lint.validate.crossfile.duplicates import (
    CHANGES_WHEN_FOLDED,
    _changing,
    _lowercase_hash,
)

# Ids as exports write them, plus what the screen must see: ASCII and non-ASCII capitals,
# title case (U+01C5), spaces inside and around, no-break and em spaces, controls.
PIECES = ["a5613", "-8d8b-", "_", "0042", "x" * 20, "Q", "É", "ǅ", " ", "\u00a0", "\u2003", "\t"]
ids = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
column = st.lists(st.lists(st.one_of(ids, st.none()), max_size=8), min_size=1, max_size=6)


def chunked(parts: list[list[str | None]]) -> pl.Series:
    """One Series of several chunks (as a CSV read at scale gives), sharing no buffer."""
    return pl.concat([pl.Series("sourcedId", p, pl.String()) for p in parts], rechunk=False)


def matching(s: pl.Series) -> list[int]:
    return [i for i, hit in enumerate(s.str.contains(CHANGES_WHEN_FOLDED)) if hit]


@settings(max_examples=200, deadline=None)
@given(column, st.integers(0, 48))
def test_marked_ranges_hold_every_matching_row(parts: list[list[str | None]], cut: int) -> None:
    whole = chunked(parts)
    cut = min(cut, whole.len())
    # Slices of one column share its buffers (and may see bytes no row of theirs uses).
    s = pl.concat([whole.slice(cut), whole.slice(0, cut)], rechunk=False)
    ranges = marked_rows(s)
    assert ranges is not None
    covered = {i for start, n in ranges for i in range(start, start + n)}
    assert set(matching(s)) <= covered
    assert all(start >= 0 and start + n <= s.len() for start, n in ranges)


@settings(max_examples=200, deadline=None)
@given(column)
def test_changing_equals_the_regex_on_every_row(parts: list[list[str | None]]) -> None:
    s = chunked(parts)
    df = pl.DataFrame({LINE: range(2, s.len() + 2), "sourcedId": s})
    expected = df.filter(pl.col("sourcedId").str.contains(CHANGES_WHEN_FOLDED))
    assert _changing(df).equals(expected)


def test_clean_ids_mark_nothing_and_one_capital_marks_its_chunk() -> None:
    clean: list[str | None] = [f"a56131c1-8d8b-4305-ad99-{i:012d}" for i in range(300)]
    short: list[str | None] = ["abc", "0042", None, ""]
    assert marked_rows(chunked([clean, short, clean])) == []
    odd = chunked([clean, short, [*clean[:5], "a56131c1-8D8B"], clean])
    assert marked_rows(odd) == [(304, 6)]
    assert marked_rows(chunked([clean, ["ab C"]])) == [(300, 1)]  # inline (<= 12 bytes)


@settings(max_examples=200, deadline=None)
@given(column)
def test_lowercase_hash_equals_hashing_every_value_lowercased(
    parts: list[list[str | None]],
) -> None:
    s = chunked(parts).alias("email")
    t = Table(name="users.csv", path="users.csv", df=pl.DataFrame({"email": s}), header=["email"])
    expected = t.df.select(pl.col("email").str.to_lowercase().hash(seed=7)).to_series()
    assert _lowercase_hash(t, "email").equals(expected)


# Mostly short ids (inline in their views): the counting path (_inline_marked); a long
# one ("50000_1010000", 13 bytes) now and then, whose view holds a prefix and an offset.
SHORT = ["0", "12", "4711", "-", "_", "Q", "É", " ", "\t", "\x7f", "ß", "z", "50000_1010000"]
SHORT += ['"', "\\", "\x00", "~"]
short_ids = st.lists(st.sampled_from(SHORT), max_size=4).map("".join)
short_column = st.lists(
    st.lists(st.one_of(short_ids, st.none()), max_size=8), min_size=1, max_size=6
)


@settings(max_examples=300, deadline=None)
@given(short_column, st.integers(0, 48))
def test_short_ids_counted_as_the_byte_test_marks_them(
    parts: list[list[str | None]], cut: int
) -> None:
    whole = chunked(parts)
    cut = min(cut, whole.len())
    s = pl.concat([whole.slice(cut), whole.slice(0, cut)], rechunk=False)
    # the same test through any other callable takes the copying path (as before)
    for test in (bytescan._marked, bytescan._unplain, bytescan._control, bytescan._json_escaped):
        assert test in bytescan._COUNTS  # else this would compare the copying path with itself
        assert marked_rows(s, test) == marked_rows(s, lambda data, t=test: t(data)), test


@settings(max_examples=200, deadline=None)
@given(short_column)
def test_short_strings_plain_and_control_as_the_values_say(parts: list[list[str | None]]) -> None:
    """is_plain / may_hold_control / is_json_plain on short strings (the counting path)
    against the values themselves."""
    s = chunked(parts)
    values = [v for v in s.to_list() if v is not None]
    assert bytescan.is_plain(s) == all(c.isascii() and c.isprintable() for v in values for c in v)
    control = any(ord(c) < 0x20 or c == "\x7f" for v in values for c in v)
    assert bytescan.may_hold_control(s) == control
    escaped = s.null_count() > 0 or any(
        not (c.isascii() and c.isprintable()) or c in '"\\' for v in values for c in v
    )
    assert bytescan.is_json_plain(s) == (not escaped)


def test_short_ids_counted_over_several_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bytescan, "INLINE_ROWS", 3)
    clean = [str(1000 + i) for i in range(20)]
    assert marked_rows(pl.Series(clean)) == []
    assert marked_rows(pl.Series([*clean, "50000_1010000"])) == []  # a long view: no padding
    for bad in ("12A", "1 2", "é", "99\x00", "50000_101000Q"):
        for at in (0, 7, 19):
            values = [*clean[:at], bad, *clean[at + 1 :]]
            assert marked_rows(pl.Series(values)) == [(0, 20)], (bad, at)
    assert bytescan.is_plain(pl.Series(clean)) and not bytescan.may_hold_control(pl.Series(clean))
    for bad, plain, control in (("1\x7f", False, True), ("9\t", False, True), ("é", False, False)):
        for at in (0, 7, 19):
            s = pl.Series([*clean[:at], bad, *clean[at + 1 :]])
            assert bytescan.is_plain(s) == plain and bytescan.may_hold_control(s) == control
