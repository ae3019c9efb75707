"""reader._batch_lengths (read_like's per-batch lengths, eager) gives _lengths' numbers and
reader._equal `equals`' answer; read_like asks neither a lazy _lengths of its batches nor
`Series.equals` of a healthy pair (docs/performance.md, branch difffast9)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.findings import Findings
from roster_lint.load import reader
from roster_lint.load.reader import Parsed
from roster_lint.load.source import Entry
from tests.load.test_read_like import HEADER, _batches, _csv, _entry, _pair, _rows, _same

_value = st.one_of(st.none(), st.sampled_from(["", "x", "é", "2026-08-17", "a" * 70, "日本"]))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_value, min_size=3, max_size=3), max_size=12),
    st.sampled_from([10, 2**32, 2**33]),
)
def test_batch_lengths_are_lengths(rows: list[list[str | None]], size: int) -> None:
    """The sums and maxima of every column (nulls, blanks, multibyte text, no row), for a
    file under and over 4 GiB (u32 or u64 sums)."""
    cols = ["c0", "c1", "c2"]
    batch = pl.DataFrame(
        {c: [r[i] for r in rows] for i, c in enumerate(cols)},
        schema={c: pl.String for c in cols},
    )
    entry = Entry(name="x.csv", path="x.csv", size=size)
    want = reader._lengths(batch, cols, entry)
    assert reader._batch_lengths(batch, cols, entry) == want


def _healthy_pair(tmp_path: Path) -> tuple[Path, Parsed, Findings, Parsed]:
    """(NEW, NEW read whole, its findings, OLD read whole): ids regenerated, one
    value changed, no null on either side."""
    rows = _rows(40)
    new = [[f"r{i}", *r[1:]] for i, r in enumerate(rows)]
    new[17][3] = "aide"
    a, b = _pair(tmp_path, _csv([HEADER, *rows]), _csv([HEADER, *new]))
    want_out = Findings()
    want = reader.read_entry(_entry(b), want_out)
    like = reader.read_entry(_entry(a), Findings())
    return b, want, want_out, like


def test_read_like_asks_no_lazy_lengths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A healthy pair (ids regenerated, one value changed) is read like OLD's with no
    _lengths query per batch: read_entry's Parsed."""
    b, want, want_out, like = _healthy_pair(tmp_path)

    def lazy(*_: object) -> list[int]:
        raise AssertionError("_lengths")

    monkeypatch.setattr(reader, "_lengths", lazy)
    got_out = Findings()
    with _batches(10):
        got = reader.read_like(_entry(b), got_out, like)
    _same(got, got_out, want, want_out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_value, _value), max_size=12), st.booleans())
def test_equal_is_equals(pairs: list[tuple[str | None, str | None]], same: bool) -> None:
    """reader._equal is `equals` with nulls equal, nulls on either side or none."""
    a = pl.Series("a", [x for x, _ in pairs], pl.String)
    b = a.clone() if same else pl.Series("b", [y for _, y in pairs], pl.String)
    assert reader._equal(a, b) == a.equals(b, check_names=False, null_equal=True)


def test_read_like_compares_without_equals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A healthy pair (no null on either side) is compared batch by batch with no
    `Series.equals`: read_entry's Parsed."""
    b, want, want_out, like = _healthy_pair(tmp_path)

    def no_equals(*_: object, **__: object) -> bool:
        raise AssertionError("Series.equals")

    monkeypatch.setattr(pl.Series, "equals", no_equals)
    got_out = Findings()
    with _batches(10):
        got = reader.read_like(_entry(b), got_out, like)
    monkeypatch.undo()
    _same(got, got_out, want, want_out)
