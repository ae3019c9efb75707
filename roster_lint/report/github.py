"""GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`.

GitHub shows at most 10 error and 10 warning annotations per step and 50 per job, so the
output is capped at MAX_ANNOTATIONS (errors first); a final `::notice` says how many were
left out.  `file=` is relative to the workspace (report/locate.workspace_path): PREFIX/FILE
with --path-prefix, else from $GITHUB_WORKSPACE when the export lies in it, else from the
repository root, else from the current folder.  A file inside a zip has no path in the
workspace: its annotation names `zip member:line` in the title instead.

`check` annotates findings; `plan` one annotation per root cause (at the root's file and
line, with what it costs); `diff` its warnings (the RL4xx findings), as check does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from roster_lint.catalogue import catalogue
from roster_lint.report.locate import Where, locate, workspace_path

if TYPE_CHECKING:
    from roster_lint.predict.model import Plan
    from roster_lint.results import CheckResult

MAX_ANNOTATIONS = 50
COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
ORDER = {"error": 0, "warning": 1, "info": 2}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF are escaped (actions/toolkit's escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value additionally escapes ':' and ',' (actions/toolkit's escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    severity: str, message: str, file: str | None = None, line: int | None = None, title: str = ""
) -> str:
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
        props.append(f"line={line or 1}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = COMMAND.get(severity, "warning")
    return (
        f"::{head} {','.join(props)}::{escape_data(message)}"
        if props
        else f"::{head}::{escape_data(message)}"
    )


def _file(where: Where, file: str | None) -> tuple[str | None, str]:
    """(file= for the annotation, a title prefix naming a zip member that has no path)."""
    if not file:
        return None, ""
    path = workspace_path(where, file)
    return (path, "") if path is not None else (None, f"{where.folder.name}/{file}")


def findings_annotations(
    findings: pl.DataFrame, where: Where, max_annotations: int = MAX_ANNOTATIONS
) -> str:
    """One annotation per finding, errors first, capped."""
    df = findings
    rank = pl.col("severity").replace_strict(ORDER, default=3, return_dtype=pl.Int8)
    shown = df.with_row_index("_i").sort([rank, "_i"]).head(max_annotations)
    lines = []
    for r in shown.iter_rows(named=True):
        file, member = _file(where, r["file"])
        title = f"{r['code']} {r['name']}"
        message = r["message"] or title
        if member:
            message = f"{member}:{r['line'] or 1}: {message}"
        lines.append(annotation(r["severity"], message, file, r["line"], title))
    if df.height > shown.height:
        lines.append(
            annotation(
                "info",
                f"roster-lint: {df.height - shown.height} more findings not annotated "
                f"(output capped at {max_annotations}); see the JSON or SARIF report.",
            )
        )
    return "\n".join(lines) + ("\n" if lines else "")


def check_annotations(
    result: CheckResult, max_annotations: int = MAX_ANNOTATIONS, where: Where | None = None
) -> str:
    """`where`: computed by the caller before --redact; by default from the export path."""
    where = where if where is not None else locate(result.export.path)
    return findings_annotations(result.findings, where, max_annotations)


def plan_annotations(plan: Plan, where: Where, max_annotations: int = MAX_ANNOTATIONS) -> str:
    """One annotation per root cause (plan.root_causes), most costly first as the plan
    lists them, at the rule's severity (a role deliberately not provisioned is a notice)."""
    lines = []
    causes = plan.root_causes
    for c in causes[:max_annotations]:
        rule = catalogue().get(c.reason)
        severity = rule.severity.value if rule else "warning"
        file, member = _file(where, c.file)
        title = f"{rule.code} {c.reason}" if rule else c.reason
        message = f"{member}:{c.line or 1}: {c.message}" if member else c.message
        lines.append(annotation(severity, message, file, c.line, title))
    if len(causes) > max_annotations:
        lines.append(
            annotation(
                "info",
                f"roster-lint: {len(causes) - max_annotations} more root causes not annotated "
                f"(output capped at {max_annotations}); see the JSON or SARIF report.",
            )
        )
    return "\n".join(lines) + ("\n" if lines else "")
