"""build_plan: Export (+ previous, course map) + the Summit K12 profile -> Plan.

A pure function: the same inputs give the same plan, nothing is printed or written.  Each
stage (schools, users, courses, classes, enrollments, history) is whole-frame polars work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.model import Export
from roster_lint.predict import classes as cls
from roster_lint.predict import enrollments as enr
from roster_lint.predict import history, schools, summary
from roster_lint.predict import users as usr
from roster_lint.predict.inputs import Inputs, read_inputs
from roster_lint.predict.model import ACTION_SCHEMA, ENTITIES, Plan
from roster_lint.predict.profile import Profile, load_profile

if TYPE_CHECKING:
    from roster_lint.api import Options

ROOT_SCHEMA = {"root_reason": pl.String(), "root_entity": pl.String(), "root_id": pl.String()}


@dataclass
class Decided:
    """The engine's working frames for one export (kept for --previous and `why`)."""

    inp: Inputs
    orgs: pl.DataFrame
    users: pl.DataFrame
    courses: pl.DataFrame
    classes: pl.DataFrame
    enrollments: pl.DataFrame


def decide(
    export: Export,
    mode: str,
    profile: Profile,
    course_map: set[str] | None,
    previous_courses: pl.Series | None,
) -> Decided:
    inp = read_inputs(export, mode, profile)
    classes_on = profile.mode_has_classes(mode)
    orgs = schools.decide_orgs(inp, profile)
    users = usr.decide_users(inp, orgs, profile)
    courses = cls.decide_courses(inp, course_map, previous_courses, classes_on)
    classes = cls.decide_classes(inp, orgs, users, courses, profile, classes_on)
    enrollments = enr.decide_enrollments(inp, users, classes, profile, classes_on)
    return Decided(inp, orgs, users, courses, classes, enrollments)


def _frames(d: Decided, prev: Decided | None, profile: Profile) -> list[pl.DataFrame]:
    inp = d.inp
    student = profile.classes["student_role"]
    d.users = history.users_vs_previous(d.users, prev.users if prev else None)
    d.enrollments = history.enrollments_vs_previous(
        d.enrollments, prev.enrollments if prev else None, student
    )
    parts = [
        schools.school_actions(d.orgs, inp.paths.get("orgs.csv", "orgs.csv")),
        usr.user_actions(d.users, inp.paths.get("users.csv", "users.csv")),
        history.retained_users(d.users, prev.users if prev else None),
        cls.course_actions(d.courses, inp),
        cls.class_actions(d.classes, inp),
        history.retained_classes(d.classes, prev.classes if prev else None),
        enr.enrollment_actions(d.enrollments, inp),
        history.retained_enrollments(
            d.enrollments, prev.enrollments if prev else None, inp.paths["enrollments.csv"]
        ),
    ]
    schema = {**ACTION_SCHEMA, **ROOT_SCHEMA}
    return [
        p.select([pl.col(c).cast(t) for c, t in schema.items()]) for p in parts if p is not None
    ]


def build_plan(
    export: Export,
    opts: Options,
    *,
    previous: Export | None,
    course_map: set[str] | None,
) -> Plan:
    profile = load_profile()
    mode = opts.mode
    prev = decide(previous, mode, profile, None, None) if previous is not None else None
    prev_courses = prev.inp.courses["course"] if prev is not None else None
    d = decide(export, mode, profile, course_map, prev_courses)
    full = pl.concat(_frames(d, prev, profile), how="vertical")
    rank = {e: i for i, e in enumerate(ENTITIES)}
    full = full.with_columns(
        pl.col("entity").replace_strict(rank, return_dtype=pl.Int8).alias("_rank")
    ).sort(["_rank", "file", "line", "id"], nulls_last=True, maintain_order=True)
    actions = full.select(list(ACTION_SCHEMA))
    return Plan(
        profile=profile.name,
        mode=mode,
        actions=actions,
        audience=summary.audience(d),
        root_causes=summary.root_causes(full, d),
        followups=summary.followups(full, d, profile),
        notes=summary.notes(full, d, profile, has_previous=prev is not None, course_map=course_map),
        licences_new=summary.licences(d, prev, profile),
    )
