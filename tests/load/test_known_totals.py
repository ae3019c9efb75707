"""reader._lengths reads a String column's total bytes off its views (`_known_total`,
polars' `estimated_size()`) where the column has no null, and sums the lengths otherwise:
the numbers are the sums and maxima of each value's length, as before (docs/performance.md,
"Branch planload11")."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.load import reader
from roster_lint.load.source import Entry
from tests.load.test_kept_columns import _exports

_value = st.one_of(
    st.none(),
    st.sampled_from(["", "x", "é", "2026-08-17", "a" * 70, "日本", "twelve bytes", "b" * 13]),
)


def _oracle(df: pl.DataFrame, cols: list[str], size: int) -> list[int]:
    """The former _lengths: every column's lengths summed and maximised in one query."""
    lens = [pl.col(c).str.len_bytes() if df.schema[c] == pl.String() else pl.col(c) for c in cols]
    if size >= 2**32:
        lens = [x.cast(pl.UInt64) for x in lens]
    longest = [x.max().alias(f"m{i}") for i, x in enumerate(lens)]
    stats = df.select([x.sum() for x in lens] + longest)
    return [int(v or 0) for v in stats.row(0)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_value, min_size=3, max_size=3), max_size=14),
    st.integers(0, 14),
    st.sampled_from([10, 2**32]),
)
def test_lengths_are_the_sums_and_maxima(rows: list[list[str | None]], cut: int, size: int) -> None:
    """Columns with and without nulls, inline (<= 12 bytes) and longer values, multibyte
    text, several chunks (one a slice), a column of lengths (UInt32) beside them."""
    cols = ["c0", "c1", "c2"]
    whole = pl.DataFrame(
        {c: [r[i] for r in rows] for i, c in enumerate(cols)},
        schema={c: pl.String for c in cols},
    )
    cut = min(cut, whole.height)
    df = pl.concat([whole.slice(0, cut), whole.slice(cut)], rechunk=False).with_columns(
        pl.col("c2").str.len_bytes().alias("n3")
    )
    entry = Entry(name="x.csv", path="x.csv", size=size)
    assert reader._lengths(df, [*cols, "n3"], entry) == _oracle(df, [*cols, "n3"], size)


def test_known_total_only_without_nulls() -> None:
    df = pl.DataFrame(
        {"a": ["x" * 20, "", "é"], "b": ["x", None, "yy"], "n": [1, 2, 3]},
        schema={"a": pl.String, "b": pl.String, "n": pl.UInt32},
    )
    assert reader._known_total(df, "a") == 22  # "é" is two bytes
    assert reader._known_total(df, "b") is None  # summed in the query
    assert reader._known_total(df, "n") is None  # a column of lengths


@pytest.mark.parametrize("export", _exports(), ids=lambda p: p.name)
def test_views_know_their_totals(export: Path) -> None:
    """On every sample and corpus file, as polars reads it for the proof, each column's
    known total is its lengths' sum (pins what `estimated_size()` counts)."""
    for path in sorted(export.glob("*.csv")):
        head = path.read_bytes()[:65536]
        width = reader._header_width(head)
        try:
            df = reader._read_text(path, width, ragged=True, numbered=True)
        except pl.exceptions.PolarsError:
            continue
        for c in df.columns:
            total = reader._known_total(df, c)
            if total is not None:
                assert total == df.get_column(c).str.len_bytes().sum(), (path, c)
