"""The exact, slow CSV path: only for a file already known to be damaged.

Python's csv module walks the records (C speed per record, a Python step per record) and
tells us where each record starts, so `__line` stays right after embedded line breaks, and
each structural problem gets its line.  Records are kept only when asked: for a big file
with a few bad rows, polars still builds the frame (reader.py) and this pass only places
the problems, so memory stays that of the frame, not of millions of Python strings.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from roster_lint.model import LINE

# Possessive quantifiers: the same language as the plain ones (a field's end is decided by
# the next quote or comma, never by giving characters back), but no backtracking state per
# character: a 20 MB quoted field took 2.6 GB through re's backtracking stack.
_FIELD = r'(?:"(?:[^"]++|"")*+"|[^",\r\n]*+)'
# One RFC 4180 record (line breaks allowed inside quotes; the loader reports those itself).
_RECORD = re.compile(rf"{_FIELD}(?:,{_FIELD})*+")
csv.field_size_limit(2**31 - 1)
# A line longer than this (UTF-8 bytes, line end excluded) is not parsed (RL027): csv would
# make a Python string of each of its fields, so 100 MB of commas on one line became
# 100M strings.  Lowered by reader.py's MAX_LINE_BYTES, the one documented limit.
MAX_LINE_BYTES = 1024**2


@dataclass
class Issue:
    rule: str
    line: int
    message: str
    value: str | None = None


@dataclass
class ExactResult:
    header: list[str]
    lines: array[int]  # start line of every data record, blank lines excluded
    blank_rows: list[int]  # 0-based positions of blank lines among the data records
    records: list[list[str]] | None  # data records, when kept
    issues: list[Issue] = field(default_factory=list)
    # Lines longer than MAX_LINE_BYTES: (line, UTF-8 bytes), parsed as empty; `dropped`
    # the ones that began a record (the loader leaves that record out).
    long_lines: list[tuple[int, int]] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    # Ragged rows as two columns (line, fields), not an Issue each: 100k short rows made
    # 100k Python objects and findings (reader.py adds them as one frame).
    ragged_lines: array[int] = field(default_factory=lambda: array("q"))
    ragged_fields: array[int] = field(default_factory=lambda: array("q"))
    least: int = 0  # the fewest fields a row may have (trailing empty header cells omitted)


def parse_exact(
    text: str, path: str, keep: bool = False, max_line: int = MAX_LINE_BYTES
) -> ExactResult:
    """Every record's start line and the structural issues met on the way."""
    buf: list[str] = []
    res = ExactResult([], array("q"), [], [] if keep else None)

    def feed() -> Iterator[str]:
        for n, ln in enumerate(io.StringIO(text, newline=""), start=1):
            size = _line_bytes(ln, max_line)
            if size > max_line:
                res.long_lines.append((n, size))
                if not buf:
                    res.dropped.append(n)
                ln = _stand_in(ln, len(res.header), starts_record=not buf)
            buf.append(ln)
            yield ln

    reader = csv.reader(feed(), strict=False)
    last = text.count("\n") + (0 if text.endswith("\n") else 1)
    start, width, least, seen = 1, 0, 0, -1
    for rec in reader:
        span = len(buf)
        raw = "".join(buf) if rec else ""
        buf.clear()
        line, start = start, start + span
        seen += 1
        if not rec:
            _blank(res.issues, line, path)
            if seen > 0:
                res.blank_rows.append(seen - 1)
            continue
        body = raw.rstrip("\r\n") if raw.endswith(("\n", "\r")) else raw
        _structure(body, rec, line, span, start > last, path, res.issues)
        if seen == 0:
            res.header = rec
            width = least = len(rec)
            # Trailing empty header cells are the header checks' finding; rows may omit them.
            while least > 1 and rec[least - 1] == "":
                least -= 1
            res.least = least
            continue
        if not least <= len(rec) <= width:
            res.ragged_lines.append(line)
            res.ragged_fields.append(len(rec))
        res.lines.append(line)
        if res.records is not None:
            res.records.append(rec)
    return res


def _line_bytes(ln: str, limit: int) -> int:
    """The line's UTF-8 length without its line end, exact only when near the limit."""
    body = len(ln) - (2 if ln.endswith("\r\n") else 1 if ln.endswith(("\n", "\r")) else 0)
    if body > limit or body * 4 <= limit:  # a character is 1 to 4 UTF-8 bytes
        return body if body > limit else 0
    return len(ln.encode("utf-8", "surrogatepass")) - (len(ln) - body)


def _stand_in(ln: str, width: int, *, starts_record: bool) -> str:
    """What csv reads instead of a line past the limit: its line end, empty fields when it
    begins a record (the loader drops that record), and a quote when it has an odd number of
    them, so the quoting of the lines after it is read as before."""
    end = "\r\n" if ln.endswith("\r\n") else ln[-1] if ln.endswith(("\n", "\r")) else ""
    # A header past the limit (only UTF-16 gets here: reader.py refuses the others' first)
    # stands in as one empty cell, not as a blank line that would make line 2 the header.
    fields = ("," * (width - 1) if width else '""') if starts_record else ""
    quote = '"' if ln.count('"') % 2 else ""
    return fields + quote + end


def _blank(issues: list[Issue], line: int, path: str) -> None:
    """A blank line, or one more line of the run of blank lines just before it: a file of
    244,000 carriage returns is one finding, not 244,000."""
    last = issues[-1] if issues else None
    if last is not None and last.rule == "blank-line":
        first = last.line
        n = int(last.value or 1)
        if first + n == line:
            last.value = str(n + 1)
            last.message = f"{path}: lines {first}-{line} are blank ({n + 1} lines)"
            return
    issues.append(Issue("blank-line", line, f"{path}: line {line} is blank"))


def _structure(
    body: str, rec: list[str], line: int, span: int, at_eof: bool, path: str, issues: list[Issue]
) -> None:
    if '"' in body and body.count('"') % 2 == 1 and at_eof:
        # An odd quote count that runs to the end of the file: a quote was never closed.
        issues.append(
            Issue(
                "unclosed-quote",
                line,
                f"{path}: a quoted field opened on line {line} is never closed; the rest "
                f"of the file ({span} line{'' if span == 1 else 's'}) was read as one value",
            )
        )
        return
    # A field can hold a line break only in a record the reader took from several lines.
    if span > 1 and any("\n" in v or "\r" in v for v in rec):
        issues.append(
            Issue(
                "line-break-in-field",
                line,
                f"{path}: the record on line {line} has a line break inside a field "
                f"and spans {span} lines",
            )
        )
    if '"' in body and not _RECORD.fullmatch(body):
        bad = next((v for v in rec if '"' in v), None)
        issues.append(
            Issue(
                "stray-quote",
                line,
                f"{path}: line {line} has a quote character inside an unquoted field or after "
                "a closing quote; quote the whole field and double the inner quotes",
                bad,
            )
        )


def records_frame(records: list[list[str]], lines: array[int], width: int) -> pl.DataFrame:
    """Records padded or cut to `width` columns c0..c{width-1}, plus LINE."""
    cols: list[list[str]] = [[] for _ in range(width)]
    for rec in records:
        for i in range(width):
            cols[i].append(rec[i] if i < len(rec) else "")
    data: dict[str, pl.Series] = {
        f"c{i}": pl.Series(f"c{i}", cols[i], dtype=pl.String) for i in range(width)
    }
    data[LINE] = pl.Series(LINE, lines, dtype=pl.Int64)
    return pl.DataFrame(data)
