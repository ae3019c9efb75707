"""`check --format json`, exactly as in shared/spec/contract.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import polars as pl

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
    """`dumps(check_document(result))`, byte for byte, in pieces: the findings are encoded
    by polars a chunk at a time, so a million findings never stand in memory as one
    document (as dicts and one string: over 4 GB) and no Python step runs per finding
    (json's indenting encoder: ~60 s for a million).  A test holds the two equal, so a
    field added to `finding_dicts` must be added to `_encoded` too."""
    head = dumps({**_head(result), "findings": None, "summary": None})
    before, _, _ = head.partition('\n  "findings": null')
    yield before + '\n  "findings": ['
    df = result.findings
    for start in range(0, df.height, CHUNK_ROWS):
        sep = "\n    " if start == 0 else ",\n    "
        yield sep + ",\n    ".join(_encoded(df.slice(start, CHUNK_ROWS)))
    tail = "]" if df.height == 0 else "\n  ]"
    yield tail + ',\n  "summary": ' + _pretty(result.summary, 1) + "\n}\n"


def _encoded(df: pl.DataFrame) -> list[str]:
    """Each finding as json.dumps(finding_dict, indent=2) nested two deep, by polars."""
    from roster_lint.predict.encode import json_value

    def member(key: str, value: pl.Expr, indent: str) -> pl.Expr:
        return pl.lit(f'\n{indent}"{key}": ') + json_value(value)

    pad = "      "
    parts = [member(k, pl.col(k), pad) for k in CONTRACT_FIELDS]
    related = pl.col("related_file").is_not_null() | pl.col("related_value").is_not_null()
    inner = pad + "  "
    rel = (
        pl.lit(f',\n{pad}"related": {{')
        + member("file", pl.col("related_file"), inner)
        + pl.lit(",")
        + member("column", pl.col("related_column"), inner)
        + pl.lit(",")
        + member("value", pl.col("related_value"), inner)
        + pl.lit(f"\n{pad}}}")
    )
    text = (
        pl.lit("{")
        + pl.concat_str(parts, separator=",")
        + pl.when(related).then(rel).otherwise(pl.lit(""))
        + pl.lit("\n    }")
    )
    return df.select(text.alias("j"))["j"].to_list()


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
