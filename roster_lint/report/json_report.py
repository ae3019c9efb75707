"""`check --format json`, exactly as in shared/spec/contract.md."""

from __future__ import annotations

import json
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


def finding_dicts(result: CheckResult) -> list[dict[str, Any]]:
    rows = []
    for r in result.findings.iter_rows(named=True):
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
    exp = result.export
    files = {name: {"rows": t.rows, "mode": t.mode} for name, t in sorted(exp.tables.items())}
    return {
        "tool": {"name": "roster-lint", "version": __version__},
        "export": {"path": exp.path, "oneroster_version": exp.version, "files": files},
        "findings": finding_dicts(result),
        "summary": {**result.summary, "rows": row_count(result.findings)},
    }


def dumps(doc: dict[str, Any]) -> str:
    """Stable JSON text: same input, same bytes."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
