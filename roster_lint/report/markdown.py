"""A Markdown summary for $GITHUB_STEP_SUMMARY or a ticket: totals, top rules, plan totals.

Short by design (GitHub caps a step summary at 1 MiB): the top TOP_RULES rules and the
first TOP_FINDINGS error findings; it says so when more exist.  Rules are in the one order
of report/order.py (errors, then warnings, then info; never by count alone).

Everything from the data is escaped, but only what Markdown would act on (`esc`): HTML
(`<`, `>`, `&` as entities), table cells (`|`), code, emphasis and links (`` ` ``, `*`,
`~`, `[`, `]`, `\\`, and `_` at a word's edge).  Parentheses, `#`, `+`, `!` and `_`
inside a word are left alone, so a ticket system that shows Markdown as plain text shows
"(3 rows)", not "\\(3 rows\\)".  Where Markdown is not rendered at all, `--output
text:PATH` is the same report as plain text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from roster_lint import __version__
from roster_lint.report.fix_first import fix_first
from roster_lint.report.order import RuleGroup, group_findings

if TYPE_CHECKING:
    from roster_lint.diff.model import DiffResult
    from roster_lint.predict.model import Plan
    from roster_lint.results import CheckResult

TOP_RULES = 10
TOP_FINDINGS = 20
# What Markdown acts on inside a line: code, emphasis, strikethrough, link brackets, table
# cells, the escape itself; `_` only at a word's edge (GFM ignores it inside a word).
_SPECIAL = re.compile(r"([\\`*\[\]|~]|(?<!\w)_|_(?!\w))")


def esc(text: object) -> str:
    """Plain text for a Markdown table cell: no markup, no HTML, no line breaks."""
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _SPECIAL.sub(r"\\\1", s)
    return s.replace("\r", " ").replace("\n", " ")


def _plan_lines(plan: Plan) -> list[str]:
    from roster_lint.report.counts import plan_counts  # one set of numbers for every format

    c = plan_counts(plan)
    lines = ["", f"### Predicted sync ({esc(plan.profile)}, {esc(plan.mode)} mode)", ""]
    lines += ["| entity | action | count |", "|---|---|---:|"]
    for entity, actions in c.by_action.items():
        for action, n in actions.items():
            lines.append(f"| {esc(entity)} | {esc(action)} | {n} |")
    lines += ["", f"People who get an account (each once): **{c.people}**"]
    lines += [f"- {esc(r)}: {n}" for r, n in c.by_role.items()]
    if c.first_reason:
        lines += ["", "Not synced, by first reason (each record once):", ""]
        lines += ["| entity | action | first reason | count |", "|---|---|---|---:|"]
        for r in c.first_reason:
            lines.append(f"| {esc(r.entity)} | {esc(r.action)} | {esc(r.reason)} | {r.count} |")
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
        f"| {s.get('error', 0):,} | {s.get('warning', 0):,} | {s.get('info', 0):,} |",
    ]
    items, more = fix_first(result)
    if items:
        lines += ["", "### Fix first", ""]
        for n, it in enumerate(items, 1):
            at = f", {esc(it.at)}" if it.at else ""
            subject = f"**{esc(it.subject)}**"  # where to look, bold as in the text report
            lines.append(f"{n}. `{it.code}` {esc(it.name)} {subject}: {esc(it.cost)}{at}")
        if more:
            lines.append(f"\n… and {more:,} more below.")
    if df.height:
        groups = group_findings(df, TOP_FINDINGS, result.plan)
        lines += _findings_by_rule(groups)
        # the roots of the error groups, in the groups' order (report/order.py)
        errors = [r for g in groups if g.severity == "error" for r in g.examples]
        n_errors = sum(g.count for g in groups if g.severity == "error")
        if errors:
            lines += ["", "### First errors", "", "| where | rule | message |", "|---|---|---|"]
            for r in errors[:TOP_FINDINGS]:
                where = r["file"] or "export"
                if r["line"] is not None:
                    where = f"{where}:{r['line']}"
                lines.append(f"| {esc(where)} | `{r['code']}` | {esc(r['message'])} |")
            if n_errors > TOP_FINDINGS:
                lines.append(
                    f"\n… {n_errors - TOP_FINDINGS:,} more errors (output capped); "
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


def _findings_by_rule(groups: list[RuleGroup]) -> list[str]:
    """The rule table, in report/order.py's order (errors, warnings, info)."""
    lines = ["", "### Findings by rule", "", "| rule | severity | findings | title |"]
    lines.append("|---|---|---:|---|")
    for g in groups[:TOP_RULES]:
        title = g.rule.title if g.rule else g.name
        found = f"{g.count:,} ({g.rows:,} rows)" if g.rows > g.count else f"{g.count:,}"
        lines.append(f"| `{g.code}` {esc(g.name)} | {esc(g.severity)} | {found} | {esc(title)} |")
    if len(groups) > TOP_RULES:
        lines.append(f"\n… and {len(groups) - TOP_RULES:,} more rules (output capped).")
    return lines


def diff_markdown(diff: DiffResult) -> str:
    """`diff` for a step summary or a ticket: rows changed per file, the warnings by rule,
    and what the sync will and will not do about the changes."""
    lines = [
        f"## roster-lint diff (roster-lint {__version__})",
        "",
        f"Previous `{esc(diff.old_path)}` (OneRoster {esc(diff.old_version or '?')}), "
        f"new `{esc(diff.new_path)}` (OneRoster {esc(diff.new_version or '?')}).",
        "",
        "| file | rows before | rows now | added | removed | changed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for fd in diff.files:
        c = fd.counts
        before = "-" if fd.rows_old is None else f"{fd.rows_old:,}"
        now = "-" if fd.rows_new is None else f"{fd.rows_new:,}"
        lines.append(
            f"| {esc(fd.file)} | {before} | {now} | {c['added']:,} | {c['removed']:,} "
            f"| {c['changed']:,} |"
        )
    if diff.warnings.height:
        lines += _findings_by_rule(group_findings(diff.warnings, TOP_FINDINGS))
    if diff.sync:
        lines += ["", "### What the sync will and will not do", ""]
        for g in sorted(diff.sync, key=lambda g: g.will):  # what it will not do first
            verdict = "will" if g.will else "**will not**"
            lines.append(f"- {verdict}: {esc(g.message)} ({g.count:,}; {esc(g.source)})")
    elif not diff.plan_available:
        lines += ["", "The sync prediction is not available in this build."]
    return "\n".join(lines) + "\n"
