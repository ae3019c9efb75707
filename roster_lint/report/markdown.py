"""A Markdown summary for $GITHUB_STEP_SUMMARY or a ticket: totals, top rules, plan totals.

Short by design (GitHub caps a step summary at 1 MiB): the top TOP_RULES rules and the
first TOP_FINDINGS error findings; it says so when more exist.  Everything from the data is
escaped: GitHub renders HTML and links inside Markdown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import polars as pl

from roster_lint import __version__
from roster_lint.catalogue import catalogue

if TYPE_CHECKING:
    from roster_lint.predict.model import Plan
    from roster_lint.results import CheckResult

TOP_RULES = 10
TOP_FINDINGS = 20
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def esc(text: object) -> str:
    """Plain text for a Markdown table cell: no markup, no HTML, no line breaks."""
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _SPECIAL.sub(r"\\\1", s)
    return s.replace("\r", " ").replace("\n", " ")


def _plan_lines(plan: Plan) -> list[str]:
    lines = ["", f"### Predicted sync ({esc(plan.profile)}, {esc(plan.mode)} mode)", ""]
    lines += ["| entity | action | count |", "|---|---|---:|"]
    for entity, actions in plan.totals().items():
        for action, n in actions.items():
            lines.append(f"| {esc(entity)} | {esc(action)} | {n} |")
    if plan.licences_new is not None:
        lines += ["", f"Students who will newly consume a licence: **{plan.licences_new}**"]
    if plan.root_causes:
        lines += ["", "Root causes:", ""]
        for rc in plan.root_causes[:TOP_RULES]:
            affected = ", ".join(f"{n} {e}" for e, n in sorted(rc.affected.items()))
            lines.append(f"- `{esc(rc.reason)}` {esc(rc.message)} ({esc(affected)})")
        if len(plan.root_causes) > TOP_RULES:
            lines.append(f"- … {len(plan.root_causes) - TOP_RULES} more (output capped)")
    return lines


def check_markdown(result: CheckResult) -> str:
    df = result.findings
    s = result.summary
    verdict = "failed" if result.failed else "passed"
    lines = [
        f"## roster-lint check: {verdict}",
        "",
        f"Export `{esc(result.export.path)}` (OneRoster {esc(result.export.version or '?')}), "
        f"roster-lint {__version__}, fail on: {esc(result.options.fail_on)}.",
        "",
        "| errors | warnings | info |",
        "|---:|---:|---:|",
        f"| {s.get('error', 0)} | {s.get('warning', 0)} | {s.get('info', 0)} |",
    ]
    if df.height:
        weight = pl.col("count").fill_null(1) if "count" in df.columns else pl.lit(1)
        top = (
            df.group_by("code", "name", "severity")
            .agg(pl.len().alias("len"), weight.sum().alias("rows"))
            .sort(["len", "code"], descending=[True, False])
        )
        lines += ["", "### Top rules", "", "| rule | severity | findings | title |"]
        lines.append("|---|---|---:|---|")
        for code, name, sev, n, rows in top.head(TOP_RULES).iter_rows():
            rule = catalogue().get(code)
            title = rule.title if rule else name
            found = f"{n} ({rows:,} rows)" if rows > n else str(n)
            lines.append(f"| `{code}` {esc(name)} | {esc(sev)} | {found} | {esc(title)} |")
        if top.height > TOP_RULES:
            lines.append(f"\n… and {top.height - TOP_RULES} more rules (output capped).")
        errors = df.filter(pl.col("severity") == "error")
        if errors.height:
            lines += ["", "### First errors", "", "| where | rule | message |", "|---|---|---|"]
            for r in errors.head(TOP_FINDINGS).iter_rows(named=True):
                where = r["file"] or "export"
                if r["line"] is not None:
                    where = f"{where}:{r['line']}"
                lines.append(f"| {esc(where)} | `{r['code']}` | {esc(r['message'])} |")
            if errors.height > TOP_FINDINGS:
                lines.append(
                    f"\n… {errors.height - TOP_FINDINGS} more errors (output capped); "
                    "the JSON or SARIF report lists every finding."
                )
    if result.plan is not None:
        lines += _plan_lines(result.plan)
    return "\n".join(lines) + "\n"


def plan_markdown(plan: Plan) -> str:
    lines = [f"## roster-lint plan (roster-lint {__version__})", *_plan_lines(plan)]
    if plan.notes:
        lines += ["", "Notes:", ""] + [f"- {esc(n)}" for n in plan.notes]
    return "\n".join(lines) + "\n"
