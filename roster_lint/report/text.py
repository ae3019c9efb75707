"""Rich terminal report (placeholder until the reports work lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from roster_lint.api import CheckResult


def render_check(result: CheckResult, console: Console) -> None:
    for r in result.findings.iter_rows(named=True):
        where = f"{r['file']}:{r['line']}" if r["line"] else (r["file"] or "export")
        console.print(f"{where} {r['code']} {r['severity']} {r['message']}", markup=False)
    console.print(f"summary: {result.summary}", markup=False)
