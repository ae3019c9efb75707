"""One CSV file -> header cells and a frame of text columns c0..c{n-1} plus LINE.

Fast path (every healthy file): one polars read with every column as text, then a proof
that the file has no structural damage, from numbers that cost next to nothing:
  * polars raises on invalid UTF-8, stray or unclosed quotes and rows with too many fields;
  * newlines, quotes and NUL bytes are counted after the read (polars comparisons on the
    raw bytes, one pass);
  * per-row value lengths come from the string offsets, not the bytes.
Then  size = BOM + values + separators + line ends + quote bytes  holds with n-1 separators
per row only when no row is short (none can be long: polars raised) and no value holds a
quote, and one record per line only if the line count equals the row count.  Any doubt sends the
file to the exact path (exact.py), which finds and places each problem.

A caller that reads only some columns (`plan`: load.load_export(keep=...)) passes `columns`:
the read then keeps only those (and c0), and of every other column only each value's length
(4 bytes, not a 16-byte view and its text), which is all the proof needs (`_projected`).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl

from roster_lint.findings import Findings
from roster_lint.load.exact import MAX_LINE_BYTES, ExactResult, parse_exact, records_frame
from roster_lint.load.source import Entry
from roster_lint.model import LINE

BOM = codecs.BOM_UTF8
QUOTE, NEWLINE = ord('"'), ord("\n")
CHUNK_BYTES = 8 * 1024**2
PAGE = 4096  # the copy's alignment (_page_aligned); a multiple of the page size works too
# Line limit (RL027): a line longer than MAX_LINE_BYTES (1 MiB, exact.py) is reported and
# its record left out.  The widest real row is a few KB (a district admin's orgSourcedIds
# for 500 schools is ~20 KB); fields are capped at 64 KiB below, but a line of many short
# fields past the header's width has no other bound, and the exact path made a Python string
# of every field (100 MB of commas: 100M strings).
# Header limits (findings, as frictionless and csvlint state theirs): OneRoster's widest
# file has 25 columns, so 512 leaves room for any number of metadata.* extensions, and a
# header line must end within the first 64 KiB.  Past them the file is not read: a 7 MB
# header of 100k columns took a minute and 2.7 GB to be told it had 100k unknown columns.
MAX_COLUMNS = 512
MAX_HEADER_BYTES = 64 * 1024
# A field longer than this is cut to its first FIELD_KEPT characters (RL026): one 8 MB
# value copied into every finding of its row, and into each report, took gigabytes.
MAX_FIELD_BYTES = 64 * 1024
FIELD_KEPT = 200


@dataclass
class Parsed:
    header: list[str]  # as read, BOM removed
    df: pl.DataFrame  # c0..c{n-1} (String) and LINE, header row excluded
    encoding: str = "utf-8"
    readable: bool = True
    cut_line: int | None = None  # the record the file was cut off inside (RL028), left out
    # The reader proved that no record repeats the header or holds only separators, so
    # rows_left_out has nothing to find (and would compare only the columns read).
    screened: bool = False
    # The columns the fast path keeps as one value broadcast (_constants), with it: a
    # later read of a file like this one (read_like) takes them without materialising.
    constants: dict[str, str] = field(default_factory=dict)


# header -> the positions of the columns the caller reads (load_export(keep=...)).
Columns = Callable[[list[str]], Collection[int]]
FULL: Literal["full"] = "full"  # _projected's answer: read every column, as without `columns`


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={LINE: pl.Int64()})


def read_entry(entry: Entry, out: Findings, columns: Columns | None = None) -> Parsed:
    """Read one file; encoding and structure problems become findings on `out`.

    columns: given the header, the columns to keep; the frame may then hold only those and
    c0 (the others are the caller's to drop: load._kept)."""
    entry.file()  # a zip entry is unpacked here; its size is then the bytes written
    if entry.size == 0:
        out.one("empty-file", f"{entry.path} is empty (0 bytes)", file=entry.path)
        return Parsed([], empty_frame(), readable=False)
    head = entry.head()
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return _utf16(entry, "utf-16", out, "with a byte-order mark")
    if _header_too_wide(entry, head, out):
        return Parsed([], empty_frame(), readable=False)
    # The fast path counts NUL bytes in its byte count and declines any file with one, so
    # a healthy file is not searched for them first (a serial pass of its own).
    fast = _fast(entry, head, columns)
    if fast is not None:
        return fast
    nul = entry.find(b"\x00")
    if nul >= 0:
        guess = _utf16_without_bom(head)
        if guess:
            return _utf16(entry, guess, out, "without a byte-order mark")
        data = entry.read()
        line = data.count(b"\n", 0, nul) + 1
        out.one(
            "nul-bytes",
            f"{entry.path} contains NUL bytes (first on line {line}): binary data, not CSV text",
            file=entry.path,
            line=line,
        )
        return Parsed([], empty_frame(), readable=False)
    text, encoding = _decode(entry, out)
    if text is None:
        return Parsed([], empty_frame(), encoding=encoding, readable=False)
    return _exact(text, entry, out, encoding)


def _header_too_wide(entry: Entry, head: bytes, out: Findings) -> bool:
    """The header limits (MAX_HEADER_BYTES, MAX_COLUMNS) as a finding on line 1."""
    first = head[:MAX_HEADER_BYTES]
    ends = [i for i in (first.find(b"\n"), first.find(b"\r")) if i >= 0]
    if not ends and entry.size > MAX_HEADER_BYTES:
        out.one(
            "header-too-wide",
            f"{entry.path}: the header (line 1) is longer than {MAX_HEADER_BYTES // 1024} KiB, "
            "the limit; the file is not checked",
            file=entry.path,
            line=1,
        )
        return True
    width = _header_width(first[: min(ends)] if ends else first)
    if width > MAX_COLUMNS:
        out.one(
            "header-too-wide",
            f"{entry.path}: the header has {width} columns, more than the limit of "
            f"{MAX_COLUMNS}; the file is not checked",
            file=entry.path,
            line=1,
            value=str(width),
        )
        return True
    return False


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM: ASCII characters leave a NUL in every other byte."""
    sample = head[: len(head) - len(head) % 2][:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    if odd > 0.4 * pairs and even == 0:
        return "utf-16-le"
    if even > 0.4 * pairs and odd == 0:
        return "utf-16-be"
    return None


def _utf16(entry: Entry, codec: str, out: Findings, how: str) -> Parsed:
    try:
        text = entry.read().decode(codec)
    except UnicodeDecodeError:
        out.one(
            "utf16-encoding",
            f"{entry.path} looks like UTF-16 ({how}) but does not decode; "
            "it must be UTF-8 and cannot be checked",
            file=entry.path,
        )
        return Parsed([], empty_frame(), encoding=codec, readable=False)
    out.one(
        "utf16-encoding",
        f"{entry.path} is UTF-16 ({how}), not UTF-8; decoded as UTF-16 to keep checking",
        file=entry.path,
    )
    return _exact(text.removeprefix("\ufeff"), entry, out, "utf-16")


def _decode(entry: Entry, out: Findings) -> tuple[str | None, str]:
    data = entry.read()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(BOM) else 0)
    line = data.count(b"\n", 0, start) + 1
    bad = data[start : start + 1].hex()
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        out.one(
            "not-utf8",
            f"{entry.path} is not UTF-8 (byte 0x{bad} on line {line}) and not "
            "Windows-1252 either; the file cannot be checked",
            file=entry.path,
            line=line,
            value=f"0x{bad}",
        )
        return None, "unknown"
    out.one(
        "not-utf8",
        f"{entry.path} is not UTF-8 (byte 0x{bad} on line {line}); it reads as Windows-1252 "
        "and was decoded that way to keep checking",
        file=entry.path,
        line=line,
        value=f"0x{bad}",
    )
    return text, "cp1252"


def _header_width(head: bytes) -> int:
    text = head.decode("utf-8-sig", errors="replace")
    row = next(csv.reader(io.StringIO(text, newline="")), [])
    return max(len(row), 1)


def _count_bytes(entry: Entry) -> tuple[int, int, int]:
    """How many double quotes, newlines and NUL bytes the file holds, in one pass.

    Each chunk is compared as a polars UInt8 Series (SIMD, the masks are bitmaps: several
    times faster than numpy's byte-wide masks or bytes.count, which also holds the GIL).
    It runs after polars' read, not beside it: polars' read keeps both cores busy, so a
    third thread hid little wall time and cost CPU (0.15-0.3 s more per 1M export,
    docs/performance.md, "Branch loadcost").  Chunked reads into one reused buffer, not a
    mapping: mapped pages count in the process's RSS, where the frame just read is held,
    and a mapping was slower when alternated (docs/performance.md, "Branch checkload").
    polars' own row counter maps the file, and is quadratic on a huge line.
    """
    quotes = newlines = nuls = 0
    buf = _page_aligned(CHUNK_BYTES)
    view = buf.data  # the buffer itself, written by readinto
    with entry.file().open("rb", buffering=0) as fh:
        while n := fh.readinto(view):
            q, nl, z = _count(buf[:n])
            quotes += q
            newlines += nl
            nuls += z
    return quotes, newlines, nuls


def _page_aligned(size: int) -> np.ndarray:
    """A byte buffer that starts on a page boundary.

    read() copies from the page cache's pages, which start on page boundaries, with the
    kernel's `rep movsb`; a destination 16 bytes past a boundary (where malloc puts a
    large block: bytearray(8 MiB) on its first use in a process) is the 4K-aliasing case
    that copy is slow on: 0.65 s of system time instead of 0.18 s on a 1.47 GB file
    (docs/performance.md, "Branch loadcost").
    """
    raw = np.empty(size + PAGE, np.uint8)
    start = -raw.ctypes.data % PAGE
    return raw[start : start + size]


def _count(data: np.ndarray) -> tuple[int, int, int]:
    s = pl.Series(data, dtype=pl.UInt8())
    return int((s == QUOTE).sum()), int((s == NEWLINE).sum()), int((s == 0).sum())


def _text_options(width: int, *, ragged: bool, numbered: bool) -> dict[str, Any]:
    """How every read of a file as text is told to parse it: one set of options for the
    whole read and the projected scan, whose proofs rely on their parsing alike."""
    return {
        "has_header": False,
        "schema": {f"c{i}": pl.String() for i in range(width)},
        "empty_string_is_null": False,
        "truncate_ragged_lines": ragged,
        "raise_if_empty": False,
        "glob": False,  # a folder named like a pattern ([x]) is still one file
        "row_index_name": LINE if numbered else None,
        "row_index_offset": 1,
    }


def _read_text(src: Path | bytes, width: int, *, ragged: bool, numbered: bool) -> pl.DataFrame:
    """Every field as text in columns c0..c{width-1}, header row included; `ragged` pads
    short rows and cuts long ones instead of raising; `numbered` adds LINE (header = 1)."""
    return pl.read_csv(src, **_text_options(width, ragged=ragged, numbered=numbered))


def _scan_text(src: Path, width: int) -> pl.LazyFrame:
    """_read_text(numbered=True, ragged=False) as a query, for a select of some columns."""
    return pl.scan_csv(src, **_text_options(width, ragged=False, numbered=True))


def _fast(entry: Entry, head: bytes, columns: Columns | None = None) -> Parsed | None:
    """The polars read plus its proof of health, or None when in doubt."""
    width = _header_width(head)
    if width == 1:
        # No file has one column; and with one, a blank line reads as a record of one
        # empty value, which the proof below cannot tell apart (2M blank lines were read
        # as 2M empty records, each a finding).
        return None
    if columns is not None:
        projected = _projected(entry, head, width, columns)
        if not isinstance(projected, str):  # FULL: read every column below
            return projected
    src = entry.file()
    try:
        # The reader numbers lines chunk by chunk, like the values: a LINE column built
        # afterwards in one chunk makes every later select rechunk the whole frame (a
        # copy of every value's view).
        df = _read_text(src, width, ragged=False, numbered=True)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError):
        return None  # invalid UTF-8, bad quotes, too many fields: the exact path says which
    rows = df.height
    if rows == 0:
        return None  # nothing read: read_entry says why
    cols = [f"c{i}" for i in range(width)]
    sums = _lengths(df, cols, entry)
    if not _proven(entry, head, rows, sums):
        return None
    header = [v if v is not None else "" for v in df.select(cols).row(0)]
    return _parsed(df, cols, header, sums[:width])


def _lengths(df: pl.DataFrame, cols: list[str], entry: Entry) -> list[int]:
    """Each column's total bytes, then each one's longest value (`cols`: one per column of
    the file, a String column of its values or a UInt32 column of their lengths)."""
    wide = entry.size >= 2**32
    lens = [_value_lengths(df, c, wide) for c in cols]
    # A String column without a null knows its values' total bytes (polars keeps it beside
    # the views: `estimated_size()`, which counts the values' bytes, not the 16-byte views,
    # docs/performance.md, "Branch loadmem10"), so only its longest value needs each
    # value's length: 7.3M enrollments, 0.14 s -> 0.08 s of CPU ("Branch planload11").
    # A column with a null sums its lengths as before (a null has none).
    known = {c: _known_total(df, c) for c in cols}
    # Aggregates over the string views only: no value bytes are touched.  Lazy, so common
    # subexpression elimination computes each column's lengths once for both aggregates.
    # u32 lengths summed as u32 (no 8-byte copy of every length);
    # a column's total can only pass 2**32 bytes in a file at least that big.
    summed = [x.sum().alias(f"s{i}") for i, x in enumerate(lens) if known[cols[i]] is None]
    longest = [x.max().alias(f"m{i}") for i, x in enumerate(lens)]
    stats = df.lazy().select(summed + longest).collect().to_dicts()[0]
    sums = [known[c] if known[c] is not None else stats[f"s{i}"] for i, c in enumerate(cols)]
    return [int(v or 0) for v in sums + [stats[f"m{i}"] for i in range(len(cols))]]


def _value_lengths(df: pl.DataFrame, c: str, wide: bool) -> pl.Expr:
    """Each value's length in bytes (a UInt32 column of lengths: itself), as UInt64 when
    the file is over 4 GiB (u32 sums could wrap)."""
    x = pl.col(c).str.len_bytes() if df.schema[c] == pl.String() else pl.col(c)
    return x.cast(pl.UInt64) if wide else x


def _known_total(df: pl.DataFrame, c: str) -> int | None:
    """The total bytes of a String column without a null, read off its views (polars
    keeps it per chunk); None where it must be summed (lengths, nulls)."""
    s = df.get_column(c)
    if s.dtype != pl.String() or s.null_count() != 0:
        return None
    return int(s.estimated_size())


def _proven(entry: Entry, head: bytes, rows: int, stats: list[int]) -> bool:
    """Whether the read of `rows` rows (header row included), whose columns hold `stats`
    (_lengths), is the file's exact split into records and fields."""
    width = len(stats) // 2
    n_quotes, newlines, nuls = _count_bytes(entry)
    if nuls:
        return False  # binary data / UTF-16 without a BOM: read_entry says
    value_bytes = sum(stats[:width])
    # The longest line is at most the sum of the columns' longest values, the separators,
    # two quotes per value (the proof below allows no others) and a CR.
    if sum(stats[width:]) + 3 * width > MAX_LINE_BYTES:
        return False  # a line may pass the limit: the exact path measures each and says where
    if max(stats[width:], default=0) > MAX_FIELD_BYTES:
        return False  # a field past the limit: the exact path cuts it and says where
    last = entry.last_byte()
    if newlines + (0 if last == b"\n" else 1) != rows:
        return False  # a line break inside a field
    bom = len(BOM) if head.startswith(BOM) else 0
    # Line ends as the header's: mixed endings fail the sum below and take the exact path.
    crlf = head.split(b"\n", 1)[0].endswith(b"\r")
    ends = newlines * (2 if crlf else 1)
    spare = entry.size - bom - value_bytes - ends - n_quotes
    # Only equality proves every row has n-1 separators (a short row or a blank line falls
    # short; none can be long: polars raised) and no value holds a quote (an escaped "" or
    # a stray one: only the exact path can tell which).
    return spare == rows * (width - 1)


def _parsed(
    df: pl.DataFrame, cols: list[str], header: list[str], sums: list[int], screened: bool = False
) -> Parsed:
    """A proven read (header row first) as Parsed: its columns `cols`, one-value columns
    broadcast (_constants)."""
    one = _constants(df, cols, [header[int(c[1:])] for c in cols], sums)
    kept = [pl.lit(one[c], pl.String()).alias(c) if c in one else pl.col(c) for c in cols]
    return Parsed(
        header,
        df.slice(1).select(*kept, pl.col(LINE).cast(pl.Int64)),
        screened=screened,
        constants=one,
    )


def _projected(
    entry: Entry, head: bytes, width: int, columns: Columns
) -> Parsed | Literal["full"] | None:
    """The fast read of only the columns `columns` names (and c0, which rows_left_out
    screens), or FULL when every column must be read (nothing to leave out, or a record
    that rows_left_out may leave out).

    Polars parses every field still (it raises on a long row only when every column is
    read), but of the columns left out it keeps each value's length (u32) alone, in the
    streaming engine's morsels: the proof (_proven) has the very numbers of a whole read,
    so it decides as that read would, and the 16-byte views of the columns left out are
    never made (enrollments.csv's three dates at 1M students: 350 MB, ~85k page faults).
    """
    header = _header_cells(head, width)
    if header is None:
        return FULL
    kept = sorted({0, *(i for i in columns(header) if 0 <= i < width)})
    if len(kept) == width:
        return FULL
    cols = [f"c{i}" for i in kept]
    left = [i for i in range(width) if i not in kept]
    try:
        with _read_ahead(PROJECTED_READ_AHEAD):
            df = (
                _scan_text(entry.file(), width)
                .select(
                    *cols, LINE, *(pl.col(f"c{i}").str.len_bytes().alias(f"n{i}") for i in left)
                )
                .collect(engine="streaming")
            )
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError):
        return FULL  # whole read's to decide: it raises where this one does, or reads
    rows = df.height
    if rows == 0:
        return None
    stats = _lengths(df, [f"c{i}" if i in kept else f"n{i}" for i in range(width)], entry)
    if not _proven(entry, head, rows, stats):
        return None
    first = df.row(0)
    read = [v if v is not None else "" for v in first[: len(kept)]] + list(first[len(kept) + 1 :])
    if read != [header[i] for i in kept] + [len(header[i].encode()) for i in left]:
        return FULL  # not the header the whole read gives: let it give it
    if not _screened(df, header, kept):
        return FULL
    sums = [stats[i] for i in kept]
    return _parsed(df.drop(f"n{i}" for i in left), cols, header, sums, screened=True)


# The streaming CSV reader's read-ahead for _projected's scan: the file's chunks it copies
# into memory before they are parsed.  polars' default kept ~250 MB of them in flight
# (enrollments.csv at 1M students: 77k page faults for a scan of LINE alone, peak 371 MiB;
# with one chunk ahead 51k, 271 MiB); the whole scan: 50-75k fewer faults, the same
# user time (docs/performance.md, "Branch loadmem10").  The chunks, their order and the
# frame are the same: it only bounds how far the reader runs ahead of the parse.
PROJECTED_READ_AHEAD = {"POLARS_CSV_CHUNK_PREFETCH_LIMIT": "1"}


@contextmanager
def _read_ahead(settings: dict[str, str]) -> Iterator[None]:
    """polars' reader settings (environment variables it reads at each scan) for one scan,
    then as they were; a setting the user made is left as made."""
    mine = {k: v for k, v in settings.items() if k not in os.environ}
    os.environ.update(mine)
    try:
        yield
    finally:
        for k in mine:
            os.environ.pop(k, None)


def _header_cells(head: bytes, width: int) -> list[str] | None:
    """The header as polars reads it in the whole file: its first line, read alone."""
    end = head.find(b"\n")
    try:
        first = _read_text(
            head if end < 0 else head[: end + 1], width, ragged=False, numbered=False
        )
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
        return None
    if first.height != 1:
        return None
    return [v if v is not None else "" for v in first.row(0)]


def _screened(df: pl.DataFrame, header: list[str], kept: list[int]) -> bool:
    """No record of a projected read (c{i} for i in `kept`, n{i} the lengths of the
    others) can be one rows_left_out leaves out: every field the header's, or every field
    empty.  Screened on c0 as _matching does, then each hit on every column (a left-out
    column by its length: equal lengths are needed, not enough, so a hit means FULL)."""
    width = len(header)
    data = df.slice(1)
    for cells in (header, [""] * width):
        hit = _first_cell(data["c0"], cells[0])
        if not hit.any():
            continue
        same = [
            pl.col(f"c{i}") == cells[i] if i in kept else pl.col(f"n{i}") == len(cells[i].encode())
            for i in range(1, width)
        ]
        if data.filter(hit).select(pl.all_horizontal(same or [True]).any()).item():
            return False
    return True


SAMPLE_ROWS = 4096  # records compared first when a column may hold one value throughout


def _constants(
    df: pl.DataFrame, cols: list[str], header: list[str], sums: list[int]
) -> dict[str, str]:
    """The columns of a proven file (no null) that hold one value on every record, with it
    (`cols`, their `header` cells and their total bytes `sums`).

    Such a column (status and dateLastModified left empty, a term's dates, enabledUser in
    most exports) is kept as that value broadcast over the rows: polars keeps a literal
    column as a scalar until something asks for its Series, instead of a 16-byte view per
    row (117 MB a column at 7.3M enrollments, freed for the next file's read), and whole-
    column work on it is done once (docs/performance.md, branch checkfast5).  The values,
    and so every output, are the same.  A column can hold its first record's value v
    throughout only if its records' bytes (its byte sum less its header cell's) are
    records x len(v): then v = "" is proven (no null), and another value is compared, on
    SAMPLE_ROWS records first (ids of one length fail there)."""
    records = df.height - 1
    if records < 2:
        return {}
    maybe = _may_hold_one(records, cols, header, sums, df.select(cols).row(1))
    found = {c: v for c, v in maybe.items() if v == ""}
    rest = {c: v for c, v in maybe.items() if v != ""}
    for part in (df.slice(1, SAMPLE_ROWS), df.slice(1)):
        if not rest:
            break
        same = part.select((pl.col(c) == v).all().alias(c) for c, v in rest.items()).row(0)
        rest = {c: v for (c, v), kept in zip(rest.items(), same, strict=True) if kept}
        if part.height == records:  # the sample was every record
            break
    return found | rest


def _may_hold_one(
    records: int, cols: list[str], header: list[str], sums: list[int], first: tuple[Any, ...]
) -> dict[str, str]:
    """_constants' columns that may hold their first record's value (`first`) throughout:
    their records' bytes are records x its length (proof enough for "")."""
    return {
        c: v
        for c, name, total, v in zip(cols, header, sums, first, strict=True)
        if total - len(name.encode()) == records * len(v.encode())
    }


def _exact(text: str, entry: Entry, out: Findings, encoding: str) -> Parsed:
    res = parse_exact(text, entry.path)
    for issue in res.issues:
        out.one(issue.rule, issue.message, file=entry.path, line=issue.line, value=issue.value)
    _ragged(res, entry, out)
    cut = _cut_record(text, res)
    if cut is not None:
        line, how = cut
        out.one(
            "file-ends-mid-record",
            f"{entry.path} ends in the middle of a record: line {line} {how}, with no line "
            "break after it. The file looks cut off, so the records after it are missing; "
            "the unfinished record is left out",
            file=entry.path,
            line=line,
        )
        res.dropped.append(line)
    dropped = set(res.dropped)
    for line, size in res.long_lines:
        out.one(
            "line-too-long",
            f"{entry.path}: line {line} is {size} bytes, more than the limit of "
            f"{MAX_LINE_BYTES // 1024**2} MiB; "
            + (
                "its record was not read"
                if line in dropped
                else "it continues a quoted field begun on an earlier line"
            ),
            file=entry.path,
            line=line,
            value=str(size),
        )
    width = len(res.header)
    df = _polars_frame(text, entry, encoding, res)
    if df is None and width == 0:  # no header (a file of blank lines): nothing to keep
        df = pl.DataFrame({LINE: pl.Series(LINE, res.lines, dtype=pl.Int64)})
    if df is None:  # quote damage polars will not read: build the frame from Python records
        kept = parse_exact(text, entry.path, keep=True)
        df = records_frame(kept.records or [], kept.lines, width)
    if res.dropped:
        df = df.filter(~pl.col(LINE).is_in(res.dropped))
    return Parsed(
        res.header,
        _cap_fields(df, res.header, entry, out),
        encoding=encoding,
        cut_line=None if cut is None else cut[0],
    )


def _ragged(res: ExactResult, entry: Entry, out: Findings) -> None:
    """Rows with fewer or more fields than the header: one frame, whole-column messages."""
    if not res.ragged_lines:
        return
    n = pl.col("fields")
    hits = pl.DataFrame(
        {
            "line": pl.Series(res.ragged_lines, dtype=pl.Int64),
            "fields": pl.Series(res.ragged_fields, dtype=pl.Int64),
        }
    ).select(
        pl.col("line"),
        n.cast(pl.String).alias("value"),
        pl.format(
            "line {} of {} has {} fields, {} than the header's {}",
            pl.col("line"),
            pl.lit(entry.path),
            n,
            pl.when(n < res.least).then(pl.lit("fewer")).otherwise(pl.lit("more")),
            pl.lit(len(res.header)),
        ).alias("message"),
    )
    out.add("ragged-row", hits, file=entry.path)


def rows_left_out(p: Parsed, path: str, out: Findings) -> Parsed:
    """Records that are no records, found on the frame whichever path read the file, each a
    finding and left out of the frame:
      * a line that repeats the header (RL029: files joined, each with its header);
      * a line of separators only (RL024, as a blank line: Excel's empty rows).
    The first column screens the frame (a comparison or two); only its hits are compared
    on every column."""
    if not p.readable or p.df.height == 0 or not p.header or p.screened:
        return p
    gone = [
        _matching(
            p,
            path,
            out,
            "header-repeated",
            p.header,
            "the line repeats the header: "
            "the file looks like files joined together, each with its header",
        ),
        _matching(
            p,
            path,
            out,
            "blank-line",
            [""] * len(p.header),
            "the line has no values, only separators (a spreadsheet's empty row)",
        ),
    ]
    found = [g for g in gone if g is not None]
    if found:
        p.df = p.df.filter(~pl.col(LINE).is_in(pl.concat(found).implode()))
    return p


def _matching(
    p: Parsed, path: str, out: Findings, rule: str, cells: list[str], what: str
) -> pl.Series | None:
    """The lines whose every field is `cells` (a null, a short row's padding, reads as
    ""), each a finding of `rule` at its line: "{what}; it is left out"."""
    hit = _first_cell(p.df["c0"], cells[0])
    if not hit.any():
        return None
    rest = [(f"c{i}", c) for i, c in enumerate(cells) if i and f"c{i}" in p.df.columns]
    same = [pl.col(c).fill_null("") == v for c, v in rest]
    lines = p.df.filter(hit).filter(pl.all_horizontal(same or [True])).get_column(LINE)
    if lines.len() == 0:
        return None
    hits = lines.to_frame("line").with_columns(pl.lit(f"{what}; it is left out").alias("message"))
    out.add(rule, hits, file=path)
    return lines


def _first_cell(first: pl.Series, cell: str) -> pl.Series:
    """Where a record's first field can be `cell` (a null, a short row's padding, as "")."""
    if cell:  # a joined file's own BOM, kept at the start of its header line
        return (first == cell) | (first == BOM.decode() + cell)
    return first.is_null() | (first == "")


def _cut_record(text: str, res: ExactResult) -> tuple[int, str] | None:
    """(line, what is unfinished) when the file ends inside its last record: no line break
    after it, and either it alone is short of fields or a quote opened on its line is never
    closed.  A file cut between two records, or after a separator (a last value left
    empty), cannot be told from a whole one; a short last row among other short rows is a
    ragged file, not a cut."""
    if not res.lines or text.endswith(("\n", "\r")):
        return None
    last = res.lines[-1]
    # The quote opened on the file's last line: a cut inside a quoted value.  A quote
    # opened further up that runs to the end is RL021's (the rest of the file swallowed).
    if last == text.count("\n") + 1 and any(
        i.rule == "unclosed-quote" and i.line == last for i in res.issues
    ):
        return last, "ends inside a quoted value"
    short = [n for n, f in zip(res.ragged_lines, res.ragged_fields, strict=True) if f < res.least]
    if short == [last]:
        fields = res.ragged_fields[res.ragged_lines.index(last)]
        return last, f"has {fields} of the header's {len(res.header)} fields"
    return None


def _cap_fields(df: pl.DataFrame, header: list[str], entry: Entry, out: Findings) -> pl.DataFrame:
    """Fields past MAX_FIELD_BYTES cut to FIELD_KEPT characters, one RL026 finding each."""
    cols = [c for c in df.columns if c != LINE]
    if not cols or df.height == 0:
        return df
    too_long = [pl.col(c).str.len_bytes() > MAX_FIELD_BYTES for c in cols]
    hits = df.select(pl.any_horizontal(too_long).any()).item()
    if not hits:
        return df
    for i, c in enumerate(cols):
        lens = df.select(pl.col(LINE), pl.col(c).str.len_bytes().alias("n"))
        long = lens.filter(pl.col("n") > MAX_FIELD_BYTES)
        name = header[i] if i < len(header) and header[i] else c
        out.add(
            "field-too-long",
            long.select(
                pl.col(LINE).alias("line"),
                pl.col("n").cast(pl.String).alias("value"),
                (
                    pl.lit(f"{entry.path}: the {name} field on line ")
                    + pl.col(LINE).cast(pl.String)
                    + pl.lit(" is ")
                    + pl.col("n").cast(pl.String)
                    + pl.lit(
                        f" bytes, more than the limit of {MAX_FIELD_BYTES // 1024} KiB; "
                        f"its first {FIELD_KEPT} characters were kept"
                    )
                ).alias("message"),
            ),
            file=entry.path,
            column=name,
        )
    cut = [
        pl.when(pl.col(c).str.len_bytes() > MAX_FIELD_BYTES)
        .then(pl.col(c).str.slice(0, FIELD_KEPT))
        .otherwise(pl.col(c))
        .alias(c)
        for c in cols
    ]
    return df.with_columns(cut)


def _polars_frame(text: str, entry: Entry, encoding: str, res: ExactResult) -> pl.DataFrame | None:
    """The frame of a damaged file read by polars, placed by the exact pass's lines.

    Short rows are padded with "" and long ones cut, as records_frame does; blank lines are
    dropped.  None when polars cannot read it the same way (quote damage, odd line ends).
    """
    width = len(res.header)
    if width == 0:
        return None
    src: Path | bytes = entry.file() if encoding == "utf-8" else text.encode("utf-8")
    try:
        df = _read_text(src, width, ragged=True, numbered=False)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError):
        return None
    if df.height == 0 or [v or "" for v in df.row(0)] != res.header:
        return None
    data = df.slice(1)
    if data.height != len(res.lines) + len(res.blank_rows):
        return None
    if res.blank_rows:
        data = (
            data.with_row_index("__row")
            .filter(~pl.col("__row").is_in(res.blank_rows))
            .drop("__row")
        )
    return data.with_columns(pl.Series(LINE, res.lines, dtype=pl.Int64))


# Rows a batch of read_like's scan holds: ~150 batches at 7.3M enrollments.
LIKE_BATCH_ROWS = 50_000


def read_like(entry: Entry, out: Findings, like: Parsed) -> Parsed:
    """read_entry(entry, out), for a file much like the one `like` was read from (`diff`:
    NEW's enrollments.csv, its ids regenerated, every other column OLD's at the same rows).

    A healthy file is scanned batch by batch, and of each batch's columns the ones equal to
    `like`'s at the same records are taken from `like` (zero-copy slices): NEW's copy of
    OLD's values (~1.1 GB at 1M students) is never kept.  The proof is the fast path's
    (_proven on the same per-column sums and maxima, summed over the batches), the one-value
    columns are _constants' (decided on NEW's values alone), so the Parsed is read_entry's;
    anything else (a scan that raises, a proof that fails, a file the fast path does not
    take) is read by read_entry."""
    entry.file()
    if entry.size == 0 or not like.readable or like.df.height == 0:
        return read_entry(entry, out)
    head = entry.head()
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return read_entry(entry, out)
    if _header_too_wide(entry, head, out.sibling()):  # read_entry reports it
        return read_entry(entry, out)
    got = _alike(entry, head, like)
    return got if got is not None else read_entry(entry, out)


def _batch_lengths(batch: pl.DataFrame, cols: list[str], entry: Entry) -> list[int]:
    """_lengths of a batch of read_like's scan (the same numbers), eagerly column by column:
    ~150 small lazy queries (each planned, its common subexpressions found) cost ~0.07 s
    more at 7.3M enrollments.  A batch's column holds at most the file's bytes (the u32
    sums as _lengths')."""
    wide = entry.size >= 2**32
    sums: list[int] = []
    maxima: list[int] = []
    for c in cols:
        lengths = batch.get_column(c).str.len_bytes()
        lengths = lengths.cast(pl.UInt64) if wide else lengths
        total, top = lengths.sum(), lengths.max()  # int, or None where every value is null
        sums.append(total if isinstance(total, int) else 0)
        maxima.append(top if isinstance(top, int) else 0)
    return sums + maxima


@dataclass
class _Column:
    """One column of read_like's frame, batch by batch: a batch is NEW's values (a Series)
    or the record range like's column holds the same values at (start, rows)."""

    pieces: list[pl.Series | tuple[int, int]] = field(default_factory=list)
    same: bool = True  # every record so far equals the first record's value (_constants)


def _alike(entry: Entry, head: bytes, like: Parsed) -> Parsed | None:
    """_fast's Parsed for `entry`, its values taken from `like` where equal, or None."""
    width = _header_width(head)
    if width == 1:
        return None  # as _fast
    cols = [f"c{i}" for i in range(width)]
    old = like.df
    parts = {c: _Column() for c in cols}
    lines: list[pl.Series] = []
    stats = [0] * (2 * width)
    rows = 0  # rows read, the header row included
    header: list[str] | None = None
    first: tuple[Any, ...] | None = None
    try:
        for batch in _scan_text(entry.file(), width).collect_batches(chunk_size=LIKE_BATCH_ROWS):
            if batch.height == 0:
                continue
            got = _batch_lengths(batch, cols, entry)
            stats = [a + b for a, b in zip(stats[:width], got[:width], strict=True)] + [
                max(a, b) for a, b in zip(stats[width:], got[width:], strict=True)
            ]
            if header is None:
                if batch.height < 2:
                    return None  # a file of one record or none: read whole
                header = [v if v is not None else "" for v in batch.select(cols).row(0)]
                first = batch.select(cols).row(1)
                if None in first:
                    return None  # _constants' first record: read whole, as it is
            part = batch.slice(1) if rows == 0 else batch
            _take(part, rows - 1 if rows else 0, old, like.constants, parts, first or ())
            lines.append(part.get_column(LINE).rechunk())  # as the columns (_take)
            rows += batch.height
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError):
        return None
    if header is None or not _proven(entry, head, rows, stats):
        return None
    records = rows - 1
    maybe = _may_hold_one(records, cols, header, stats[:width], first or ()) if records >= 2 else {}
    one = {c: v for c, v in maybe.items() if v == "" or parts[c].same}
    real = {c: _joined(parts[c], old, c, like.constants) for c in cols if c not in one}
    real[LINE] = pl.concat(lines, rechunk=False)
    frame = pl.DataFrame(list(_aligned(real).values()))
    kept = [pl.lit(one[c], pl.String()).alias(c) if c in one else pl.col(c) for c in cols]
    return Parsed(header, frame.select(*kept, pl.col(LINE).cast(pl.Int64)), constants=one)


def _take(
    records: pl.DataFrame,
    start: int,
    old: pl.DataFrame,
    constants: dict[str, str],
    parts: dict[str, _Column],
    first: tuple[Any, ...],
) -> None:
    """One batch's records (the file's records from `start` on) into `parts`: each column
    like's range when its values are like's at those records, else the batch's own."""
    rows = records.height
    if rows == 0:
        return
    there = start + rows <= old.height
    for i, (c, col) in enumerate(parts.items()):
        values = records.get_column(c)
        one = constants.get(c) if there else None
        if col.same and one != first[i]:  # (when like's one value is it: once, below)
            col.same = bool((values == first[i]).all())
        if one is not None:
            alike = bool((values == one).all())
            if one == first[i]:
                col.same = col.same and alike
            same = alike and values.null_count() == 0
        elif there and c in old.columns:
            was = old.get_column(c)
            # ids differ at once: the ends first, the whole batch only when they agree
            same = (
                values[0] == was[start]
                and values[rows - 1] == was[start + rows - 1]
                and _equal(values, was.slice(start, rows))
            )
        else:
            same = False
        # A batch of the scan comes in ~5 chunks (its morsels): one chunk each, the frame
        # cut at the union of both sides' bounds has ~830 chunks a column at 7.3M records,
        # not ~1,370 (every later step pays per chunk: NEW's plan 0.1 s of user time).
        col.pieces.append((start, rows) if same else values.rechunk())


def _equal(a: pl.Series, b: pl.Series) -> bool:
    """`a.equals(b)` with a null equal to a null (two series of one length): where neither
    holds a null (a healthy file's batch and OLD's read of one), as one comparison read
    whole (7.3M enrollments' columns: ~0.05 s less than `equals`)."""
    if a.null_count() == 0 and b.null_count() == 0:
        return bool((a == b).all())
    return a.equals(b, check_names=False, null_equal=True)


def _joined(col: _Column, old: pl.DataFrame, c: str, constants: dict[str, str]) -> pl.Series:
    """One column of read_like's frame from its pieces, in the chunks each brings."""
    out: list[pl.Series] = []
    for piece in col.pieces:
        if isinstance(piece, pl.Series):
            out.append(piece)
        elif c in constants:  # like's one value, over the batch's records
            out.append(pl.repeat(constants[c], piece[1], dtype=pl.String(), eager=True))
        else:
            out.append(old.get_column(c).slice(*piece))
    return pl.concat(out, rechunk=False).alias(c)


def _aligned(columns: dict[str, pl.Series]) -> dict[str, pl.Series]:
    """The columns cut at the same row boundaries (the union of every column's chunk
    bounds; slices, no copy), so that a later select of several does not rechunk them."""
    bounds: set[int] = set()
    for s in columns.values():
        bounds.update(itertools.accumulate(s.chunk_lengths()))
    if all(len(s.chunk_lengths()) == len(bounds) for s in columns.values()):
        return columns
    cuts = list(itertools.pairwise([0, *sorted(bounds)]))
    return {
        name: pl.concat([s.slice(a, b - a) for a, b in cuts], rechunk=False).alias(name)
        for name, s in columns.items()
    }
