"""A column empty on every record of a proven file: one "" broadcast, the same values."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from roster_lint.findings import Findings
from roster_lint.load import reader
from roster_lint.load.source import Entry
from roster_lint.model import LINE


def _read(tmp_path: Path, text: str) -> reader.Parsed:
    path = tmp_path / "users.csv"
    path.write_bytes(text.encode())
    entry = Entry(name=path.name, path=path.name, size=path.stat().st_size, fs_path=path)
    out = Findings()
    parsed = reader.read_entry(entry, out)
    assert out.frame().height == 0
    return parsed


@pytest.mark.parametrize("quoted", [False, True])
def test_empty_columns_read_as_empty_strings(tmp_path: Path, quoted: bool) -> None:
    rows = [["u1", "", "", "x"], ["u2", "", "é", ""], ["u3", "", "", ""]]
    q = '"' if quoted else ""
    lines = [",".join(f"{q}{v}{q}" for v in r) for r in [["id", "status", "name", "note"], *rows]]
    parsed = _read(tmp_path, "\r\n".join(lines) + "\r\n")
    assert parsed.header == ["id", "status", "name", "note"]
    expected = pl.DataFrame(
        {f"c{i}": [r[i] for r in rows] for i in range(4)} | {LINE: [2, 3, 4]},
        schema={"c0": pl.String, "c1": pl.String, "c2": pl.String, "c3": pl.String, LINE: pl.Int64},
    )
    assert parsed.df.equals(expected)
    # Whole-column work on it, as the checks do it (the broadcast value, row for row).
    got = parsed.df.filter(pl.col("c0") != "u2").select(
        (pl.col("c1") == "").all().alias("all_empty"),
        pl.col("c1").str.len_bytes().sum().alias("bytes"),
        pl.col("c1").is_null().any().alias("nulls"),
    )
    assert got.row(0) == (True, 0, False)
    assert parsed.df.get_column("c1").to_list() == ["", "", ""]


def test_constant_columns_are_found_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "SAMPLE_ROWS", 2)  # the whole-column comparison runs too
    rows = [
        ["id", "status", "begin", "same_length", "late", "名"],
        ["u1", "", "2026-08-17", "aa", "x", "é"],
        ["u2", "", "2026-08-17", "aa", "x", "é"],
        ["u3", "", "2026-08-17", "aa", "x", "é"],
        ["u4", "", "2026-08-17", "ab", "y", "é"],  # equal lengths, another value
    ]
    cols = [f"c{i}" for i in range(6)]
    df = pl.DataFrame([pl.Series(c, [r[i] for r in rows]) for i, c in enumerate(cols)])
    sums = tuple(df.select(pl.col(c).str.len_bytes().sum() for c in cols).row(0))
    got = reader._constants(df, cols, rows[0], sums)
    assert got == {"c1": "", "c2": "2026-08-17", "c5": "é"}
    # A file of its header and one record keeps its columns as read.
    assert reader._constants(df.head(2), cols, rows[0], sums) == {}


def test_constant_columns_read_as_their_value(tmp_path: Path) -> None:
    text = "id,begin,status\n" + "".join(f"u{i},8/17/2026,\n" for i in range(5000))
    parsed = _read(tmp_path, text)
    assert parsed.df.height == 5000
    assert parsed.df.get_column("c1").unique().to_list() == ["8/17/2026"]
    assert parsed.df.get_column("c2").unique().to_list() == [""]
    assert parsed.df.get_column("c0").n_unique() == 5000
    got = parsed.df.filter(pl.col(LINE) > 4990).select(pl.col("c1").str.to_date("%m/%d/%Y"))
    assert got.height == 11 and got.get_column("c1").n_unique() == 1


def test_a_broadcast_column_does_not_rechunk_the_frame() -> None:
    # The plan cuts the columns it adds like the loader's chunks (predict.kernel.chunked_
    # like): a frame whose columns are chunked differently is rechunked whole by the next
    # eager operation.  A broadcast column (even once its Series was asked for, one chunk)
    # must not count as such a column.
    parts = [pl.DataFrame({"a": [f"u{i}" for i in range(k, k + 100)]}) for k in (0, 100, 200)]
    df = pl.concat(parts, rechunk=False).with_columns(pl.lit("", pl.String()).alias("s"))
    assert df.get_column("s").n_chunks() == 1
    out = df.with_columns(pl.col("a").str.len_bytes().alias("n"))
    assert out.get_column("a").n_chunks() == 3
