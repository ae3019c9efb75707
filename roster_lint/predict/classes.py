"""Courses and classes: course mapping (SK-C2), class creation and splits (SK-C1, C3..C5,
SK-G1, SK-P1)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import polars as pl

from roster_lint.predict import kernel, roots
from roster_lint.predict.encode import (
    STR,
    detail,
    json_value,
    not_documented,
    pad_grade,
    raw_piece,
)
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.kernel import ROW
from roster_lint.predict.model import ACTION
from roster_lint.predict.profile import Profile
from roster_lint.predict.registry import load_registry
from roster_lint.predict.rules import classes as class_rules
from roster_lint.predict.rules import courses as course_rules
from roster_lint.predict.rules.schools import BAD_TYPE, BROKEN


def decide_courses(
    inp: Inputs,
    course_map: set[str] | None,
    previous_ids: pl.Series | None,
    classes_on: bool,
    profile: Profile,
) -> pl.DataFrame:
    courses = inp.courses.unique("course", keep="first", maintain_order=True)
    listed = pl.col("course").is_in(sorted(course_map)) if course_map is not None else pl.lit(False)
    known = (
        pl.col("course").is_in(previous_ids.implode())
        if previous_ids is not None
        else pl.lit(False)
    )
    cond = course_rules.conditions(
        classes_on=classes_on,
        broken=inp.broken("courses.csv"),
        has_map=course_map is not None,
        has_prev=previous_ids is not None,
        listed=listed,
        known=known,
    )
    entries = load_registry().of("course")
    flags = [(e.reason, cond[e.reason]) for e in entries]
    # The action is the effect of the first reason that holds (registry precedence).
    action = pl.lit("mapped", ACTION)
    for e in reversed(entries):
        action = pl.when(cond[e.reason]).then(pl.lit(e.effect, ACTION)).otherwise(action)
    return courses.with_columns(
        action.alias("action"),
        kernel.joined(flags).alias("reasons"),
        detail([not_documented(course_nd(classes_on, profile))]).alias("detail"),
    )


def course_nd(classes_on: bool, profile: Profile) -> list[tuple[str, pl.Expr]]:
    """The not-documented choices a course's detail names."""
    return [
        ("provisioning-courses", pl.lit(not classes_on)),
        ("record-tobedeleted", pl.col("status") == profile.records.delete_status),
    ]


def _teachers(inp: Inputs, with_user: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """The rows (`_crow`) of classes with a primary teacher who is in the Users file
    (SK-C3), and whether one of them gets an account (`_provisioned`).  with_user: the
    enrollments already joined to their users and classes (`enrollments.with_users`): a
    user id is in the Users file where the join found its row (`_urow`), so no second join
    on 36-character ids, and the classes are their rows."""
    c = profile.classes
    if inp.broken("enrollments.csv") or inp.broken("users.csv"):
        return pl.DataFrame(
            schema={
                "_crow": ROW,
                "_provisioned": pl.Boolean(),
                "_student_primary": pl.Boolean(),
                "_primary_case": pl.Boolean(),
            }
        )
    # The teacher rows first, eagerly (an equality test on 7M rows), so that the lowercase
    # test runs on those rows only: a lazy query merges both filters into one predicate
    # and lowercased every row's `primary`.
    teaching = with_user.select(
        "_is_teacher", "_urow", "_unenroll", "primary", "_crow", "user_action", "_u_student"
    ).filter(pl.col("_is_teacher"))
    primary = (
        teaching.lazy()
        .filter(
            pl.col("_urow").is_not_null()
            & pl.col("_crow").is_not_null()
            & ~pl.col("_unenroll")
            & pl.col("primary").str.to_lowercase().is_in(c.primary_values)
        )
        # Whether one of the class's primary teachers gets an account (not documented when
        # none does: primary-teacher-not-provisioned).
        .group_by("_crow")
        .agg(
            (pl.col("user_action") != "skip").any().alias("_provisioned"),
            # Every primary "teacher" is a user with a Student account (not documented:
            # primary-teacher-is-student; `_u_student` is never null, see with_users).
            pl.col("_u_student").all().alias("_student_primary"),
            # Found only by folding case (`TRUE`): not documented, primary-other-case.
            ~pl.col("primary").is_in(c.primary_values).any().alias("_primary_case"),
        )
    )
    return primary.collect(engine="in-memory")


def student_grades(inp: Inputs, with_user: pl.DataFrame, profile: Profile) -> pl.LazyFrame:
    """The class row (`_crow`) and grade of every enrolled student who gets an account,
    in a class of the Classes file.  with_user: the enrollments already joined to their
    users (`enrollments.with_users`), so the 6.5M student enrollments are not joined to
    users a second time."""
    if inp.broken("enrollments.csv"):
        return pl.LazyFrame(schema={"_crow": ROW, "grade": STR})
    students = (
        pl.col("_is_student")
        & ~pl.col("_unenroll")
        & pl.col("_in").fill_null(False)
        & pl.col("_crow").is_not_null()
    )
    # Classes as their row numbers (`_crow`, made once by with_users): the group_by keys
    # on two u32 numbers instead of row-encoding a 36-character id per row.
    return (
        with_user.lazy()
        .select("_crow", "_in_grade", students.alias("_s"))
        .filter("_s")
        .select("_crow", pl.col("_in_grade").alias("grade"))
    )


def _count_grades(grades: pl.DataFrame, n_classes: int) -> pl.DataFrame:
    """`_crow, grade, n`: how many of `grades`' rows each (class row, grade) has, sorted by
    class row, then grade (as text: what `_per_class` reads them in).

    Grades are Categorical (a few dozen codes), so each pair is one number below
    n_classes * n_codes and numpy counts them all in one `bincount` (a `group_by` on
    the two columns hashes every row).  The codes are first replaced by their text's
    rank, so the counted pairs come out in that order (no sort of 1.3M pairs on
    ClassLink exports at 1M students).  A table that large would be wasteful for
    thousands of distinct grades, and a null grade has no code: both are grouped instead."""
    grade = grades["grade"].to_physical()
    top = grade.max()
    size = n_classes * (top + 1) if isinstance(top, int) else 0
    if not isinstance(top, int) or grade.null_count() or size > 4 * grades.height + (1 << 20):
        return (
            grades.group_by("_crow", "grade")
            .len("n")
            .with_columns(pl.col("grade").cast(STR))
            .sort("_crow", "grade", nulls_last=True)
        )
    n_codes = top + 1
    cats = grades.schema["grade"]
    # Every code's text, and each code's rank among them by text (a few dozen).
    texts = pl.Series("grade", np.arange(n_codes), dtype=pl.UInt32).cat.to(cats).cast(STR)
    by_text = texts.arg_sort().to_numpy()
    rank = np.empty(n_codes, np.uint32)
    rank[by_text] = np.arange(n_codes)
    key = grades["_crow"].to_numpy().astype(np.int64)
    key *= n_codes
    key += rank[grade.to_numpy()]
    counts = np.bincount(key, minlength=size)
    pairs = np.flatnonzero(counts)
    return pl.DataFrame(
        [
            pl.Series("_crow", pairs // n_codes, dtype=pl.UInt32),
            texts.gather(pl.Series(by_text[pairs % n_codes], dtype=pl.UInt32)),
            pl.Series("n", counts[pairs], dtype=pl.UInt32),
        ]
    )


def _per_class(counted: pl.DataFrame, content: list[str]) -> pl.DataFrame:
    """Per class row (`_crow`): n_grades, grades_json, main_grade, grade_no_content, from
    the counts of its graded students (`_crow, grade, n`; no null grade), sorted by class
    row, then grade, as `_count_grades` gives them.

    Most classes have one grade: their count row is the answer as it is (grades_json is
    read for split classes only, so it stays null there).  Only classes with several
    grades are grouped, on their rows in that order: the JSON text of
    each distinct grade (a few dozen) is made once, the pairs are collected as a list
    and joined (`str.join` inside the group_by cost 0.4 s on ClassLink's 1.3M (class,
    grade) pairs at 1M students, the list and its join 0.1 s), and the main grade (most
    students, then the first grade by text) is the group's first arg_max in that order
    (tests/predict/test_grade_counts.py: the plain group_by as the oracle)."""
    crow = pl.col("_crow")
    alone = (crow != crow.shift(1)).fill_null(True) & (crow != crow.shift(-1)).fill_null(True)
    counted = counted.with_columns(alone.alias("_alone"))
    grade = pl.col("grade")
    one = counted.filter(pl.col("_alone")).select(
        "_crow",
        pl.lit(1, pl.UInt32).alias("n_grades"),
        pl.lit(None, STR).alias("grades_json"),
        grade.alias("main_grade"),
        (~grade.is_in(content)).alias("grade_no_content"),
    )
    rest = counted.filter(~pl.col("_alone"))
    names = rest["grade"].unique().sort().to_list()
    texts = pl.DataFrame({"g": names}, schema={"g": STR}).select(json_value(pl.col("g")))
    as_json = dict(zip(names, texts.to_series().to_list(), strict=True))
    text = grade.replace_strict(as_json, return_dtype=STR)
    pair = text + pl.lit(":", STR) + pl.col("n").cast(STR)
    several = (
        rest.group_by("_crow", maintain_order=True)
        .agg(
            pl.len().alias("n_grades"),
            pair.alias("grades_json"),
            grade.get(pl.col("n").arg_max()).alias("main_grade"),
            (~grade.is_in(content)).any().alias("grade_no_content"),
        )
        .with_columns(
            (pl.lit("{", STR) + pl.col("grades_json").list.join(",") + pl.lit("}", STR)).alias(
                "grades_json"
            )
        )
    )
    return pl.concat([one, several.select(one.columns).cast(one.schema)], how="vertical")


# The names of ClassCounts' frames where the engine hands them from one export's decision
# to the next's (engine.decide's `known`, diff/previous.py).
COUNT_KEYS = ("class_grades", "class_ungraded", "class_teachers")


class ClassCounts(NamedTuple):
    """What decide_classes reads of the enrollments joined to their users, per class row
    (`_crow`): its graded students per grade (`_per_class`), its ungraded students, and
    its primary teachers (`_teachers`, with `has_teacher`).  A function of that join's
    columns (not `eid`), the inputs' file states, the classes' number and the profile:
    `diff` takes OLD's where NEW took OLD's join (engine.decide)."""

    grades: pl.DataFrame
    ungraded: pl.DataFrame
    teachers: pl.DataFrame


def class_counts(inp: Inputs, with_user: pl.DataFrame, profile: Profile) -> ClassCounts:
    """The per-class counts decide_classes joins to the classes (ClassCounts)."""
    grades = student_grades(inp, with_user, profile)
    # One pass over the student enrollments counts graded and ungraded students alike.
    n_classes = inp.class_rows.height
    by_grade = _count_grades(grades.collect(engine="in-memory"), n_classes)
    per_class = _per_class(by_grade.filter(pl.col("grade") != ""), profile.content_grades)
    ungraded = by_grade.filter(pl.col("grade") == "").select(
        "_crow", pl.col("n").alias("n_ungraded")
    )
    teachers = _teachers(inp, with_user, profile).with_columns(pl.lit(True).alias("has_teacher"))
    return ClassCounts(per_class, ungraded, teachers)


def decide_classes(
    inp: Inputs,
    orgs: pl.DataFrame,
    with_user: pl.DataFrame,
    courses: pl.DataFrame,
    profile: Profile,
    classes_on: bool,
    counts: ClassCounts | None = None,
) -> pl.DataFrame:
    """counts: class_counts(inp, with_user, profile), when already made (else made here)."""
    # Each id's first row, numbered as with_users numbered them (`_crow`): every join
    # below keeps these rows in this order, and decide_enrollments gathers by that number.
    classes = inp.class_rows
    per_class, ungraded, teachers = counts or class_counts(inp, with_user, profile)
    course_info = courses.select(
        pl.col("course"),
        pl.col("action").alias("course_action"),
        kernel.last(pl.col("reasons")).alias("course_last_reason"),
    )
    school_status = orgs.select(
        pl.col("oid").alias("school"), pl.col("status").alias("school_status")
    )
    classes = (
        classes.with_row_index("_crow")
        .join(course_info, on="course", how="left", maintain_order="left")
        .join(school_status, on="school", how="left", maintain_order="left")
        .join(per_class, on="_crow", how="left", maintain_order="left")
        .join(ungraded, on="_crow", how="left", maintain_order="left")
        .join(teachers, on="_crow", how="left", maintain_order="left")
        .drop("_crow")
        .with_columns(
            pl.col("has_teacher").fill_null(False),
            pl.col("_provisioned").fill_null(False),
            pl.col("_student_primary").fill_null(False),  # no primary teacher: not this
            pl.col("_primary_case").fill_null(False),
            pl.col("n_grades").fill_null(0),
            pl.col("n_ungraded").fill_null(0),
        )
    )
    reg = load_registry()
    no_content = pl.col("cid").is_in(
        _classes_grade_no_content(classes, profile).implode()
    ) | pl.col("grade_no_content").fill_null(False)
    cond = class_rules.conditions(inp, classes_on, no_content)
    skip_flags = [(n, cond[n]) for n in reg.names("class", "skip")]
    if not classes_on:  # SK-P1: nothing else about a class matters in this mode
        skip_flags = skip_flags[:1]
    classes = classes.with_columns(kernel.joined(skip_flags).alias("_skip"))
    in_scope = pl.col("_skip") == ""
    split = in_scope & cond["mixed-grade-class"]
    cond["mixed-grade-class"] = split
    notes = [(n, cond[n]) for n in reg.names("class", "split", "note")]
    gone = pl.col("status") == profile.records.delete_status
    # Created although no primary teacher gets an account (not documented).
    unprovisioned = in_scope & pl.col("has_teacher") & ~pl.col("_provisioned")
    # Created because primary `TRUE` was read as true (not documented).
    primary_case = in_scope & pl.col("has_teacher") & pl.col("_primary_case")
    # Skipped because its only primary teachers are students (not documented).
    student_primary = (
        kernel.first(pl.col("_skip")) == "class-primary-teacher-is-student"
    ).fill_null(False)
    return classes.with_columns(
        pl.when(in_scope).then(kernel.joined(notes)).otherwise(pl.col("_skip")).alias("reasons"),
        pl.when(~in_scope)
        .then(pl.lit("skip", ACTION))
        .when(split)
        .then(pl.lit("split", ACTION))
        .otherwise(pl.lit("create", ACTION))
        .alias("action"),
        split.alias("is_split"),
        detail(
            [
                raw_piece("grades", pl.col("grades_json"), split),
                not_documented(
                    [
                        ("split-class-ungraded-students", split & (pl.col("n_ungraded") > 0)),
                        ("record-tobedeleted", gone),
                        ("primary-teacher-not-provisioned", unprovisioned),
                        ("primary-teacher-is-student", student_primary),
                        ("primary-other-case", primary_case),
                    ]
                ),
            ]
        ).alias("detail"),
        (split & (pl.col("n_ungraded") > 0)).alias("_nd_ungraded"),
        unprovisioned.alias("_nd_unprovisioned"),
        student_primary.alias("_nd_student_primary"),
        primary_case.alias("_nd_primary_case"),
    ).with_columns(_class_root(inp).alias("_root"))


def class_nd(profile: Profile) -> list[tuple[str, pl.Expr]]:
    """The not-documented choices a class's detail names (same flags as its detail)."""
    return [
        ("split-class-ungraded-students", pl.col("_nd_ungraded")),
        ("record-tobedeleted", pl.col("status") == profile.records.delete_status),
        ("primary-teacher-not-provisioned", pl.col("_nd_unprovisioned")),
        # --previous: an existing class kept without its primary teacher (history/classes.py)
        ("existing-class-without-primary-teacher", pl.col("_nd_existing")),
        ("primary-teacher-is-student", pl.col("_nd_student_primary")),
        ("primary-other-case", pl.col("_nd_primary_case")),
    ]


def _classes_grade_no_content(classes: pl.DataFrame, profile: Profile) -> pl.Series:
    """Class ids whose own grades list a grade without content (one-digit grades padded).
    Exploded once instead of list.eval per row."""
    g = (
        classes.select("cid", pl.col("grades").str.split(",").alias("g"))
        .explode("g")
        .with_columns(pad_grade(pl.col("g")).alias("g"))
    )
    bad = (pl.col("g") != "") & ~pl.col("g").is_in(profile.content_grades)
    return g.filter(bad.fill_null(False))["cid"].unique()


def _class_root(inp: Inputs) -> pl.Expr:
    """The root cause of a skip, from the registry: a class skipped because its school
    lacks an NCES ID shares the school's root cause, one whose course is not mapped the
    course's."""

    def path(name: str) -> pl.Expr:
        return pl.lit(inp.paths.get(name, name), STR)

    broken_file = (
        pl.when(pl.lit(inp.broken("classes.csv")))
        .then(path("classes.csv"))
        .when(pl.lit(inp.broken("courses.csv")))
        .then(path("courses.csv"))
        .when(pl.col("school_status") == BROKEN)
        .then(path("orgs.csv"))
        .when(pl.lit(inp.broken("users.csv")))
        .then(path("users.csv"))
        .otherwise(path("enrollments.csv"))
    )
    school_reason = (
        pl.when(pl.col("school_status").is_null())
        .then(pl.lit("school-not-in-orgs"))
        .when(pl.col("school_status") == BAD_TYPE)
        .then(pl.lit("org-type-invalid"))
        .otherwise(pl.lit("school-missing-nces-id"))
    )
    entity, ident, reason = roots.root(
        "class",
        kernel.first(pl.col("reasons")),
        {"_mode": pl.lit(inp.mode), "_broken_file": broken_file, "_school_reason": school_reason},
    )
    return pl.struct(entity.alias("e"), ident.alias("i"), reason.alias("r"))


def class_actions(classes: pl.DataFrame, inp: Inputs) -> pl.DataFrame:
    path = inp.paths.get("classes.csv", "classes.csv")
    return classes.select(
        pl.lit("class").alias("entity"),
        pl.col("cid").alias("id"),
        "action",
        "reasons",
        "detail",
        "school",
        pl.lit(path, STR).alias("file"),
        "line",
        pl.col("_root").struct.field("r").alias("root_reason"),
        pl.col("_root").struct.field("e").alias("root_entity"),
        pl.col("_root").struct.field("i").alias("root_id"),
    )


def course_actions(courses: pl.DataFrame, inp: Inputs) -> pl.DataFrame:
    path = inp.paths.get("courses.csv", "courses.csv")
    return courses.select(
        pl.lit("course").alias("entity"),
        pl.col("course").alias("id"),
        "action",
        "reasons",
        "detail",
        pl.col("org").alias("school"),
        pl.lit(path, STR).alias("file"),
        "line",
        kernel.first(pl.col("reasons")).alias("root_reason"),
        pl.lit("course").alias("root_entity"),
        pl.col("course").alias("root_id"),
    )
