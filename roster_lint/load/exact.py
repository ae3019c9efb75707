"""The exact, slow CSV path: only for a file already known to be damaged.

Python's csv module walks the records (C speed per record, a Python step per record) and
tells us where each record starts, so `__line` stays right after embedded line breaks, and
each structural problem gets its line.  The fast path in reader.py decides when this runs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from roster_lint.model import LINE

_FIELD = r'(?:"(?:[^"]|"")*"|[^",\r\n]*)'
# One RFC 4180 record (line breaks allowed inside quotes; the loader reports those itself).
_RECORD = re.compile(rf"{_FIELD}(?:,{_FIELD})*")
csv.field_size_limit(2**31 - 1)


@dataclass
class Issue:
    rule: str
    line: int
    message: str
    value: str | None = None


@dataclass
class ExactResult:
    header: list[str]
    records: list[list[str]]
    lines: list[int]
    issues: list[Issue] = field(default_factory=list)


def parse_exact(text: str) -> ExactResult:
    """Every record with its start line, and the structural issues met on the way."""
    buf: list[str] = []

    def feed() -> Iterator[str]:
        for ln in io.StringIO(text, newline=""):
            buf.append(ln)
            yield ln

    reader = csv.reader(feed(), strict=False)
    records: list[list[str]] = []
    lines: list[int] = []
    issues: list[Issue] = []
    start = 1
    last = text.count("\n") + (0 if text.endswith("\n") else 1)
    for rec in reader:
        raw = "".join(buf)
        span = len(buf)
        buf.clear()
        line, start = start, start + span
        if not rec:
            issues.append(Issue("blank-line", line, f"line {line} is blank"))
            continue
        body = raw.rstrip("\r\n") if raw.endswith(("\n", "\r")) else raw
        _structure(body, rec, line, span, start > last, issues)
        records.append(rec)
        lines.append(line)
    header = records[0] if records else []
    return ExactResult(header, records[1:], lines[1:], issues)


def _structure(
    body: str, rec: list[str], line: int, span: int, at_eof: bool, issues: list[Issue]
) -> None:
    if '"' in body and body.count('"') % 2 == 1 and at_eof:
        # An odd quote count that runs to the end of the file: a quote was never closed.
        issues.append(
            Issue(
                "unclosed-quote",
                line,
                f"a quoted field opened on line {line} is never closed; "
                f"the rest of the file ({span} lines) was read as one value",
            )
        )
        return
    if any("\n" in v or "\r" in v for v in rec):
        issues.append(
            Issue(
                "line-break-in-field",
                line,
                f"the record on line {line} has a line break inside a field and spans {span} lines",
            )
        )
    if '"' in body and not _RECORD.fullmatch(body):
        bad = next((v for v in rec if '"' in v), None)
        issues.append(
            Issue(
                "stray-quote",
                line,
                f"line {line} has a quote character inside an unquoted field or after a "
                "closing quote; quote the whole field and double the inner quotes",
                bad,
            )
        )


def records_frame(records: list[list[str]], lines: list[int], width: int) -> pl.DataFrame:
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
