"""Send a result to stdout (--format) and to every --output FORMAT:PATH (placeholder)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console

from roster_lint.errors import UsageError

if TYPE_CHECKING:
    from roster_lint.api import CheckResult


def emit_check(
    result: CheckResult, *, fmt: str, outputs: list[str], redact: bool, console: Console
) -> None:
    from roster_lint.report import json_report, text

    if outputs or redact:
        raise UsageError("--output and --redact are not available yet")
    if fmt == "json":
        sys.stdout.write(json_report.dumps(result.to_json()))
    else:
        text.render_check(result, console)
