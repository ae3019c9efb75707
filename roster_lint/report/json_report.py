"""`check --format json`, exactly as in shared/spec/contract.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from roster_lint import __version__
from roster_lint.findings import row_count

if TYPE_CHECKING:
    from roster_lint.results import CheckResult

CONTRACT_FIELDS = (
    "code",
    "name",
    "severity",
    "file",
    "line",
    "column",
    "sourced_id",
    "value",
    "message",
)


CHUNK_ROWS = 20_000  # findings turned into dicts at a time: memory stays that of a chunk


def finding_dicts(result: CheckResult) -> list[dict[str, Any]]:
    return [d for chunk in _finding_chunks(result) for d in chunk]


def _finding_chunks(result: CheckResult) -> Iterator[list[dict[str, Any]]]:
    df = result.findings
    for start in range(0, df.height, CHUNK_ROWS):
        yield _dicts(df.slice(start, CHUNK_ROWS))


def _dicts(df: Any) -> list[dict[str, Any]]:
    rows = []
    for r in df.iter_rows(named=True):
        d = {k: r[k] for k in CONTRACT_FIELDS}
        # contract: `count` always; `lines` only for a finding that stands for many rows
        d["count"] = r.get("count") or 1
        if r.get("lines") is not None and d["count"] > 1:
            d["lines"] = r["lines"]
        if r["related_file"] is not None or r["related_value"] is not None:
            d["related"] = {
                "file": r["related_file"],
                "column": r["related_column"],
                "value": r["related_value"],
            }
        if r.get("cause_code") is not None:
            d["cause"] = {
                "code": r["cause_code"],
                "file": r["cause_file"],
                "line": r["cause_line"],
                "sourced_id": r["cause_sourced_id"],
            }
        rows.append(d)
    return rows


def check_document(result: CheckResult) -> dict[str, Any]:
    doc = _head(result)
    doc["findings"] = finding_dicts(result)
    doc["summary"] = _summary(result)
    return doc


def _head(result: CheckResult) -> dict[str, Any]:
    exp = result.export
    files = {name: {"rows": t.rows, "mode": t.mode} for name, t in sorted(exp.tables.items())}
    return {
        "tool": {"name": "roster-lint", "version": __version__},
        "export": {"path": exp.path, "oneroster_version": exp.version, "files": files},
    }


def _summary(result: CheckResult) -> dict[str, Any]:
    return {**result.summary, "rows": row_count(result.findings)}


def check_json_chunks(result: CheckResult) -> Iterator[str]:
    """`dumps(check_document(result))`, byte for byte, in pieces: the findings are encoded
    a chunk at a time, so they never stand in memory as one document.  Findings are
    grouped by cause (a defect down a column is one finding), so their number is bounded
    by the causes, and each is encoded by the same `_pretty` the summary uses; a test holds
    this equal to `check_document`."""
    head = dumps({**_head(result), "findings": None, "summary": None})
    before, _, _ = head.partition('\n  "findings": null')
    yield before + '\n  "findings": ['
    first = True
    for chunk in _finding_chunks(result):
        sep = "\n    " if first else ",\n    "
        yield sep + ",\n    ".join(_pretty(d, 2) for d in chunk)
        first = False
    tail = "]" if result.findings.height == 0 else "\n  ]"
    yield tail + ',\n  "summary": ' + _pretty(_summary(result), 1) + "\n}\n"


def _pretty(value: Any, level: int) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False) for a value nested `level` deep;
    strings and numbers go straight to the C encoder (a finding is a flat dict of them)."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict and value:
        pad = "\n" + "  " * (level + 1)
        items = [f"{_string(str(k))}: {_pretty(v, level + 1)}" for k, v in value.items()]
        return "{" + pad + ("," + pad).join(items) + "\n" + "  " * level + "}"
    if kind in (list, tuple) and value:
        pad = "\n" + "  " * (level + 1)
        items = [_pretty(v, level + 1) for v in value]
        return "[" + pad + ("," + pad).join(items) + "\n" + "  " * level + "]"
    return _scalar(value)


_string = json.encoder.encode_basestring  # the C function, as ensure_ascii=False uses
_scalar = json.JSONEncoder(ensure_ascii=False).encode


def dumps(doc: dict[str, Any]) -> str:
    """Stable JSON text: same input, same bytes."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
