"""sync_groups reads the reasons lists of only the actions whose reasons it counts
(diff/sync.py `_counted`), with the counts of grouping every action by its reasons."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.diff import sync
from roster_lint.diff.sync import CHANGE_ACTIONS, KNOWN, sync_groups
from roster_lint.predict.model import ENTITIES
from tests.diff.helpers import plan_of

ACTIONS = sorted({a for _, a, _ in KNOWN} | set(CHANGE_ACTIONS) | {"unchanged", "skip"})
REASONS = [*sorted({r for _, _, r in KNOWN if r is not None}), "class-gone", "other"]


def _grouped_by_reasons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The heights of the frames grouped by their reasons lists, as they are grouped."""
    grouped: list[int] = []
    group_by = pl.LazyFrame.group_by

    def spy(self: pl.LazyFrame, *by: Any, **kw: Any) -> Any:
        if "reasons" in (by[0] if len(by) == 1 and isinstance(by[0], list) else by):
            grouped.append(self.collect().height)
        return group_by(self, *by, **kw)

    monkeypatch.setattr(pl.LazyFrame, "group_by", spy)
    return grouped


def _every_list(plan: Any) -> list[tuple[Any, ...]]:
    """The groups as before: every action grouped by (entity, action, reasons), counted
    row by row in Python (the oracle)."""
    totals: dict[tuple[str, str], int] = {}
    by_reason: dict[tuple[str, str, str], int] = {}
    rest: dict[tuple[str, str], int] = {}
    for entity, action, reasons in plan.actions.select("entity", "action", "reasons").iter_rows():
        totals[(entity, action)] = totals.get((entity, action), 0) + 1
        known = set(sync._known_reasons(entity, action))
        for reason in set(reasons or ()) & known:
            by_reason[(entity, action, reason)] = by_reason.get((entity, action, reason), 0) + 1
        if not set(reasons or ()) & known:
            rest[(entity, action)] = rest.get((entity, action), 0) + 1
    out: list[tuple[Any, ...]] = []
    for (entity, action), n in totals.items():
        if (entity, action, None) in KNOWN:
            out.append((True, entity, action, None, n))
            continue
        for reason in sync._known_reasons(entity, action):
            m = by_reason.get((entity, action, reason), 0)
            if m:
                out.append((KNOWN[(entity, action, reason)][0], entity, action, reason, m))
        left = rest.get((entity, action), 0)
        if action in CHANGE_ACTIONS and left:
            out.append((action not in ("retain", "needs-mapping"), entity, action, None, left))
    order = sync.ENTITY_ORDER
    return sorted(out, key=lambda g: (not g[0], order.get(g[1], 9), g[2], g[3] or ""))


def _got(plan: Any) -> list[tuple[Any, ...]]:
    return [(g.will, g.entity, g.action, g.reason, g.count) for g in sync_groups(plan)]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ENTITIES),
            st.sampled_from(ACTIONS),
            st.lists(st.sampled_from(REASONS), max_size=3),
        ),
        max_size=40,
    )
)
def test_counts_are_those_of_every_list(rows: list[tuple[str, str, list[str]]]) -> None:
    plan = plan_of([(e, f"id{i}", a, r) for i, (e, a, r) in enumerate(rows)])
    assert _got(plan) == _every_list(plan)


def test_only_the_read_actions_are_grouped_by_their_reasons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """1,000 skipped enrollments (no known reason: their lists are never read) beside a
    class skipped for an unmapped course and a transferred user: only those two actions'
    lists are grouped."""
    rows = [("enrollment", f"e{i}", "skip", ["class-skipped"]) for i in range(1000)]
    rows += [
        ("class", "k1", "skip", ["course-not-mapped"]),
        ("user", "u1", "transfer", ["user-transfer"]),
        ("user", "u2", "create", ["admin-created-as-school-admin"]),
    ]
    plan = plan_of(rows)
    grouped = _grouped_by_reasons(monkeypatch)
    got = _got(plan)
    assert grouped == [2]
    assert got == [
        (True, "user", "create", None, 1),
        (True, "user", "transfer", "user-transfer", 1),
        (False, "class", "skip", "course-not-mapped", 1),
    ]


def test_no_reasons_read_when_none_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    """Actions with a sentence of their own, or none of whose reasons is known, are
    counted without grouping any list."""
    plan = plan_of(
        [
            ("enrollment", "e1", "skip", ["class-skipped"]),
            ("enrollment", "e2", "enroll", ["x"]),
            ("class", "k2", "retain", ["class-gone"]),
        ]
    )
    grouped = _grouped_by_reasons(monkeypatch)
    assert _got(plan) == [
        (True, "enrollment", "enroll", None, 1),
        (False, "class", "retain", None, 1),
    ]
    assert grouped == []
