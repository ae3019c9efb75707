"""build_plan: Export (+ previous, course map) + the Summit K12 profile -> Plan.

A pure function: the same inputs give the same plan, nothing is printed or written.  Each
stage (schools, users, courses, classes, enrollments, history) is whole-frame polars work.

At district scale (9M actions) the layout matters more than the rules (docs/performance.md):
reasons stay one joined string per row until the actions frame is built; root causes are
worked out for skipped and retained rows only; the actions come out in their final order
(entity, file, line, id) because every part already follows its file's line order, so the
9M-row frame is never sorted; not-documented choices are counted from their flags rather
than parsed back out of the detail JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.model import Export
from roster_lint.predict import classes as cls
from roster_lint.predict import enrollments as enr
from roster_lint.predict import history, kernel, schools, summary
from roster_lint.predict import users as usr
from roster_lint.predict.inputs import Inputs, read_inputs
from roster_lint.predict.kernel import chunked_like
from roster_lint.predict.model import (
    ACTION_SCHEMA,
    ENTITIES,
    DetailKeys,
    Plan,
    ReasonKeys,
    combined,
    made_reasons,
    reason_keys,
)
from roster_lint.predict.profile import Profile, load_profile
from roster_lint.predict.roots import grouped_id

if TYPE_CHECKING:
    from roster_lint.options import Options

ROOT_SCHEMA = {"root_reason": pl.String(), "root_entity": pl.String(), "root_id": pl.String()}
# The columns summary.root_causes / followups read: skipped and retained rows only.
ROOTS_SCHEMA = {
    "entity": pl.String(),
    "id": pl.String(),
    "action": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),
    **ROOT_SCHEMA,
    "_rank": pl.Int8(),
    "n": pl.UInt32(),  # the rows it stands for: 1, or the skipped enrollments of one root
}
NOT_SYNCED = ("skip", "retain")
# What `diff` reads of a plan (diff/compare.py attaches action and reasons by id,
# diff/sync.py counts entity, action and reasons): build_plan(..., actions_only=True).
ACTIONS_ONLY = {c: ACTION_SCHEMA[c] for c in ("entity", "id", "action", "reasons")}
# The decided users' columns summary.audience / followups / notes read.
SUMMARY_USER_COLS = [
    "uid",
    "action",
    "ok_schools",
    "summit_role",
    "grade",
    "district_admin",
    "given",
    "family",
    "email",
    "_gone",
    "role",
    "line",
    "_in_scope",
    "role_line",  # 1.2: where a role at the root of skips is written (summary.root_causes)
]


@dataclass
class Decided:
    """The engine's working frames for one export (kept for --previous and `why`)."""

    inp: Inputs
    orgs: pl.DataFrame
    users: pl.DataFrame
    courses: pl.DataFrame
    classes: pl.DataFrame
    enrollments: pl.DataFrame
    # The grade classes the enrollments' `_gc` indexes (enrollments.decide_enrollments).
    grade_classes: pl.Series = field(default_factory=lambda: pl.Series([None], dtype=pl.String))
    # `diff`: decided frames the next export takes as its own where its inputs are these
    # (the next export's Inputs -> {"orgs": ..., "users": ..., "with_user": ...};
    # diff/previous.py).
    known_for_next: Callable[[Inputs], dict[str, pl.DataFrame]] | None = None
    # decide(..., keep_with_user=True): the enrollments joined to their users, and what
    # decide_classes counted of that join (classes.class_counts).
    with_user: pl.DataFrame | None = None
    class_counts: cls.ClassCounts | None = None


def decide(
    export: Export,
    mode: str,
    profile: Profile,
    course_map: set[str] | None,
    previous_courses: pl.Series | None,
    *,
    with_course: bool = True,
    known: Callable[[Inputs], dict[str, pl.DataFrame]] | None = None,
    keep_with_user: bool = False,
) -> Decided:
    """with_course: the enrollments carry their class's course and the users their `sig`
    (the --previous comparisons read them; not needed otherwise).  known: the orgs' and
    users' decisions to take as they are for these inputs, and the columns with_users
    adds (Decided.known_for_next; enrollments.with_users_taken) with the per-class counts
    made of them (classes.COUNT_KEYS).  keep_with_user: the join and its counts are kept
    (Decided.with_user, class_counts)."""
    inp = read_inputs(export, mode, profile)
    same = known(inp) if known is not None else {}
    classes_on = profile.mode_has_classes(mode)
    orgs = same["orgs"] if "orgs" in same else schools.decide_orgs(inp, profile)
    users = (
        same["users"]
        if "users" in same
        else usr.decide_users(inp, orgs, profile, with_sig=with_course)
    )
    courses = cls.decide_courses(inp, course_map, previous_courses, classes_on, profile)
    # Enrollments meet their users once: the classes' grade counts and the enrollment
    # decisions both read this join.
    with_user = (
        enr.with_users_taken(inp, same["with_user"])
        if "with_user" in same
        else enr.with_users(inp, users, profile)
    )
    # The per-class counts are the join's: taken with it (classes.COUNT_KEYS).
    counts = (
        cls.ClassCounts(*(same[k] for k in cls.COUNT_KEYS))
        if "with_user" in same and all(k in same for k in cls.COUNT_KEYS)
        else cls.class_counts(inp, with_user, profile)
    )
    classes = cls.decide_classes(inp, orgs, with_user, courses, profile, classes_on, counts)
    enrollments, grade_classes = enr.decide_enrollments(
        inp, with_user, classes, profile, classes_on, with_course=with_course
    )
    kept = with_user if keep_with_user else None
    del with_user
    return Decided(
        inp,
        orgs,
        users,
        courses,
        classes,
        enrollments,
        grade_classes,
        with_user=kept,
        class_counts=counts if keep_with_user else None,
    )


@dataclass
class Parts:
    """The plan's pieces before they are put together."""

    actions: list[pl.DataFrame]  # ACTION_SCHEMA, each in its final order, entity order
    roots: list[pl.DataFrame]  # ROOTS_SCHEMA
    not_documented: dict[str, int]  # not-documented choice -> rows it decided
    licences: int = 0
    notes: list[str] | None = None
    # Per action part, its ReasonKeys where the engine knows them without reading the
    # lists (the enrollments' mask); None: numbered from the lists (build_plan).
    keys: list[ReasonKeys | None] = field(default_factory=list)
    # The part whose reasons are placeholders, made from its keys (Plan.defer_reasons).
    unmade: int | None = None
    # The enrollments' details as places in a table (model.DetailKeys): (part, `_d` in
    # the part's final order, the table).
    details: tuple[int, pl.Series, pl.Series] | None = None


def _ordered(part: pl.DataFrame) -> pl.DataFrame:
    """One part in plan order: rows of a file by line (already so, unless a join moved
    them); rows with no line (retained, gone from the export) by id."""
    line = part["line"]
    if line.null_count() == part.height:
        return part.sort("id", maintain_order=True, nulls_last=True)
    if line.null_count() == 0 and line.is_sorted():
        return part
    return part.sort(["line", "id"], nulls_last=True, maintain_order=True)


def _action_part(part: pl.DataFrame, actions_only: bool = False) -> pl.DataFrame:
    """ACTION_SCHEMA (ACTIONS_ONLY's columns of it with actions_only), every column cut
    into the same chunks as `id` (the loader's chunks, for enrollments): a frame with
    unevenly chunked columns is copied whole by the next operation that needs them
    aligned."""
    schema = ACTIONS_ONLY if actions_only else ACTION_SCHEMA
    cols = part.select(
        [
            (
                kernel.as_list(pl.col(c))
                if c == "reasons" and part[c].dtype == pl.String
                else pl.col(c)
            )
            .cast(t)
            .alias(c)
            for c, t in schema.items()
        ]
    ).get_columns()
    like = part["id"]
    return pl.DataFrame([chunked_like(c, like) for c in cols])


def _root_part(part: pl.DataFrame, rank: int) -> pl.DataFrame:
    """The part's skipped rows counted per root (what summary.root_causes groups them by,
    with the first line), its retained rows one by one (the follow-ups list them)."""
    made = {"_rank": pl.lit(rank), "n": pl.lit(1)}
    rows = part.filter(pl.col("action").is_in(NOT_SYNCED)).select(
        [made.get(c, pl.col(c)).cast(t).alias(c) for c, t in ROOTS_SCHEMA.items()]
    )
    skipped = rows.filter(pl.col("action") == "skip").with_columns(
        grouped_id(pl.col("root_entity"), pl.col("root_id")).alias("root_id")
    )
    keys = ["entity", "action", "file", *ROOT_SCHEMA, "_rank"]
    counted = skipped.group_by(keys, maintain_order=True).agg(
        pl.lit(None, pl.String()).alias("id"), pl.col("line").min(), pl.col("n").sum()
    )
    return pl.concat(
        [
            counted.select(rows.columns).cast(pl.Schema(ROOTS_SCHEMA)),
            rows.filter(pl.col("action") != "skip"),
        ]
    )


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for k, n in more.items():
        counts[k] = counts.get(k, 0) + n


def _parts(
    d: Decided,
    prev: Decided | None,
    profile: Profile,
    *,
    course_map: set[str] | None = None,
    actions_only: bool = False,
) -> Parts:
    """Every part of the plan, the 7M-row enrollments last: what reads the decided
    enrollments (notes, licences, root causes) runs first, then `d.enrollments` is
    released, so the decided frame and the enrollment actions are not both alive when the
    parts are put together (docs/performance.md).

    actions_only: the actions' ACTIONS_ONLY columns and nothing else (no details, root
    causes, not-documented counts, notes or licences: see build_plan)."""
    inp = d.inp
    rank = {e: i for i, e in enumerate(ENTITIES)}
    student = profile.classes.student_role
    classes_on = profile.mode_has_classes(inp.mode)
    d.users = history.users_vs_previous(
        d.users, prev.users if prev else None, d.orgs, prev.orgs if prev else None
    )
    d.classes = history.classes_vs_previous(d.classes, prev.classes if prev else None)
    d.enrollments = history.kept_class_enrollments(d.enrollments, d.classes, enr.SKIPS)
    if prev is not None:  # the transfer step appends to the reasons: text from here on
        d.enrollments = d.enrollments.with_columns(
            enr.reasons_text(d.enrollments, classes_on).alias("reasons")
        )
    pairs = history.match_pairs(d.enrollments, prev.enrollments if prev else None)
    d.enrollments = history.enrollments_vs_previous(d.enrollments, pairs, student)
    nd: dict[str, int] = {}
    if not actions_only:
        _add(nd, kernel.counts(d.orgs.filter(pl.col("is_school")), schools.school_nd()))
        _add(nd, kernel.counts(d.users, usr.user_nd()))
        courses_nd = cls.course_nd(profile.mode_has_classes(inp.mode), profile)
        _add(nd, kernel.counts(d.courses, courses_nd))
        _add(nd, kernel.counts(d.classes, cls.class_nd(profile)))
        _add(nd, kernel.counts(d.enrollments, enr.nd_flags()))
    out = Parts([], [], nd)
    users_path = inp.paths.get("users.csv", "users.csv")
    small = [
        ("school", schools.school_actions(d.orgs, inp.paths.get("orgs.csv", "orgs.csv"))),
        ("user", usr.user_actions(d.users, users_path, with_detail=not actions_only)),
        ("user", history.retained_users(d.users, prev.users if prev else None)),
        ("course", cls.course_actions(d.courses, inp)),
        ("class", cls.class_actions(d.classes, inp)),
        ("class", history.retained_classes(d.classes, prev.classes if prev else None)),
    ]
    retained_classes = small[5][1]
    if retained_classes is not None:  # each one's detail names class-removed
        _add(nd, {"class-removed": retained_classes.height})
    for entity, part in small:
        if part is None:
            continue
        part = _ordered(part)
        out.actions.append(_action_part(part, actions_only))
        out.keys.append(None)
        if not actions_only:
            out.roots.append(_root_part(part, rank[entity]))
    del small, retained_classes
    e_path = inp.paths.get("enrollments.csv", "enrollments.csv")
    if actions_only:
        _enrollment_parts(d, prev, pairs, e_path, classes_on, out)
        return out
    out.notes = summary.notes(nd, d, profile, has_previous=prev is not None, course_map=course_map)
    out.licences = summary.licences(d, prev, profile)
    # Enrollments: the root causes of the skipped rows, counted (one row per root).
    skipped = enr.enrollment_roots(d.enrollments, d.users, d.classes, inp, classes_on)
    out.roots.append(
        skipped.select(
            [
                {
                    "entity": pl.lit("enrollment"),
                    "id": pl.lit(None),
                    "action": pl.lit("skip"),
                    "file": pl.lit(e_path),
                    "_rank": pl.lit(rank["enrollment"]),
                }.get(c, pl.col(c))
                .cast(t)
                .alias(c)
                for c, t in ROOTS_SCHEMA.items()
            ]
        )
    )
    del skipped
    # What the summary still reads of the users (audience, follow-ups); the rest (reasons,
    # root causes, lists of skipped schools...) is freed before the parts are joined.
    d.users = d.users.select(SUMMARY_USER_COLS)
    d.classes = d.classes.clear()
    gone = history.retained_enrollments(d.enrollments, pairs, e_path)
    del pairs
    if prev is not None:  # nothing reads the previous enrollments any more
        prev.enrollments = prev.enrollments.clear()
    # The reasons lists left to be made when read (Plan.defer_reasons): the mask's keys
    # stand for them.
    tables: list[pl.Series] = []
    made = enr.enrollment_actions(
        d.enrollments, inp, classes_on, d.grade_classes, lists=False, detail_table=tables
    )
    made = _ordered(made)
    if tables and made.height:
        out.details = (len(out.actions), made["_d"], tables[0])
    keys = enr.mask_keys(made, classes_on)
    # Placeholders: all null (a list looked up by the mask is never null).
    by_mask = "_m" in made.columns and made.height > 0
    if by_mask and made["reasons"].null_count() == made.height:
        if keys is None:  # not numbered by the mask: the lists are made now
            lists = enr.reasons_list(made.drop("reasons"), classes_on).alias("reasons")
            made = made.with_columns(lists)
        else:
            out.unmade = len(out.actions)
    out.keys.append(keys)
    out.actions.append(_action_part(made))
    del made
    # The decided enrollments are read no further: free them before the parts are joined.
    d.enrollments = d.enrollments.clear()
    d.grade_classes = d.grade_classes.clear()
    if gone is not None:
        gone = _ordered(gone)
        out.actions.append(_action_part(gone))
        out.keys.append(None)
        out.roots.append(_root_part(gone, rank["enrollment"]))
    return out


def _enrollment_parts(
    d: Decided,
    prev: Decided | None,
    pairs: history.Pairs | None,
    path: str,
    classes_on: bool,
    out: Parts,
) -> None:
    """actions_only: the enrollments' actions and the retained ones, nothing built that
    only the summary or the details read; each frame freed once read."""
    d.users = d.users.clear()
    d.classes = d.classes.clear()
    gone = history.retained_enrollments(d.enrollments, pairs, path, with_detail=False)
    if prev is not None:
        prev.enrollments = prev.enrollments.clear()
    made = enr.enrollment_actions(
        d.enrollments, d.inp, classes_on, d.grade_classes, with_detail=False
    )
    d.enrollments = d.enrollments.clear()
    out.actions.append(_action_part(_ordered(made), actions_only=True))
    del made
    if gone is not None:
        out.actions.append(_action_part(_ordered(gone), actions_only=True))


def build_plan(
    export: Export,
    opts: Options,
    *,
    previous: Export | None,
    course_map: set[str] | None,
    actions_only: bool = False,
    previous_side: Decided | None = None,
) -> Plan:
    """The plan of `export` (against `previous` when given).

    actions_only (what `diff` reads): the actions with their entity, id, action and
    reasons only, the same rows in the same order as the full plan's; no details, root
    causes, follow-ups, audience (an empty frame), notes or licences (None).
    previous_side: `previous` decided beforehand (history.previous_side, with
    actions_only: `diff` decides it before the new export and frees its frames)."""
    profile = load_profile()
    mode = opts.mode
    # The previous export needs its decisions only (no details, root causes or actions).
    prev = previous_side
    if prev is None and previous is not None:
        prev = decide(previous, mode, profile, None, None)
    prev_courses = prev.inp.courses["course"] if prev is not None else None
    known = prev.known_for_next if prev is not None else None
    d = decide(
        export, mode, profile, course_map, prev_courses, with_course=prev is not None, known=known
    )
    parts = _parts(d, prev, profile, course_map=course_map, actions_only=actions_only)
    if actions_only:
        actions = pl.concat(parts.actions, how="vertical", rechunk=False)
        parts.actions.clear()
        return Plan(profile=profile.name, mode=mode, actions=actions, audience=pl.DataFrame())
    roots = pl.concat(parts.roots, how="vertical")
    keys = combined(
        [
            (k or reason_keys(a)) if i != parts.unmade else k
            for i, (k, a) in enumerate(zip(parts.keys, parts.actions, strict=True))
        ]
    )
    if keys is None and parts.unmade is not None:  # no keys for the plan: make the lists
        part_keys = parts.keys[parts.unmade]
        assert part_keys is not None
        parts.actions[parts.unmade] = made_reasons(parts.actions[parts.unmade], part_keys)
    # where the enrollments' part starts in the joined actions (DetailKeys.start)
    details_at = sum(a.height for a in parts.actions[: parts.details[0]]) if parts.details else 0
    actions = pl.concat(parts.actions, how="vertical", rechunk=False)
    parts.actions.clear()
    plan = Plan(
        profile=profile.name,
        mode=mode,
        actions=actions,
        audience=summary.audience(d),
        root_causes=summary.root_causes(roots, d),
        followups=summary.followups(roots, d, profile, prev),
        notes=parts.notes or [],
        licences_new=parts.licences,
    )
    plan.reason_keys = keys
    if keys is not None and parts.unmade is not None:
        plan.defer_reasons()
    if parts.details is not None:
        _, index, table = parts.details
        plan.detail_keys = DetailKeys(details_at, index, table)
    return plan
