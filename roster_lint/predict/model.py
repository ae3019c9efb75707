"""What `plan` produces: one action per entity, with reasons, plus the summary people read.

`actions` is a polars frame (a million-student export has ~9M actions):
  entity   user | school | course | class | enrollment (Enum ENTITY)
  id       the sourcedId
  action   see ACTIONS (contract.md) (Enum ACTION)
  reasons  List[String] of reason names (kebab-case, shared/spec/summit-k12-sync.md)
  detail   String: a JSON object (canonical: sorted keys, no spaces) per contract.md
  school   String: the school sourcedId the entity belongs to (null where none), for grouping
  file, line  where the entity's record is (null for entities that have none, e.g. a
              retained user that is gone from the export); file is Categorical
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from roster_lint.predict.reason_keys import ReasonKeys, entity_counts

ENTITIES = ("school", "user", "course", "class", "enrollment")
ACTIONS: dict[str, tuple[str, ...]] = {
    "user": ("create", "transfer", "update", "unchanged", "skip", "retain"),
    "class": ("create", "split", "update", "unchanged", "skip", "retain"),
    "enrollment": ("enroll", "transfer", "unenroll", "unchanged", "skip", "retain"),
    "course": ("mapped", "needs-mapping", "unverified"),
    "school": ("sync", "skip"),
}
# Categories in sorted order: an Enum sorts by category, so sorted categories sort as the
# text does.  One byte per row instead of a 16-byte string view on ~9M actions.
ENTITY = pl.Enum(sorted(ENTITIES))
ACTION = pl.Enum(sorted({a for acts in ACTIONS.values() for a in acts}))
ACTION_SCHEMA: dict[str, pl.DataType] = {
    "entity": ENTITY,
    "id": pl.String(),
    "action": ACTION,
    "reasons": pl.List(pl.String()),
    "detail": pl.String(),
    "school": pl.String(),
    # A handful of paths per plan: 4 bytes per row instead of 16 (text when written out).
    "file": pl.Categorical(),
    "line": pl.Int64(),
}


@dataclass(frozen=True)
class RootCause:
    """One cause behind many skips: 'school Cedar Academy has no NCES ID' -> its users..."""

    reason: str  # reason name
    entity: str  # the entity at the root (school, course, class, file)
    id: str
    label: str  # human name, e.g. the school's name
    affected: dict[str, int]  # entity -> how many of them this cause skips
    message: str  # one sentence in the user's terms
    file: str | None = None  # where to look first: the root's own row, else the first affected
    line: int | None = None


@dataclass(frozen=True)
class FollowUp:
    """Something the district must do by hand or ask vendor support for."""

    kind: str  # district-admin-request | delete-user | remove-enrollment | map-course | ...
    entity: str
    id: str
    message: str


@dataclass
class Plan:
    profile: str
    mode: str
    actions: pl.DataFrame
    # who gets accounts: school, school_name, summit_role, grade, users (count)
    audience: pl.DataFrame
    root_causes: list[RootCause] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # not-documented choices, nightly timing...
    licences_new: int | None = None  # SK-L1: students who will newly consume a licence
    # Each action's (action, reasons) numbered by build_plan (predict/reason_keys.py), for
    # the counts and the JSON writer; None: number them from the lists.  Not an init
    # field: a plan made anew from this one's fields (dataclasses.replace, e.g.
    # --redact) starts without it, as its actions may differ.
    reason_keys: ReasonKeys | None = field(default=None, init=False, repr=False, compare=False)

    def keys_of_actions(self) -> ReasonKeys | None:
        """`reason_keys` when they still number these actions (one per row)."""
        keys = self.reason_keys
        return keys if keys is not None and len(keys.keys) == self.actions.height else None

    def totals(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for entity, action, n in self._entity_action_counts():
            out.setdefault(entity, {})[action] = n
        return {e: out[e] for e in ENTITIES if e in out}

    def _entity_action_counts(self) -> list[tuple[str, str, int]]:
        """(entity, action, rows) sorted by entity and action, none with no rows.  From
        the reason keys when build_plan made them (counted in numpy, no group_by of the
        9M actions), else a group_by."""
        keys = self.keys_of_actions()
        entity = self.actions["entity"]
        if keys is None or entity.null_count() or entity.dtype != ENTITY:
            counts = self.actions.group_by(["entity", "action"]).len().sort(["entity", "action"])
            return [(e, a, n) for e, a, n in counts.iter_rows()]
        per_pair = entity_counts(entity, keys).reshape(len(ENTITY.categories), len(keys.pairs))
        acts = ACTION.categories.to_list()
        per_action = np.zeros((per_pair.shape[0], len(acts)), np.int64)
        for k, (action, _) in enumerate(keys.pairs):
            per_action[:, acts.index(action)] += per_pair[:, k]
        # Both Enums' categories are sorted: their order is the text's (the group_by's sort).
        return [
            (e, a, int(per_action[i, j]))
            for i, e in enumerate(ENTITY.categories.to_list())
            for j, a in enumerate(acts)
            if per_action[i, j]
        ]


@dataclass
class WhyResult:
    """`why`: one entity's action and the steps that decided it, read from the plan
    (predict/why.py builds it; report renders it)."""

    entity: str
    id: str
    action: str
    reasons: list[str]
    trace: list[dict[str, Any]]  # step, ok (True/False/None), detail and data (its values)
    detail: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "id": self.id,
            "action": self.action,
            "reasons": list(self.reasons),
            "trace": [{k: s[k] for k in ("step", "ok", "detail")} for s in self.trace],
        }

    def step(self, name: str) -> dict[str, Any]:
        """The trace step called `name` (tests and callers read its `data`)."""
        return next(s for s in self.trace if s["step"] == name)
