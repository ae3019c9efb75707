"""read_entry(columns=...): the fast read of only the columns a caller reads (`plan`), with
the rest read as lengths (reader._projected), gives what reading every column and dropping
the others gives: header, frame, findings, cut line; and on a damaged file, the whole
read's answer (the exact path's findings)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster_lint.findings import Findings
from roster_lint.load import reader
from roster_lint.load.source import Entry
from roster_lint.model import LINE

HEADER = ["sourcedId", "status", "dateLastModified", "classSourcedId", "role", "beginDate"]
ROW = ["e1", "", "", "c1", "student", "2026-08-17"]
SOME = [1, 3, 4]  # the columns a caller reads (c0 is read too, for rows_left_out's screen)


def _entry(path: Path) -> Entry:
    return Entry(name=path.name, path=path.name, size=path.stat().st_size, fs_path=path)


def _read(path: Path, kept: Collection[int], projected: bool) -> tuple[object, ...]:
    """What load_export keeps of a file: rows_left_out applied, the columns not `kept`
    dropped (load._kept), findings as a frame; read told which are kept, or not told."""
    out = Findings()
    wanted = (lambda header: kept) if projected else None
    p = reader.rows_left_out(reader.read_entry(_entry(path), out, wanted), path.name, out)
    df = p.df.select(c for c in p.df.columns if c == LINE or int(c[1:]) in kept)
    return p.header, p.readable, p.encoding, p.cut_line, df, out.frame()


def _same(path: Path, columns: Collection[int] = SOME) -> None:
    whole = _read(path, columns, projected=False)
    some = _read(path, columns, projected=True)
    assert some[:4] == whole[:4]
    assert isinstance(some[4], pl.DataFrame) and isinstance(whole[4], pl.DataFrame)
    assert some[4].equals(whole[4])
    assert isinstance(some[5], pl.DataFrame) and isinstance(whole[5], pl.DataFrame)
    assert some[5].equals(whole[5])


def _csv(rows: list[list[str]], quote: bool = False, end: str = "\n") -> bytes:
    def cell(v: str) -> str:
        return f'"{v}"' if quote or "," in v else v

    return "".join(",".join(cell(v) for v in r) + end for r in rows).encode()


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "enrollments.csv"
    path.write_bytes(data)
    return path


def test_only_the_columns_read_are_made(tmp_path: Path) -> None:
    path = _write(tmp_path, _csv([HEADER, ROW, ["e2", "", "", "c2", "teacher", "2026-08-18"]]))
    p = reader.read_entry(_entry(path), Findings(), lambda header: SOME)
    assert p.df.columns == ["c0", "c1", "c3", "c4", LINE]
    assert p.df.rows() == [
        ("e1", "", "c1", "student", 2),
        ("e2", "", "c2", "teacher", 3),
    ]
    assert p.header == HEADER
    _same(path)


@pytest.mark.parametrize("quote", [False, True])
@pytest.mark.parametrize("end", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [b"", reader.BOM])
def test_healthy_file_projected(tmp_path: Path, quote: bool, end: str, bom: bytes) -> None:
    rows = [HEADER] + [[f"e{i}", "", "", f"c{i % 3}", "student", "2026-08-17"] for i in range(9)]
    path = _write(tmp_path, bom + _csv(rows, quote, end))
    p = reader.read_entry(_entry(path), Findings(), lambda header: SOME)
    assert "c5" not in p.df.columns  # the projected read, not the whole one
    _same(path)


@pytest.mark.parametrize(
    "row",
    [
        ["", "", "", "", "", ""],  # a spreadsheet's empty row (RL024)
        HEADER,  # files joined (RL029)
        ["", "", "", "", "", "x"],  # empty where the columns read are: not a blank row
        ["sourcedId", "status", "dateLastModified", "classSourcedId", "role", "beginDatX"],
    ],
)
def test_rows_left_out_as_the_whole_read_finds_them(tmp_path: Path, row: list[str]) -> None:
    """The columns read cannot say whether a record is all empty or the header again:
    the lengths of the others screen it, and a possible hit reads every column."""
    path = _write(tmp_path, _csv([HEADER, ROW, row, ROW]))
    _same(path)


@pytest.mark.parametrize(
    "data",
    [
        b"a,b,c,d,e,f\n1,2,3,4,5,6\n1,2,3,4,5\n1,2,3,4,5,6,7\n",  # short and long rows
        b"a,b,c,d,e,f\n1,2,3,4,5,6,7\n",  # long: only a read of every column raises
        b"a,b,c,d,e,f\n1,2,3,4,5\n",  # short
        b'a,b,c,d,e,f\n1,2,"3\n3",4,5,6\n',  # a line break in a column not read
        b'a,b,c,d,e,f\n1,2,"x""y",4,5,6\n',  # an escaped quote in a column not read
        b'a,b,c,d,e,f\n1,2,x"y,4,5,6\n',  # a stray quote
        b"a,b,c,d,e,f\n1,2,3,4,5,6\n\n1,2,3,4,5,6\n",  # a blank line
        b"a,b,c,d,e,f\n1,2,3,4,5,6\n1,2,3",  # cut off mid-record (RL028)
        b'a,b,c,d,e,f\n1,2,3,4,5,6\n1,2,"3',  # cut inside a quoted value
        b"a,b,c,d,e,f\n1,2,\xff,4,5,6\n",  # not UTF-8 in a column not read
        b"a,b,c,d,e,f\n1,2,\x00,4,5,6\n",  # a NUL
        b"a,b,c,d,e,f\r\n1,2,3,4,5,6\n",  # mixed line ends
        b"a,b,c,d,e,f\n1,2,3\r4,5,6\n",  # a lone CR
        b"a,b,c,d,e,f\n1,2,3,4,5,6",  # no line break at the end
        b"a,b,c,d,e,f\n",  # header only
    ],
)
def test_damage_reads_as_the_whole_read(tmp_path: Path, data: bytes) -> None:
    _same(_write(tmp_path, data))


def test_field_past_the_limit_in_a_column_not_read(tmp_path: Path) -> None:
    big = "x" * (reader.MAX_FIELD_BYTES + 1)
    path = _write(tmp_path, _csv([HEADER, ROW, ["e2", "", "", "c2", "student", big]]))
    _same(path)


# Fields that stress the proof: quotes, separators, line ends, empties, multi-byte text.
FIELD = st.sampled_from(["", "a", "ab", '"', '""', ",", "\n", "\r", "é", "x y", "e1"])
ROWS = st.lists(
    st.lists(FIELD, min_size=4, max_size=7).map(lambda r: r[:6] if len(r) != 5 else r),
    max_size=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=ROWS,
    copies=st.sampled_from([ROW, HEADER, [""] * 6]),
    quote=st.sampled_from(["never", "always", "some"]),
    end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    cut=st.integers(0, 3),
    columns=st.sets(st.integers(0, 5), max_size=5),
)
def test_any_file_reads_as_the_whole_read(
    tmp_path: Path,
    rows: list[list[str]],
    copies: list[str],
    quote: str,
    end: str,
    bom: bool,
    cut: int,
    columns: set[int],
) -> None:
    def cell(v: str, i: int) -> str:
        wrap = quote == "always" or (quote == "some" and i % 2) or any(c in v for c in ',"\r\n')
        return '"' + v.replace('"', '""') + '"' if wrap else v

    lines = [HEADER, ROW, *rows, copies, ROW]
    data = "".join(",".join(cell(v, i) for i, v in enumerate(r)) + end for r in lines).encode()
    data = (reader.BOM if bom else b"") + data[: len(data) - cut]
    _same(_write(tmp_path, data), columns)
