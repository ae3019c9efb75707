"""The terminal report for `check`: findings grouped by rule, then a summary.

Everything that comes from the export (values, messages, ids, paths) is printed as rich
`Text`, never parsed as markup, and shown with control and bidi characters escaped so a
hostile cell cannot restyle or rewrite the terminal.  Colour is rich's decision: none when
stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from roster_lint.catalogue import Severity
from roster_lint.report.fix_first import FixItem, fix_first  # noqa: F401  (re-exported)
from roster_lint.report.order import (  # noqa: F401  (re-exported: tests and html use them)
    CONSEQUENCES_SHOWN,
    RuleGroup,
    fold_causes,
    group_findings,
)
from roster_lint.report.terminal import clean  # the one escaping of data for a terminal

if TYPE_CHECKING:
    from roster_lint.predict.model import Plan
    from roster_lint.results import CheckResult

EXAMPLES_PER_RULE = 5
VALUE_WIDTH = 60  # characters of a value shown before "…"
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_ORDER = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]
PLURAL = {"error": "errors", "warning": "warnings", "info": "info"}
ENTITY_PLURAL = {
    "school": "schools",
    "user": "users",
    "course": "courses",
    "class": "classes",
    "enrollment": "enrollments",
}


def show_value(value: str | None) -> str:
    """A value quoted so stray spaces and empty strings are visible, cut at VALUE_WIDTH."""
    if value is None:
        return "(none)"
    cut = value if len(value) <= VALUE_WIDTH else value[:VALUE_WIDTH] + "…"
    return clean(json.dumps(cut, ensure_ascii=False))


def location(row: dict[str, Any]) -> str:
    where = row.get("file") or "(export)"
    if row.get("line") is not None:
        where = f"{where}:{row['line']}"
    return clean(where)


Line = tuple[int, Text]  # (indent, text): wrapped by `_print`, indent kept on every line
NUMBERED = re.compile(r" ?\d+\. ")  # " 1. orgs.csv:5 ..." (not "161 rows ...")
HANG = 4  # extra indent of the wrapped part of a numbered "Fix first" line


def _print(console: Console, lines: list[Line]) -> None:
    # Wrap here rather than with rich's Padding, which pads lines with trailing spaces.
    # Words are never cut (overflow "fold" only splits a token longer than the whole line).
    for indent, text in lines:
        hang = HANG if NUMBERED.match(text.plain) else 0
        width = max(20, console.width - indent)
        first, *rest = text.wrap(console, width, overflow="fold") or [Text()]
        parts = [first]
        if rest:
            for part in rest:  # a wrapped line may keep its trailing space: no "6  users"
                part.rstrip()
            tail = Text(" ").join(rest)
            tail.rstrip()
            parts += list(tail.wrap(console, max(20, width - hang), overflow="fold"))
        for n, part in enumerate(parts):
            part.rstrip()
            pad = indent + (hang if n else 0)
            console.print(Text(" " * pad) + part if pad else part, soft_wrap=True)


def _example(row: dict[str, Any]) -> list[Line]:
    head = Text()
    head.append(location(row), style="bold")
    if row.get("column"):
        head.append(f"  {clean(row['column'])}")
    if row.get("value") is not None:
        head.append(f" = {show_value(row['value'])}")
    if row.get("sourced_id"):
        head.append(f"  (sourcedId {show_value(row['sourced_id'])})", style="dim")
    lines: list[Line] = [(2, head), (4, Text(clean(row.get("message"))))]
    if (row.get("count") or 1) > 1 and row.get("lines"):
        shown = ", ".join(str(n) for n in row["lines"])
        more = " …" if row["count"] > len(row["lines"]) else ""
        lines.append((4, Text(f"lines {shown}{more}", style="dim")))
    if row.get("related_file"):
        rel = clean(row["related_file"])
        if row.get("related_column"):
            rel += f" {clean(row['related_column'])}"
        if row.get("related_value") is not None:
            rel += f" = {show_value(row['related_value'])}"
        lines.append((4, Text(f"looked for in {rel}", style="dim")))
    for c in row.get("consequences", []):
        follow = Text("↳ ", style="dim")
        follow.append(f"{c['code']} ", style="bold")
        follow.append(f"{clean(c['name'])} ({c['severity']}) {location(c)}: ")
        follow.append(clean(c.get("message")))
        lines.append((4, follow))
    if row.get("more_consequences", 0) > 0:
        more = row["more_consequences"]
        lines.append((4, Text(f"↳ … and {more:,} more that follow from it", style="dim")))
    return lines


def _group(g: RuleGroup) -> list[Line]:
    head = Text()
    head.append(f"{g.severity.upper():<8}", style=SEVERITY_STYLE.get(g.severity, ""))
    head.append(f"{g.code} ", style="bold")
    head.append(clean(g.name))
    rows = f", {g.rows:,} rows" if g.rows > g.count else ""
    head.append(f"  ({g.count:,} finding{'s' if g.count != 1 else ''}{rows})", style="dim")
    lines: list[Line] = [(0, head)]
    if g.rule is not None:
        lines.append((2, Text(clean(g.rule.title), style="italic")))
    for r in g.examples:
        lines.extend(_example(r))
    if g.more > 0:
        lines.append((2, Text(f"… and {g.more:,} more", style="dim")))
    if g.rule is not None:
        fix = Text("fix: ", style="green")
        fix.append(clean(" ".join(g.rule.fix.split())))
        lines.append((2, fix))
    return lines


def _summary(result: CheckResult) -> list[Line]:
    counts = result.summary
    sev = ", ".join(
        f"{counts.get(s, 0):,} {PLURAL[s] if counts.get(s, 0) != 1 else s}" for s in SEVERITY_ORDER
    )
    exp = result.export
    tables = sorted(exp.tables.items())
    rows = sum(t.rows for _, t in tables)
    n = len(tables)
    lines: list[Line] = [
        (0, Text.assemble(("Summary: ", "bold"), sev)),
        (
            0,
            Text(
                f"Read {n} file{'s' if n != 1 else ''}, {rows:,} rows"
                f" · OneRoster {clean(exp.version or 'unknown')} · {clean(exp.path)}"
            ),
        ),
    ]
    if tables:
        files = " · ".join(f"{clean(t.path)} {t.rows:,}" for _, t in tables)
        lines.append((2, Text(files, style="dim")))
    fail_on = result.options.fail_on
    if fail_on == "never":
        status = "Exit status 0: --fail-on never, findings do not fail the run."
    elif result.failed:
        status = f"Exit status 1: there are findings at or above --fail-on {fail_on}."
    else:
        status = f"Exit status 0: nothing at or above --fail-on {fail_on}."
    lines.append((0, Text(status, style="bold red" if result.failed else "bold green")))
    return lines


def sync_preview(plan: Plan) -> list[Line]:
    """Three lines: the plan's totals and where to see the rest."""
    parts = []
    for entity, actions in plan.totals().items():
        acts = ", ".join(f"{n:,} {a}" for a, n in actions.items())
        parts.append(f"{ENTITY_PLURAL.get(entity, entity)}: {acts}")
    return [
        (0, Text(f"Sync preview ({clean(plan.profile)}, {clean(plan.mode)} mode)", style="bold")),
        (2, Text(" · ".join(parts) or "nothing to sync")),
        (2, Text("Run `roster-lint plan EXPORT` for every action and its reasons.", style="dim")),
    ]


def _fix_first(result: CheckResult) -> list[Line]:
    """'Fix first': one line per rule x file x column (rule x file where the sync loses
    nothing), what it costs the sync and the lines to edit ('RL103 enum-value-wrong-case
    users.csv email: 6 rows, lines 12, 40, 41…')."""
    items, more = fix_first(result)
    if not items:
        return []
    lines: list[Line] = [(0, Text("Fix first (what the sync loses, most first)", style="bold"))]
    for n, it in enumerate(items, 1):
        line = Text(f"{n:>2}. ")
        line.append(f"{it.code} {clean(it.name)}  ")
        line.append(clean(it.subject), style="bold")  # file and column: where to look
        line.append(f": {it.cost}" + (f", {it.at}" if it.at else ""))
        lines.append((2, line))
    if more:
        lines.append((2, Text(f"… and {more:,} more, below", style="dim")))
    lines.append((0, Text()))
    return lines


def render_check(result: CheckResult, console: Console, per_rule: int | None = None) -> None:
    """The text report; `per_rule` findings shown per rule (EXAMPLES_PER_RULE by default,
    every one with `--show all`, passed as 0)."""
    lines: list[Line] = []
    shown = EXAMPLES_PER_RULE if per_rule is None else (per_rule or None)
    groups = group_findings(result.findings, shown, result.plan)
    if not groups:
        lines.append((0, Text("No findings: every rule passed.", style="bold green")))
        lines.append((0, Text()))
    lines.extend(_fix_first(result))
    for g in groups:
        lines.extend(_group(g))
        lines.append((0, Text()))
    if result.plan is not None:
        lines.extend(sync_preview(result.plan))
        lines.append((0, Text()))
    lines.extend(_summary(result))
    _print(console, lines)
