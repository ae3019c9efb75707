"""The terminal report for `check`: findings grouped by rule, then a summary.

Everything that comes from the export (values, messages, ids, paths) is printed as rich
`Text`, never parsed as markup, and shown with control and bidi characters escaped so a
hostile cell cannot restyle or rewrite the terminal.  Colour is rich's decision: none when
stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
from rich.console import Console
from rich.text import Text

from roster_lint.catalogue import Rule, Severity, catalogue

if TYPE_CHECKING:
    from roster_lint.predict.model import Plan
    from roster_lint.results import CheckResult

EXAMPLES_PER_RULE = 5
CONSEQUENCES_SHOWN = 5  # per root, in text and HTML; every one is in the JSON
CAUSE_KEY = ["cause_code", "cause_file", "cause_line", "cause_sourced_id"]
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


@dataclass(frozen=True)
class RuleGroup:
    """One rule's findings: the counts and the first few rows (shared with the HTML)."""

    code: str
    name: str
    severity: str
    count: int
    rule: Rule | None  # None when the code is not in the catalogue (should not happen)
    examples: list[dict[str, Any]]  # each with `consequences` (first few) and `more_consequences`
    rows: int = 0  # rows the findings stand for (a grouped finding counts its rows)

    @property
    def more(self) -> int:
        return self.count - len(self.examples)


def fold_causes(findings: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(roots, consequences), both with `_i` (row in `findings`); consequences carry
    `_root`, the `_i` of the root they sit under, and roots `severity` raised to the
    highest among them and their consequences (contract: "Findings that follow from
    another").  A consequence whose cause is not in the frame (--ignore'd, baselined) is
    shown as a root."""
    rank = {s.value: s.rank for s in Severity}
    idx = findings.with_row_index("_i")
    if not set(CAUSE_KEY) <= set(idx.columns) or idx["cause_code"].null_count() == idx.height:
        return idx, idx.clear().with_columns(pl.lit(None, pl.UInt32).alias("_root"))
    keyed = idx.select(
        pl.col("_i").alias("_root"),
        *[pl.col(c.removeprefix("cause_")).alias(c) for c in CAUSE_KEY],
    ).unique(subset=CAUSE_KEY, keep="first", maintain_order=True)
    linked = idx.filter(pl.col("cause_code").is_not_null()).join(
        keyed, on=CAUSE_KEY, how="left", nulls_equal=True
    )
    cons = linked.filter(pl.col("_root").is_not_null())
    orphans = linked.filter(pl.col("_root").is_null()).drop("_root")
    roots = pl.concat([idx.filter(pl.col("cause_code").is_null()), orphans]).sort("_i")
    worst = cons.group_by("_root").agg(
        pl.col("severity").replace_strict(rank, default=0).max().alias("_worst")
    )
    names = {v: k for k, v in rank.items()}
    roots = (
        roots.join(worst, left_on="_i", right_on="_root", how="left")
        .with_columns(
            pl.max_horizontal(
                pl.col("severity").replace_strict(rank, default=0), pl.col("_worst").fill_null(0)
            )
            .replace_strict(names, default=None, return_dtype=pl.String)
            .fill_null(pl.col("severity"))
            .alias("severity")
        )
        .drop("_worst")
        .sort("_i")
    )
    return roots, cons


def group_findings(findings: pl.DataFrame, per_rule: int) -> list[RuleGroup]:
    """Rules with root findings, errors first then by code, with their first `per_rule`
    roots and, under each, its first consequences.

    Whole-frame work only: a damaged export can carry millions of findings.
    """
    if findings.height == 0:
        return []
    roots, cons = fold_causes(findings)
    rank = {s.value: s.rank for s in Severity}
    weight = pl.col("count").fill_null(1) if "count" in roots.columns else pl.lit(1)
    counts = (
        roots.group_by(["code", "name", "severity"])
        .agg(pl.len().alias("_n"), weight.sum().alias("_rows"))
        .with_columns(pl.col("severity").replace_strict(rank, default=0).alias("_rank"))
        .sort(["_rank", "code", "severity"], descending=[True, False, False])
    )
    # group_by().head keeps each group's rows in frame (file, line) order
    firsts = roots.group_by(["code", "severity"], maintain_order=True).head(per_rule)
    # the worst consequences first (RL303, an error, before a dozen RL222 warnings)
    shown = cons.filter(pl.col("_root").is_in(firsts["_i"].implode())).sort(
        [pl.col("severity").replace_strict(rank, default=0), "_i"], descending=[True, False]
    )
    under: dict[int, list[dict[str, Any]]] = {}
    for row in shown.group_by("_root", maintain_order=True).head(CONSEQUENCES_SHOWN).to_dicts():
        under.setdefault(row["_root"], []).append(row)
    total = dict(shown.group_by("_root").len().iter_rows())
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in firsts.to_dicts():
        row["consequences"] = under.get(row["_i"], [])
        row["more_consequences"] = total.get(row["_i"], 0) - len(row["consequences"])
        by_key.setdefault((row["code"], row["severity"]), []).append(row)
    cat = catalogue()
    return [
        RuleGroup(code, name, sev, n, cat.get(code), by_key.get((code, sev), []), int(rows))
        for code, name, sev, n, rows, _ in counts.iter_rows()
    ]


def clean(text: str | None) -> str:
    """Text with control (tabs too), format (bidi) and line-separator characters shown."""
    if text is None:
        return ""
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


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


def _print(console: Console, lines: list[Line]) -> None:
    # Wrap here rather than with rich's Padding, which pads lines with trailing spaces.
    for indent, text in lines:
        width = max(20, console.width - indent)
        for part in text.wrap(console, width, overflow="fold"):
            part.rstrip()
            console.print(Text(" " * indent) + part if indent else part, soft_wrap=True)


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


def render_check(result: CheckResult, console: Console) -> None:
    lines: list[Line] = []
    groups = group_findings(result.findings, EXAMPLES_PER_RULE)
    if not groups:
        lines.append((0, Text("No findings: every rule passed.", style="bold green")))
        lines.append((0, Text()))
    for g in groups:
        lines.extend(_group(g))
        lines.append((0, Text()))
    if result.plan is not None:
        lines.extend(sync_preview(result.plan))
        lines.append((0, Text()))
    lines.extend(_summary(result))
    _print(console, lines)
