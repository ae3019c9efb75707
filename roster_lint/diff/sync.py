"""What the sync will and will not do about the changes, read from the plan's actions.

Each change-related behaviour of summit-k12-sync.md is one row of KNOWN: the (entity,
action, reason) the plan engine emits for it, whether the sync does it, and the sentence
people read (a reason's row comes from the registry, rules/sync/reasons.toml).  Other
plan actions that only exist because something changed (creates, retains, transfers the
table does not name) are summarised generically, so nothing the engine predicts is hidden.
"""

from __future__ import annotations

import polars as pl

from roster_lint.diff.model import SyncGroup
from roster_lint.predict.model import Plan
from roster_lint.predict.registry import load_registry

# (entity, action, reason) -> (will, source, message with {n} and {s} for the plural).
# The reasons' sentences are the registry's (rules/sync/reasons.toml `diff`), each under
# the action its effect gives; the plain actions' sentences follow.
_REG = load_registry()
KNOWN: dict[tuple[str, str, str | None], tuple[bool, str, str]] = {
    (d.entity, _REG.entry(d.entity, r).effect, r): (d.will, _REG.sk(r), d.message)
    for r, d in ((r, x.diff) for r, x in _REG.reasons.items())
    if d is not None
}
KNOWN |= {
    ("user", "create", None): (
        True,
        "SK-A1",
        "{n} new user account{s} will be created (they appear after the nightly sync)",
    ),
    ("user", "update", None): (True, "SK-A1", "{n} user{s} will be updated"),
    ("class", "create", None): (True, "SK-C1", "{n} new class{es} will be created"),
    ("class", "update", None): (True, "SK-C1", "{n} class{es} will be updated"),
    ("class", "split", None): (
        True,
        "SK-C4",
        "{n} new class{es} will be created once per grade (mixed grades)",
    ),
    ("enrollment", "enroll", None): (True, "SK-E1", "{n} enrollment{s} will be made"),
}
# Actions worth a generic line when KNOWN does not name them: they follow from a change.
CHANGE_ACTIONS = ("create", "enroll", "transfer", "unenroll", "retain", "needs-mapping")
ENTITY_ORDER = {"school": 0, "user": 1, "course": 2, "class": 3, "enrollment": 4}


def _plural(n: int, template: str) -> str:
    one = n == 1
    return template.format(
        n=f"{n:,}", s="" if one else "s", es="" if one else "es", need="needs" if one else "need"
    )


def _known_reasons(entity: str, action: str) -> list[str]:
    return sorted(r for (e, a, r) in KNOWN if e == entity and a == action and r is not None)


def _read_reasons(entity: str, action: str) -> bool:
    """Whether sync_groups reads the reasons of (entity, action)'s actions: not where the
    action has a sentence of its own (KNOWN's reason None), nor where no reason of it is
    known (every one of its actions is then one that carries none)."""
    return (entity, action, None) not in KNOWN and bool(_known_reasons(entity, action))


def _counted(
    plan: Plan, by_action: dict[str, dict[str, int]]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str, str], int], dict[tuple[str, str], int]]:
    """Per (entity, action), its actions; per (entity, action, known reason), the actions
    carrying that reason; per (entity, action), the actions carrying none of its known
    reasons.  Counted per (entity, action) first (two Enum columns); only the actions
    whose reasons are read (`_read_reasons`: usually a few, never the 7M enrollments that
    are unchanged or skipped) are grouped by their reasons lists, which hashes every list
    (0.2-0.4 s of CPU at 1M students: docs/performance.md, branch difffast10).
    by_action: the plan's totals (Plan.totals: counted once, the diff's report shows them)."""
    actions = plan.actions.lazy()
    per_action = [(e, a, n) for e, acts in by_action.items() for a, n in acts.items()]
    totals: dict[tuple[str, str], int] = {}
    by_reason: dict[tuple[str, str, str], int] = {}
    rest: dict[tuple[str, str], int] = {}  # actions carrying none of the known reasons
    read: list[tuple[str, str]] = []
    for entity, action, n in per_action:
        totals[(entity, action)] = n
        if _read_reasons(entity, action):
            read.append((entity, action))
        else:  # no known reason is counted: every action carries none
            rest[(entity, action)] = n
    if not read:
        return totals, by_reason, rest
    wanted = pl.any_horizontal([(pl.col("entity") == e) & (pl.col("action") == a) for e, a in read])
    # Lazy: the eager group_by copies the actions' reasons lists (in the loader's hundreds
    # of chunks) into one chunk first (docs/performance.md, branch diffnext).  The
    # groups' order is not read: counts are summed per key and the groups sorted.
    combos = actions.filter(wanted).group_by(["entity", "action", "reasons"]).len("n").collect()
    for entity, action, reasons, n in combos.iter_rows():
        known = set(_known_reasons(entity, action))
        for reason in set(reasons or ()) & known:
            by_reason[(entity, action, reason)] = by_reason.get((entity, action, reason), 0) + n
        if not set(reasons or ()) & known:
            rest[(entity, action)] = rest.get((entity, action), 0) + n
    return totals, by_reason, rest


def sync_groups(plan: Plan, totals: dict[str, dict[str, int]] | None = None) -> list[SyncGroup]:
    """The sync's response to the changes, will-do first then will-not, in a stable order.

    The plan was made with the old export as --previous, so what exists already is
    `unchanged` or `update` there (never `create`), and every action counted is news.
    Counts are of actions (an action with two known reasons counts once under each).  The
    plan is reduced to its distinct (entity, action, reasons) combinations first: a few
    dozen rows, whatever the size of the district.  totals: plan.totals(), when the
    caller has them.
    """
    counted, by_reason, rest = _counted(plan, plan.totals() if totals is None else totals)
    groups: list[SyncGroup] = []
    for (entity, action), n in counted.items():
        if (entity, action, None) in KNOWN:
            will, source, template = KNOWN[(entity, action, None)]
            groups.append(SyncGroup(entity, action, None, n, will, source, _plural(n, template)))
            continue
        for reason in _known_reasons(entity, action):
            m = by_reason.get((entity, action, reason), 0)
            if m:
                will, source, template = KNOWN[(entity, action, reason)]
                text = _plural(m, template)
                groups.append(SyncGroup(entity, action, reason, m, will, source, text))
        left = rest.get((entity, action), 0)
        if action in CHANGE_ACTIONS and left:
            will = action not in ("retain", "needs-mapping")
            text = f"{left:,} {entity} action{'s' if left != 1 else ''}: {action}"
            groups.append(SyncGroup(entity, action, None, left, will, "plan", text))
    return sorted(
        groups,
        key=lambda g: (not g.will, ENTITY_ORDER.get(g.entity, 9), g.action, g.reason or ""),
    )
