"""Send a result to stdout (--format) and to every --output FORMAT:PATH.

Placeholder: stdout only.  The renderers it calls are fixed:
  check  report/json_report.check_document, report/text.render_check
  plan   report/plan_json.plan_document,    report/plan_text.render_plan
  why    WhyResult.to_json(),               report/why_text.render_why
  diff   report/diff_json.diff_document,    report/diff_text.render_diff
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console

from roster_lint.errors import UsageError
from roster_lint.report.json_report import dumps

if TYPE_CHECKING:
    from roster_lint.api import CheckResult
    from roster_lint.diff import DiffResult
    from roster_lint.predict.model import Plan
    from roster_lint.predict.why import WhyResult


def _not_yet(outputs: list[str], redact: bool) -> None:
    if outputs or redact:
        raise UsageError("--output and --redact are not available yet")


def emit_check(
    result: CheckResult, *, fmt: str, outputs: list[str], redact: bool, console: Console
) -> None:
    from roster_lint.report import text

    _not_yet(outputs, redact)
    if fmt == "json":
        sys.stdout.write(dumps(result.to_json()))
    else:
        text.render_check(result, console)


def emit_plan(plan: Plan, *, fmt: str, outputs: list[str], redact: bool, console: Console) -> None:
    from roster_lint.report import plan_json, plan_text

    _not_yet(outputs, redact)
    if fmt == "json":
        sys.stdout.write(dumps(plan_json.plan_document(plan)))
    else:
        plan_text.render_plan(plan, console)


def emit_why(why: WhyResult, *, fmt: str, redact: bool, console: Console) -> None:
    from roster_lint.report import why_text

    _not_yet([], redact)
    if fmt == "json":
        sys.stdout.write(dumps(why.to_json()))
    else:
        why_text.render_why(why, console)


def emit_diff(
    diff: DiffResult, *, fmt: str, outputs: list[str], redact: bool, console: Console
) -> None:
    from roster_lint.report import diff_json, diff_text

    _not_yet(outputs, redact)
    if fmt == "json":
        sys.stdout.write(dumps(diff_json.diff_document(diff)))
    else:
        diff_text.render_diff(diff, console)
