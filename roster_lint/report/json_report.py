"""`check --format json`, exactly as in shared/spec/contract.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from roster_lint import __version__

if TYPE_CHECKING:
    from roster_lint.api import CheckResult

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
        if r["related_file"] is not None or r["related_value"] is not None:
            d["related"] = {
                "file": r["related_file"],
                "column": r["related_column"],
                "value": r["related_value"],
            }
        rows.append(d)
    return rows


def check_document(result: CheckResult) -> dict[str, Any]:
    doc = _head(result)
    doc["findings"] = finding_dicts(result)
    doc["summary"] = result.summary
    return doc


def _head(result: CheckResult) -> dict[str, Any]:
    exp = result.export
    files = {name: {"rows": t.rows, "mode": t.mode} for name, t in sorted(exp.tables.items())}
    return {
        "tool": {"name": "roster-lint", "version": __version__},
        "export": {"path": exp.path, "oneroster_version": exp.version, "files": files},
    }


def check_json_chunks(result: CheckResult) -> Iterator[str]:
    """`dumps(check_document(result))`, byte for byte, in pieces: the findings are encoded a
    chunk at a time, so a million findings never stand in memory as one document (the
    whole document as dicts and one string took over 4 GB) and json's pure-Python indenting
    encoder runs only on the small parts."""
    head = dumps({**_head(result), "findings": None, "summary": None})
    before, _, _ = head.partition('\n  "findings": null')
    yield before + '\n  "findings": ['
    first = True
    for chunk in _finding_chunks(result):
        parts = [_pretty(d, 2) for d in chunk]
        if parts:
            yield ("\n    " if first else ",\n    ") + ",\n    ".join(parts)
            first = False
    yield ("]" if first else "\n  ]") + ',\n  "summary": ' + _pretty(result.summary, 1) + "\n}\n"


def _pretty(value: Any, level: int) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False) for a value nested `level` deep;
    scalars go through the C encoder."""
    if isinstance(value, dict) and value:
        pad = "\n" + "  " * (level + 1)
        items = (f"{_scalar(str(k))}: {_pretty(v, level + 1)}" for k, v in value.items())
        return "{" + pad + ("," + pad).join(items) + "\n" + "  " * level + "}"
    if isinstance(value, list | tuple) and value:
        pad = "\n" + "  " * (level + 1)
        return (
            "["
            + pad
            + ("," + pad).join(_pretty(v, level + 1) for v in value)
            + "\n"
            + "  " * level
            + "]"
        )
    return _scalar(value)


_scalar = json.JSONEncoder(ensure_ascii=False).encode


def dumps(doc: dict[str, Any]) -> str:
    """Stable JSON text: same input, same bytes."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
