"""reader.read_like(entry, out, like): NEW's file read batch by batch, its columns taken from
OLD's read (`like`) where equal, is read_entry(entry, out): the same header, frame (values,
dtypes, line numbers), flags, one-value columns and findings, for OLD/NEW pairs with random
edits and damage, in batches of any size."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.findings import Findings
from roster_lint.load import reader
from roster_lint.load.source import Entry
from roster_lint.model import LINE

HEADER = ["sourcedId", "status", "classSourcedId", "role", "beginDate", "endDate"]
WIDTH = len(HEADER)
ONE = {1: "", 4: "2026-08-17", 5: "2027-06-11"}  # columns that hold one value in OLD


def _entry(path: Path) -> Entry:
    return Entry(name=path.name, path=path.name, size=path.stat().st_size, fs_path=path)


def _csv(rows: list[list[str]], end: str = "\n") -> bytes:
    return "".join(",".join(r) + end for r in rows).encode()


def _rows(n: int) -> list[list[str]]:
    return [
        [f"e{i}", ONE[1], f"c{i % 4}", "student" if i % 3 else "teacher", ONE[4], ONE[5]]
        for i in range(n)
    ]


@contextmanager
def _batches(rows: int) -> Iterator[None]:
    before = reader.LIKE_BATCH_ROWS
    reader.LIKE_BATCH_ROWS = rows
    try:
        yield
    finally:
        reader.LIKE_BATCH_ROWS = before


def _both(
    old: Path, new: Path, batch: int
) -> tuple[reader.Parsed, Findings, reader.Parsed, Findings]:
    """(read_like's Parsed, its findings, read_entry's, its findings) for NEW."""
    like = reader.read_entry(_entry(old), Findings())
    got_out, want_out = Findings(), Findings()
    with _batches(batch):
        got = reader.read_like(_entry(new), got_out, like)
    want = reader.read_entry(_entry(new), want_out)
    return got, got_out, want, want_out


def _same(got: reader.Parsed, got_out: Findings, want: reader.Parsed, want_out: Findings) -> None:
    assert got.header == want.header
    assert (got.encoding, got.readable, got.cut_line, got.screened) == (
        want.encoding,
        want.readable,
        want.cut_line,
        want.screened,
    )
    assert got.constants == want.constants
    assert got.df.schema == want.df.schema
    assert got.df.equals(want.df)
    assert got.df.rechunk().equals(want.df.rechunk())
    assert got_out.frame().equals(want_out.frame())
    # every column read (not one value) cut at the same row bounds: no select rechunks
    # (unless read whole, in read_entry's own chunks)
    layout = _layout(got)
    assert len(set(layout)) <= 1 or layout == _layout(want)


def _layout(p: reader.Parsed) -> list[tuple[int, ...]]:
    return [tuple(p.df.get_column(c).chunk_lengths()) for c in p.df.columns if c not in p.constants]


def _pair(tmp: Path, old: bytes, new: bytes) -> tuple[Path, Path]:
    (tmp / "old").mkdir(exist_ok=True)
    (tmp / "new").mkdir(exist_ok=True)
    a, b = tmp / "old" / "enrollments.csv", tmp / "new" / "enrollments.csv"
    a.write_bytes(old)
    b.write_bytes(new)
    return a, b


_cell = st.sampled_from(["", "x", "c1", "c9", "student", "aide", "2026-08-17", "é", "a,b"])
_edit = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 40), st.integers(0, WIDTH - 1), _cell),
    st.tuples(st.just("column"), st.integers(0, 40), st.integers(0, WIDTH - 1), _cell),
    st.tuples(st.just("insert"), st.integers(0, 40), st.just(0), _cell),
    st.tuples(st.just("delete"), st.integers(0, 40), st.just(0), _cell),
    st.tuples(st.just("short"), st.integers(0, 40), st.just(0), _cell),
    st.tuples(st.just("long"), st.integers(0, 40), st.just(0), _cell),
    st.tuples(st.just("quote"), st.integers(0, 40), st.integers(0, WIDTH - 1), _cell),
    st.tuples(st.just("blank"), st.integers(0, 40), st.just(0), _cell),
    st.tuples(st.just("header"), st.integers(0, 40), st.integers(0, WIDTH - 1), _cell),
    st.tuples(st.just("repeat"), st.integers(0, 40), st.just(0), _cell),
)
_damage = st.sampled_from(["", "crlf", "bom", "nul", "cut", "open-quote", "no-end", "latin1"])


def _edited(rows: list[list[str]], edits: list[tuple[str, int, int, str]]) -> list[list[str]]:
    """The records of NEW: OLD's with `edits` (row positions taken modulo the rows)."""
    out = [list(r) for r in rows]
    header = list(HEADER)
    for kind, at, col, value in edits:
        i = at % max(len(out), 1)
        v = f'"{value}"' if "," in value else value
        fits = bool(out) and col < len(out[i])  # not past a short row or a blank line
        if kind == "set" and fits:
            out[i][col] = v
        elif kind == "column":
            for r in out[i:]:
                if col < len(r):
                    r[col] = v
        elif kind == "insert":
            out.insert(i, [f"n{at}", "", "c2", "aide", ONE[4], ONE[5]])
        elif kind == "delete" and out:
            del out[i]
        elif kind == "short" and out:
            out[i] = out[i][:-1]
        elif kind == "long" and out:
            out[i] = [*out[i], "extra"]
        elif kind == "quote" and fits:
            out[i][col] = f'"{value}""q"' if at % 2 else f'{value}"q'
        elif kind == "blank":
            out.insert(i, [])
        elif kind == "header":
            header[col] = value.strip('"') or "x"
        elif kind == "repeat":
            out.insert(i, list(HEADER))
    return [header, *out]


def _damaged(data: bytes, how: str) -> bytes:
    if how == "crlf":
        return data.replace(b"\n", b"\r\n")
    if how == "bom":
        return reader.BOM + data
    if how == "nul":
        return data[: len(data) // 2] + b"\x00" + data[len(data) // 2 :]
    if how == "cut":
        return data[:-4]
    if how == "open-quote":
        return data + b'e99,"open\n'
    if how == "no-end":
        return data.rstrip(b"\n")
    if how == "latin1":
        return data + b"e98,,c1,caf\xe9,2026-08-17,2027-06-11\n"
    return data


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(0, 30),
    edits=st.lists(_edit, max_size=4),
    damage=_damage,
    old_damage=st.sampled_from(["", "", "", "crlf", "short", "cut"]),
    batch=st.sampled_from([1, 2, 3, 7, 50_000]),
    ids=st.booleans(),
)
def test_read_like_is_read_entry(
    n: int,
    edits: list[tuple[str, int, int, str]],
    damage: str,
    old_damage: str,
    batch: int,
    ids: bool,
) -> None:
    rows = _rows(n)
    old = [list(HEADER), *rows]
    if old_damage == "short" and rows:
        old[-1] = old[-1][:-1]
    old_bytes = _damaged(_csv(old), "cut" if old_damage == "cut" else old_damage)
    new = _edited(rows, edits)
    if ids:  # ids regenerated, as the benchmark's NEW
        new = [new[0], *([f"r{i}", *r[1:]] if r else r for i, r in enumerate(new[1:]))]
    with tempfile.TemporaryDirectory() as tmp:
        a, b = _pair(Path(tmp), old_bytes, _damaged(_csv(new), damage))
        _same(*_both(a, b, batch))


def test_healthy_pair_takes_old_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A healthy NEW with regenerated ids is read by the batches alone (no whole read),
    every column but the ids (and the line numbers) OLD's, the one-value columns kept
    as one value."""
    rows = _rows(40)
    new = [[f"r{i}", *r[1:]] for i, r in enumerate(rows)]
    new[17][3] = "aide"  # one changed value: its batch is NEW's
    a, b = _pair(tmp_path, _csv([HEADER, *rows]), _csv([HEADER, *new]))
    want_out = Findings()
    want = reader.read_entry(_entry(b), want_out)
    like = reader.read_entry(_entry(a), Findings())
    taken: dict[str, list[bool]] = {}
    joined = reader._joined

    def spy(col: reader._Column, old: pl.DataFrame, c: str, constants: dict[str, str]) -> pl.Series:
        taken[c] = [isinstance(p, tuple) for p in col.pieces]
        return joined(col, old, c, constants)

    def whole(*_: object) -> reader.Parsed:
        raise AssertionError("read whole")

    monkeypatch.setattr(reader, "_joined", spy)
    monkeypatch.setattr(reader, "read_entry", whole)
    got_out = Findings()
    with _batches(10):
        got = reader.read_like(_entry(b), got_out, like)
    _same(got, got_out, want, want_out)
    assert got.constants == {"c1": "", "c4": ONE[4], "c5": ONE[5]}
    assert taken == {
        "c0": [False] * 5,
        "c2": [True] * 5,
        # batches of ten rows, the header row the first's: records 0-8, 9-18, ..., 39
        "c3": [True, False, True, True, True],
    }


@pytest.mark.parametrize(
    ("new_rows", "constants"),
    [
        (lambda r: r, {"c1": "", "c4": ONE[4], "c5": ONE[5]}),
        # one record's date changed, its length the same: a column like OLD's one value
        # in every batch but one, and one value no more
        (
            lambda r: [*r[:33], [*r[33][:4], "2026-08-18", r[33][5]], *r[34:]],
            {"c1": "", "c5": ONE[5]},
        ),
        # every date changed: one value still, another than OLD's
        (
            lambda r: [[*x[:4], "2026-09-01", x[5]] for x in r],
            {"c1": "", "c4": "2026-09-01", "c5": ONE[5]},
        ),
    ],
)
def test_one_value_columns(tmp_path: Path, new_rows, constants: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(40)
    new = [[f"r{i}", *r[1:]] for i, r in enumerate(new_rows(rows))]
    a, b = _pair(tmp_path, _csv([HEADER, *rows]), _csv([HEADER, *new]))
    for batch in (3, 10, 50_000):
        got, got_out, want, want_out = _both(a, b, batch)
        _same(got, got_out, want, want_out)
        assert got.constants == constants


def test_frame_rows_and_lines(tmp_path: Path) -> None:
    """The frame itself, on a pair with a row removed and a short row (the exact path)."""
    rows = _rows(5)
    new = [r for i, r in enumerate(rows) if i != 2]
    a, b = _pair(tmp_path, _csv([HEADER, *rows]), _csv([HEADER, *new]))
    got, got_out, want, want_out = _both(a, b, 2)
    _same(got, got_out, want, want_out)
    assert got.df.get_column(LINE).to_list() == [2, 3, 4, 5]
    assert got.df.get_column("c0").to_list() == ["e0", "e1", "e3", "e4"]
    new[1] = new[1][:-1]
    a, b = _pair(tmp_path, _csv([HEADER, *rows]), _csv([HEADER, *new]))
    got, got_out, want, want_out = _both(a, b, 2)
    _same(got, got_out, want, want_out)
    assert got_out.frame().height == 1  # the short row, found by the exact path


@pytest.mark.parametrize(
    "data",
    [
        b"",  # empty: a finding
        "\ufeff".join(["", _csv([HEADER, *_rows(3)]).decode()]).encode("utf-16"),  # UTF-16
        ",".join(f"h{i}" for i in range(600)).encode() + b"\n" + b"," * 599 + b"\n",  # too wide
        b"sourcedId\ne1\n\ne2\n",  # one column: blank lines read as records
        _csv([HEADER]),  # a header alone
        _csv([HEADER, *_rows(1)]),  # one record
    ],
)
def test_files_the_fast_path_leaves(tmp_path: Path, data: bytes) -> None:
    a, b = _pair(tmp_path, _csv([HEADER, *_rows(5)]), data)
    _same(*_both(a, b, 2))


def test_columns_cut_alike(tmp_path: Path) -> None:
    """OLD's columns in chunks of 4 records, NEW's batches of 10 rows: every column of the
    frame is cut at both sides' bounds (a select of several then rechunks none)."""
    rows = _rows(40)
    new = [[f"r{i}", *r[1:]] for i, r in enumerate(rows)]
    a, b = _pair(tmp_path, _csv([HEADER, *rows]), _csv([HEADER, *new]))
    like = reader.read_entry(_entry(a), Findings())
    like.df = pl.concat([like.df.slice(i, 4) for i in range(0, 40, 4)], rechunk=False)
    got_out = Findings()
    with _batches(10):
        got = reader.read_like(_entry(b), got_out, like)
    _same(got, got_out, reader.read_entry(_entry(b), Findings()), Findings())
    bounds = sorted({*range(4, 41, 4), 9, 19, 29, 39})
    lengths = tuple(y - x for x, y in itertools.pairwise([0, *bounds]))
    assert _layout(got) == [lengths] * 4  # c0 (NEW's), c2 and c3 (OLD's), and LINE
