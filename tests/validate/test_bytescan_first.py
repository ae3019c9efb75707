"""bytescan.marked_rows(first=True) stops at the first marked range: the yes/no screens
(is_plain, is_quiet, may_hold_control, is_json_plain) answer as reading every chunk does."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings

from roster_lint import bytescan
from tests.validate.test_crossfile_bytescan import chunked, column


@settings(max_examples=200, deadline=None)
@given(column)
def test_first_range_is_the_first_of_all_ranges(parts: list[list[str | None]]) -> None:
    s = chunked(parts)
    for test in (bytescan._marked, bytescan._unplain, bytescan._control, bytescan._quiet):
        every = bytescan.marked_rows(s, test)
        first = bytescan.marked_rows(s, test, first=True)
        assert every is not None and first is not None
        assert first == every[:1], test


def test_screens_see_a_mark_in_the_last_chunk_only() -> None:
    clean: list[str | None] = [f"a56131c1-8d8b-4305-ad99-{i:012d}" for i in range(100)]
    for bad, plain, quiet, control in (
        ("é", False, False, False),
        ("a b", True, False, False),
        ("a\tb", False, False, True),
        ("1.5E+11", True, False, False),
    ):
        s = chunked([clean, clean, [*clean[:50], bad]])
        assert s.n_chunks() == 3
        assert bytescan.is_plain(s) == plain
        assert bytescan.is_quiet(s) == quiet
        assert bytescan.may_hold_control(s) == control
        assert not bytescan.is_json_plain(pl.concat([s, pl.Series([None], dtype=pl.String)]))
