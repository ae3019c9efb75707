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


def test_an_empty_column_is_a_literal_and_the_others_are_read() -> None:
    # Sums as the proof computes them: the header cell's bytes plus every record's.
    kept = reader._kept(["c0", "c1", "c2"], ["id", "status", "名"], (9, 6, 3), rows=4)
    assert [e.meta.output_name() for e in kept] == ["c0", "c1", "c2"]
    assert [e.meta.is_literal(allow_aliasing=True) for e in kept] == [False, True, True]
    # A file of its header alone keeps its (empty) columns as read.
    alone = reader._kept(["c0", "c1"], ["id", "status"], (2, 6), rows=1)
    assert [e.meta.is_literal(allow_aliasing=True) for e in alone] == [False, False]
