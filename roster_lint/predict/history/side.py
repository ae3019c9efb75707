"""The previous side a plan reads of a previous export, slimmed (`roster-lint diff`)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.predict.history.classes import CLASS_SIG

if TYPE_CHECKING:
    from roster_lint.predict.engine import Decided

# What the --previous comparisons above read of the previous export's decided frames
# (users_vs_previous, retained_users, classes_vs_previous, retained_classes, _enrolled)
# and of its inputs (the courses it had: classes.decide_courses).  `previous_side` keeps
# only these, for a plan that reads the previous side and nothing else of it (`diff`:
# build_plan(..., actions_only=True); the full plan's summary reads more of it).
PREVIOUS_READS: dict[str, tuple[str, ...]] = {
    "orgs": ("oid", "parent", "is_school"),
    "users": ("uid", "action", "ok_schools", "sig", "summit_role"),
    "classes": ("cid", "action", *CLASS_SIG),
    "enrollments": ("eid", "cid", "uid", "role", "course", "school", "action"),
}
PREVIOUS_COURSES = "course"  # the one column of the previous inputs' courses read


def previous_side(prev: Decided) -> Decided:
    """`prev` (engine.decide of the previous export) with only PREVIOUS_READS' columns of
    its decided frames and its inputs' courses, everything else released: what
    build_plan(..., previous_side=, actions_only=True) reads of a previous export, made
    before the new export is decided, so the previous export's own frames can go first
    (`roster-lint diff`, docs/performance.md, branch diffold)."""
    inp = prev.inp
    empty = pl.DataFrame()
    slim_inp = dataclasses.replace(
        inp,
        orgs=empty,
        users=empty,
        classes=empty,
        enrollments=empty,
        courses=inp.courses.select(PREVIOUS_COURSES),
    )
    frames = {name: getattr(prev, name).select(cols) for name, cols in PREVIOUS_READS.items()}
    return dataclasses.replace(prev, inp=slim_inp, courses=prev.courses.clear(), **frames)
