"""redact._plain (a byte screen, then the regex on the chunks it marks) agrees with the
PLAIN regex on every row: dots, empties, nulls, short (inline) and long values, chunks."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.report.redact import PLAIN, _plain

ALPHABET = "ab09_@+-.A /é"
value = st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=30))
chunks = st.lists(st.lists(value, max_size=8), max_size=5)


def _chunked(parts: list[list[str | None]]) -> pl.Series:
    series = [pl.Series("v", p, dtype=pl.String) for p in parts]
    if not series:
        return pl.Series("v", [], dtype=pl.String)
    return pl.concat(series, rechunk=False)


@settings(max_examples=300, deadline=None)
@given(chunks)
def test_plain_is_the_regex(parts: list[list[str | None]]) -> None:
    s = _chunked(parts)
    want = s.str.contains(PLAIN).fill_null(False).to_list()
    assert _plain(s).to_list() == want


@settings(max_examples=300, deadline=None)
@given(chunks)
def test_plain_is_the_regex_beside_long_values(parts: list[list[str | None]]) -> None:
    # a value longer than a view holds: the byte screen runs (short columns take the regex)
    s = _chunked([[*p, "0b6f3c2e-1d2a-4c1e-9f00"] for p in parts])
    assert _plain(s).to_list() == s.str.contains(PLAIN).fill_null(False).to_list()


def test_plain_on_clean_and_marked_chunks() -> None:
    clean = ["0b6f3c2e-1d2a-4c1e-9f00-5a5a5a5a5a5a", "12345", "user_1@x+y"]
    marked = ["a.b", "a..b", ".a", "a.", "", "Upper", "with space"]
    s = pl.concat([pl.Series(clean), pl.Series(marked), pl.Series(clean)], rechunk=False)
    assert (
        _plain(s).to_list()
        == [True] * 3 + [True, False, False, False, False, False, False] + [True] * 3
    )
