"""`plan` for a district IT person: totals, who gets accounts, why things are skipped,
root causes, follow-ups and the notes that applied.  Calm colours, short tables."""

from __future__ import annotations

import numpy as np
import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from roster_lint.predict.model import ENTITIES, ENTITY, Plan, first_rows
from roster_lint.report.counts import NO_REASON, NOT_SYNCED, PlanCounts, plan_counts
from roster_lint.report.terminal import clean, keep_tokens, print_wrapped
from roster_lint.report.terminal import markup_safe as escape

EXAMPLES = 3  # example ids per skip reason
ROWS = 15  # rows per table before "... and N more"


def _table(title: str, *cols: str) -> Table:
    t = Table(title=title, title_justify="left", title_style="bold", header_style="bold")
    for c in cols:
        t.add_column(c, overflow="fold")
    return t


def render_plan(plan: Plan, console: Console) -> None:
    console.print(f"[bold]Summit K12 sync plan[/] — mode: {plan.mode}")
    counts = plan_counts(plan)
    totals = counts.by_action
    t = _table("What the sync will do", "entity", "actions")
    for e in ENTITIES:
        if e in totals:
            t.add_row(e, ", ".join(f"{a} {n:,}" for a, n in totals[e].items()))
    console.print(keep_tokens(t))
    if plan.licences_new is not None:
        console.print(f"Student licences newly consumed: [bold]{plan.licences_new:,}[/]")
    _audience(plan, counts, console)
    _skips(plan, counts, console)
    if plan.root_causes:
        t = _table("Root causes", "reason", "what happens")
        for c in plan.root_causes[:ROWS]:
            # the same sentence as check's finding: quoted ids, counts that agree
            t.add_row(c.reason, escape(c.message))
        _more(t, len(plan.root_causes))
        console.print(keep_tokens(t))
    if plan.followups:
        t = _table("Follow-ups (by hand or with vendor support)", "kind", "what to do")
        for f in plan.followups[: ROWS * 2]:
            t.add_row(f.kind, escape(f.message))
        _more(t, len(plan.followups), ROWS * 2)
        console.print(keep_tokens(t))
    for note in plan.notes:
        print_wrapped(console, Text(f"• {clean(note)}", style="dim"))


def _more(t: Table, n: int, cap: int = ROWS) -> None:
    if n > cap:
        t.add_row("…", f"and {n - cap:,} more (see --format json)")


def _audience(plan: Plan, counts: PlanCounts, console: Console) -> None:
    a = plan.audience
    if a.height == 0:
        console.print("[yellow]Nobody will get an account.[/]")
        return
    roles = ", ".join(f"{r} {n:,}" for r, n in counts.by_role.items())
    console.print(f"People who get an account (each once): [bold]{counts.people:,}[/] ({roles})")
    by_grade = ", ".join(f"{g} {n:,}" for g, n in counts.by_grade.items())
    console.print(f"Students by grade: {by_grade}; staff (no grade expected): {counts.staff:,}")
    skipped = [s for s in counts.schools if s.action == "skip"]
    for s in skipped:
        name = f"{s.name} ({s.school})" if s.name else s.school
        why = ", ".join(s.reasons) or "no reason given"
        console.print(f"School {escape(name)}: 0 accounts, not synced ({why})")
    by_school = (
        a.group_by(["school", "school_name", "summit_role"])
        .agg(pl.col("users").sum())
        .sort(["school", "summit_role"])
    )
    t = _table(
        "Who gets accounts (filter users.csv if this is wrong)",
        "school",
        "role",
        "users",
        "by grade",
    )
    grades = (
        a.filter(pl.col("grade").is_not_null())
        .group_by(["school", "summit_role"])
        .agg(pl.format("{}: {}", "grade", "users").sort().str.join(", ").alias("g"))
    )
    g = {(s, r): x for s, r, x in grades.iter_rows()}
    for school, name, role, n in by_school.head(ROWS * 2).iter_rows():
        label = f"{name} ({school})" if name else str(school)
        t.add_row(escape(label), role or "", f"{n:,}", escape(g.get((school, role), "")))
    _more(t, by_school.height, ROWS * 2)
    console.print(keep_tokens(t))


def _skips(plan: Plan, counts: PlanCounts, console: Console) -> None:
    if not counts.first_reason:
        return
    ex = _examples(plan)
    t = _table(
        "Not synced, by first reason (each record once)",
        "entity",
        "action",
        "reason",
        "count",
        "examples",
    )
    for r in counts.first_reason:
        ids = ex.get((r.entity, r.action, r.reason), [])
        t.add_row(r.entity, r.action, r.reason, f"{r.count:,}", escape(", ".join(ids)))
    console.print(keep_tokens(t))


def _examples(plan: Plan) -> dict[tuple[str, str, str], list[str]]:
    """The first EXAMPLES ids (in the plan's order) of each (entity, action, first reason)
    the sync does not carry out.  From the reason keys when build_plan made them: the
    rows found block by block on the integers, then only their ids gathered.  Filtering
    `plan.actions` made every deferred reasons list and copied every column of the
    skipped rows (+1.7 GB and ~2 s CPU at 1M students: docs/performance.md)."""
    actions, keys = plan.keyed_actions()
    entity = actions["entity"]
    if keys is None or entity.null_count() or entity.dtype != ENTITY:
        return _examples_of(plan.actions)
    labels: dict[tuple[str, str, str], int] = {}
    group = np.full(len(ENTITY.categories) * len(keys.pairs), -1, np.int64)
    for i, e in enumerate(ENTITY.categories.to_list()):
        for k, (action, reasons) in enumerate(keys.pairs):
            if action in NOT_SYNCED:
                label = (e, action, reasons[0] if reasons else NO_REASON)
                group[i * len(keys.pairs) + k] = labels.setdefault(label, len(labels))
    found = first_rows(entity, keys, group, EXAMPLES)
    at = pl.Series([p for rows in found for p in rows], dtype=pl.UInt32)
    ids = iter(actions["id"].gather(at).to_list())
    return {label: [next(ids) for _ in found[j]] for label, j in labels.items() if found[j]}


def _examples_of(actions: pl.DataFrame) -> dict[tuple[str, str, str], list[str]]:
    """_examples by filtering the actions themselves (every reasons list made)."""
    skipped = actions.filter(pl.col("action").is_in(NOT_SYNCED))
    examples = (
        skipped.select(
            pl.col("entity").cast(pl.String),
            pl.col("action").cast(pl.String),
            pl.col("reasons").list.first().fill_null(NO_REASON).alias("reason"),
            "id",
        )
        .group_by(["entity", "action", "reason"], maintain_order=True)
        .agg(pl.col("id").head(EXAMPLES).alias("ex"))
    )
    return {(e, a, r): x for e, a, r, x in examples.iter_rows()}
