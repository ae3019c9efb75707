"""One set of numbers for every plan format (text, JSON, HTML, Markdown): `plan_counts`.

Each count says what it counts, because the formats used to disagree by counting
different things under one heading:
- `by_action`: every action, entity by entity (the plan's totals).
- `first_reason` / `any_reason`: entities the sync will not carry out (skip, retain), by
  their first reason (each entity once: these add up to the skip/retain totals) and by any
  of their reasons (an entity with three reasons counts under each of the three).
- `by_role`: people who get an account, each person once (a teacher at two schools is one
  teacher), by Summit K12 role.
- `by_grade`: students who get an account, each once, by grade; students with no grade are
  "(no grade)"; staff are not in it (`staff` counts them).
- `schools`: every school the plan knows (orgs.csv and the users' references), with the
  people who get an account there; a skipped school shows 0 and its reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import polars as pl

from roster_lint.predict.model import Plan, ReasonKeys, entity_counts, reason_keys

NOT_SYNCED = ("skip", "retain")
NO_REASON = "(no reason given)"  # the first reason of an entity that has none
STUDENT = "Student"  # the Summit K12 role of a student (SK-A9); every other role is staff
NO_GRADE = "(no grade)"
# Grade order: CEDS codes in school order, anything else after, by name.
GRADE_ORDER = ["IT", "PR", "PK", "TK", "KG", *[f"{g:02d}" for g in range(1, 14)], "PS", "UG"]


def grade_key(grade: str | None) -> tuple[int, str]:
    if grade is None or grade == NO_GRADE:
        return (len(GRADE_ORDER) + 1, "")
    if grade in GRADE_ORDER:
        return (GRADE_ORDER.index(grade), grade)
    return (len(GRADE_ORDER), grade)


def record(obj: Any) -> dict[str, Any]:
    """A dataclass instance's fields as a dict, in their order: `dataclasses.asdict`
    without its deep copy of every value, for a document that is only written out (the
    plan JSON's 1,541 root causes at 1M students: 0.004 s, asdict's 0.023 s;
    docs/performance.md, "Branch planjson11").  The values are the instance's own (a
    nested dict or list is shared, not copied): never change them."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


@dataclass(frozen=True)
class ReasonCount:
    entity: str
    action: str
    reason: str
    count: int


@dataclass(frozen=True)
class SchoolCount:
    school: str  # sourcedId
    name: str | None
    action: str | None  # sync | skip; None for a school only users refer to
    reasons: list[str]
    people: int  # who get an account at this school (a person at two schools in both)


@dataclass(frozen=True)
class PlanCounts:
    by_action: dict[str, dict[str, int]]
    first_reason: list[ReasonCount]
    any_reason: list[ReasonCount]
    by_role: dict[str, int]
    by_grade: dict[str, int]
    staff: int
    people: int  # everyone who gets an account, each once
    schools: list[SchoolCount]

    def to_json(self) -> dict[str, Any]:
        return {
            "by_action": self.by_action,
            "not_synced_by_first_reason": [record(r) for r in self.first_reason],
            "not_synced_by_any_reason": [record(r) for r in self.any_reason],
            "people": self.people,
            "by_role": self.by_role,
            "students_by_grade": self.by_grade,
            "staff": self.staff,
            "schools": [record(s) for s in self.schools],
        }


def _reason_groups(actions: pl.DataFrame, keyed: ReasonKeys | None = None) -> pl.DataFrame:
    """The skipped and retained actions counted by (entity, action, reasons): a few dozen
    groups, from which both reason counts are made (every enrollment is skipped when
    every school is: no reason text per row, no explode of millions of lists).  Counted
    on the (entity, ReasonKeys) integers when they can be made."""
    keyed = keyed if keyed is not None else reason_keys(actions)
    if keyed is None or actions["entity"].null_count():
        return (
            actions.lazy()
            .filter(pl.col("action").is_in(NOT_SYNCED))
            .group_by("entity", "action", "reasons")
            .agg(pl.len().alias("n"))
            .collect()
        )
    entities = actions["entity"].dtype.categories  # type: ignore[attr-defined]
    m = len(keyed.pairs)
    n = entity_counts(actions["entity"], keyed)
    rows = [
        (entities[i // m], *keyed.pairs[i % m], int(c))
        for i, c in enumerate(n.tolist())
        if c and keyed.pairs[i % m][0] in NOT_SYNCED
    ]
    schema = {
        "entity": actions["entity"].dtype,
        "action": actions["action"].dtype,
        "reasons": pl.List(pl.String()),
        "n": pl.UInt32(),
    }
    return pl.DataFrame([(e, a, list(r), c) for e, a, r, c in rows], schema=schema, orient="row")


def _reasons(groups: pl.DataFrame, first: bool) -> list[ReasonCount]:
    reason = pl.col("reasons").list.first() if first else pl.col("reasons")
    rows = groups.select(
        pl.col("entity").cast(pl.String),
        pl.col("action").cast(pl.String),
        reason.alias("reason"),
        "n",
    )
    if not first:
        rows = rows.explode("reason")
    counts = (
        rows.with_columns(pl.col("reason").fill_null(NO_REASON))
        .group_by(["entity", "action", "reason"])
        .agg(pl.col("n").sum())
        .sort(["n", "entity", "action", "reason"], descending=[True, False, False, False])
    )
    return [ReasonCount(e, a, r, n) for e, a, r, n in counts.iter_rows()]


def _people(audience: pl.DataFrame) -> pl.DataFrame:
    """One row per (role, grade) with people counted once: `people` where the audience
    has it (summary.audience counts each person at their first school), else `users`."""
    col = "people" if "people" in audience.columns else "users"
    return audience.group_by(["summit_role", "grade"]).agg(
        pl.col(col).cast(pl.Int64).sum().alias("n")
    )


def _schools(plan: Plan) -> list[SchoolCount]:
    # The schools' own reasons are lists in the frame (Plan.keyed_actions: only the
    # enrollments' may be left to be made).
    actions, _ = plan.keyed_actions()
    acts = actions.filter(pl.col("entity") == "school").select(
        "id", pl.col("action").cast(pl.String), "reasons"
    )
    a = plan.audience
    per: dict[str, int] = {}
    names: dict[str, str] = {}
    if a.height:
        for school, name, n in (
            a.group_by("school")
            .agg(pl.col("school_name").drop_nulls().sort().first(), pl.col("users").sum())
            .sort("school", nulls_last=True)
            .iter_rows()
        ):
            if school is not None:
                per[school] = int(n)
                if name:
                    names[school] = name
    for rc in plan.root_causes:  # a skipped school's name is only in its root cause
        if rc.entity == "school" and rc.label.endswith(f" ({rc.id})"):
            names.setdefault(rc.id, rc.label[: -len(f" ({rc.id})")])
    out = [
        SchoolCount(i, names.get(i), act, list(rs or []), per.get(i, 0))
        for i, act, rs in acts.iter_rows()
    ]
    known = {s.school for s in out}
    out += [SchoolCount(s, names.get(s), None, [], n) for s, n in per.items() if s not in known]
    return sorted(out, key=lambda s: (s.action == "skip", -s.people, s.school), reverse=False)


def plan_counts(
    plan: Plan,
    keyed: ReasonKeys | None = None,
    totals: dict[str, dict[str, int]] | None = None,
) -> PlanCounts:
    """Every number the plan formats show, computed once (module docstring).  keyed: the
    actions' reason_keys when the caller made them already (the JSON writer); totals:
    `plan.totals()`, when the caller made them (a count of the 9M actions at 1M students)."""
    people = _people(plan.audience) if plan.audience.height else None
    by_role: dict[str, int] = {}
    by_grade: dict[str, int] = {}
    staff = 0
    total = 0
    if people is not None:
        roles = people.group_by("summit_role").agg(pl.col("n").sum())
        for role, n in roles.sort(["summit_role"], nulls_last=True).iter_rows():
            by_role[role or "(no role)"] = int(n)
            total += int(n)
            if role != STUDENT:
                staff += int(n)
        students = people.filter(pl.col("summit_role") == STUDENT)
        for grade, n in students.sort("grade", nulls_last=True).select("grade", "n").iter_rows():
            key = grade or NO_GRADE
            by_grade[key] = by_grade.get(key, 0) + int(n)
    by_grade = dict(sorted(by_grade.items(), key=lambda kv: grade_key(kv[0])))
    actions, keys = plan.keyed_actions()
    groups = _reason_groups(actions, keyed if keyed is not None else keys)
    return PlanCounts(
        by_action=plan.totals() if totals is None else totals,
        first_reason=_reasons(groups, first=True),
        any_reason=_reasons(groups, first=False),
        by_role=dict(sorted(by_role.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_grade=by_grade,
        staff=staff,
        people=total,
        schools=_schools(plan),
    )
