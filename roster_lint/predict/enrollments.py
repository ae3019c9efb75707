"""Enrollments: enroll, unenroll or skip (SK-E1, E3, E5, SK-C4 grade classes, SK-P1).

7M rows at district scale: only narrow columns are joined on (no root-cause structs, no
list columns), reasons stay one string per row, and root causes are worked out for the
skipped rows alone (`enrollment_roots`).
"""

from __future__ import annotations

import polars as pl

from roster_lint.predict import rstr
from roster_lint.predict.encode import STR, detail, not_documented, piece
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.model import ACTION, ENTITY
from roster_lint.predict.profile import Profile


def with_users(inp: Inputs, users: pl.DataFrame) -> pl.DataFrame:
    """The narrow enrollments joined to their user once (7M rows, one hash join), for both
    the classes' student grade counts and the enrollment decisions.

    user_action/user_grade come from the first row of the user id (as enrollments see
    users); _in/_in_grade from its first row that gets an account (the grade counts)."""
    # Only the columns the decision and the later stages read are carried through the joins.
    cols = ["eid", "status", "cid", "school", "uid", "role", "line"]
    first = first_users(users).select(
        "uid", pl.col("action").alias("user_action"), pl.col("grade").alias("user_grade")
    )
    in_scope = (
        users.filter(pl.col("action") != "skip")
        .select("uid", pl.col("grade").alias("_in_grade"), pl.lit(True).alias("_in"))
        .unique("uid", keep="first", maintain_order=True)
    )
    # Every id of in_scope is in first; an id whose rows all skip gets no _in.
    side = first.join(in_scope, on="uid", how="left", maintain_order="left")
    # A plain string join: polars 2.1 joins the loader's id columns faster than the u64
    # hash join this used to be (0.8 s vs 1.7 s at 1M, docs/performance.md).
    narrow = inp.enrollments.select(cols)
    return narrow.join(side, on="uid", how="left", maintain_order="left")


def decide_enrollments(
    inp: Inputs,
    with_user: pl.DataFrame,
    classes: pl.DataFrame,
    profile: Profile,
    classes_on: bool,
    *,
    with_course: bool = True,
) -> pl.DataFrame:
    """with_user: `with_users(inp, users)`.  with_course: carry the class's course (only
    the --previous comparison reads it: 16 bytes a row at 7M rows otherwise)."""
    ep = profile.enrollments
    teacher = profile.classes["teacher_role"]
    class_info = classes.select(
        "cid",
        pl.col("action").alias("class_action"),
        *(["course"] if with_course else []),
        "is_split",
        "main_grade",
    )
    e = (
        with_user.lazy()
        .drop("_in", "_in_grade")
        .join(class_info.lazy(), on="cid", how="left", maintain_order="left")
    )
    classes_gone = inp.state.get("classes.csv") in ("missing", "ignored")
    users_gone = inp.state.get("users.csv") in ("missing", "ignored")
    flags = [
        ("provisioning-mode", pl.lit(not classes_on)),
        ("header-breaks-sync", pl.lit(inp.broken("enrollments.csv"))),
        ("enrollment-class-missing", pl.col("class_action").is_null() | pl.lit(classes_gone)),
        ("enrollment-user-missing", pl.col("user_action").is_null() | pl.lit(users_gone)),
        ("enrollment-class-not-created", pl.col("class_action") == "skip"),
        ("enrollment-user-not-provisioned", pl.col("user_action") == "skip"),
        ("enrollment-role-not-enrolled", ~pl.col("role").is_in(ep["enrolled_roles"])),
    ]
    if not classes_on:
        flags = flags[:1]
    e = e.with_columns(rstr.joined(flags).alias("_skip"))
    in_scope = pl.col("_skip") == ""
    gone = pl.col("status") == ep["unenroll_status"]
    is_teacher = pl.col("role") == teacher
    grade = pl.when(pl.col("user_grade").fill_null("") != "").then(pl.col("user_grade"))
    in_split = in_scope & ~gone & pl.col("is_split").fill_null(False) & ~is_teacher
    grade_class = pl.col("cid") + pl.lit("-", STR) + pl.coalesce(grade, pl.col("main_grade"))
    e = e.with_columns(
        pl.when(in_scope & gone)
        .then(pl.lit("enrollment-tobedeleted", STR))
        .when(in_scope)
        .then(pl.lit("", STR))
        .otherwise(pl.col("_skip"))
        .alias("reasons"),
        pl.when(~in_scope)
        .then(pl.lit("skip", ACTION))
        .when(gone)
        .then(pl.lit("unenroll", ACTION))
        .otherwise(pl.lit("enroll", ACTION))
        .alias("action"),
        pl.when(in_split).then(grade_class).alias("grade_class"),
        (in_split & grade.is_null()).alias("_ungraded"),
        (in_scope & is_teacher).alias("_teacher"),
        (~in_scope & (rstr.first(pl.col("_skip")) == "enrollment-role-not-enrolled")).alias(
            "_odd_role"
        ),
    )
    # The column order of the two joins made classes-first (nothing depends on it, but
    # `why` and the history step print frames in tests).
    first = ["eid", "cid", "school", "uid", "role", "line", "class_action"]
    first += ["course"] if with_course else []
    return (
        e.drop("_skip", "is_split", "main_grade", "user_grade", "status", "user_action")
        .select(*first, pl.exclude(first))
        .collect(engine="in-memory")
    )


def first_users(users: pl.DataFrame) -> pl.DataFrame:
    """One row per user id (the first one), as enrollments see users."""
    return users.unique("uid", keep="first")


def enrollment_roots(
    e: pl.DataFrame, users: pl.DataFrame, classes: pl.DataFrame, inp: Inputs
) -> pl.DataFrame:
    """Root cause of every skipped enrollment: eid, line, root_reason/_entity/_id."""
    skipped = e.filter(pl.col("action") == "skip").select(
        "eid", "cid", "uid", "role", "school", "line", "reasons"
    )
    if skipped.height == 0:
        return skipped.select(
            "eid",
            "school",
            "line",
            pl.lit(None, STR).alias("root_reason"),
            pl.lit(None, STR).alias("root_entity"),
            pl.lit(None, STR).alias("root_id"),
        )
    class_root = classes.select(
        "cid",
        pl.col("_root").struct.field("e").alias("c_e"),
        pl.col("_root").struct.field("i").alias("c_i"),
        pl.col("_root").struct.field("r").alias("c_r"),
    )
    user_root = first_users(users).select(
        "uid",
        pl.col("root_entity").alias("u_e"),
        pl.col("root_id").alias("u_i"),
        pl.col("root_reason").alias("u_r"),
    )
    skipped = skipped.join(class_root, on="cid", how="left", maintain_order="left").join(
        user_root, on="uid", how="left", maintain_order="left"
    )
    first = rstr.first(pl.col("reasons"))
    path = pl.lit(inp.paths.get("enrollments.csv", "enrollments.csv"), STR)
    own = {
        "provisioning-mode": (pl.lit("mode"), pl.lit(inp.mode, STR)),
        "header-breaks-sync": (pl.lit("file"), path),
        "enrollment-class-missing": (pl.lit("class"), pl.col("cid")),
        "enrollment-user-missing": (pl.lit("user"), pl.col("uid")),
        "enrollment-role-not-enrolled": (pl.lit("role"), pl.col("role")),
    }
    ent: pl.Expr = pl.lit("enrollment")
    ident: pl.Expr = pl.col("eid")
    reason: pl.Expr = first
    # Skips that come from the class or the user share that entity's root cause.
    for name, src in (
        ("enrollment-class-not-created", "c_"),
        ("enrollment-user-not-provisioned", "u_"),
    ):
        ent = pl.when(first == name).then(pl.col(src + "e")).otherwise(ent)
        ident = pl.when(first == name).then(pl.col(src + "i")).otherwise(ident)
        reason = pl.when(first == name).then(pl.col(src + "r")).otherwise(reason)
    for name, (en, idn) in own.items():
        ent = pl.when(first == name).then(en).otherwise(ent)
        ident = pl.when(first == name).then(idn).otherwise(ident)
    return skipped.select(
        "eid",
        "school",
        "line",
        reason.cast(STR).alias("root_reason"),
        ent.cast(STR).alias("root_entity"),
        ident.cast(STR).alias("root_id"),
    )


def nd_flags() -> list[tuple[str, pl.Expr]]:
    """The not-documented choices an enrollment's detail names."""
    return [
        ("split-class-ungraded-students", pl.col("_ungraded")),
        ("teacher-enrollment", pl.col("_teacher")),
        ("enrollment-of-non-student", pl.col("_odd_role")),
    ]


def enrollment_actions(e: pl.DataFrame, inp: Inputs) -> pl.DataFrame:
    """ACTION_SCHEMA columns (reasons still a joined string).

    Almost every enrollment's detail is `{}`: the JSON is built for the few rows that have
    a member (a grade class, a previous class, a not-documented choice) and scattered into
    a column of `{}`, instead of encoding 7M mostly-empty objects (docs/performance.md)."""
    path = inp.paths.get("enrollments.csv", "enrollments.csv")
    pieces = [
        piece("grade_class", pl.col("grade_class"), pl.col("grade_class").is_not_null()),
        piece("from", pl.col("from_class"), pl.col("from_class").is_not_null()),
        not_documented(nd_flags()),
    ]
    has = pl.any_horizontal(
        pl.col("grade_class").is_not_null(),
        pl.col("from_class").is_not_null(),
        *[flag.fill_null(False) for _, flag in nd_flags()],
    )
    rows = e.select(pl.arg_where(has).cast(pl.UInt32).alias("i"))["i"]
    needed = e.select("grade_class", "from_class", "_ungraded", "_teacher", "_odd_role")
    some = needed[rows].select(detail(pieces).alias("detail"))["detail"]
    details = pl.repeat("{}", e.height, dtype=STR, eager=True).alias("detail")
    if rows.len():
        details = details.scatter(rows, some)
    return e.select(
        pl.lit("enrollment", ENTITY).alias("entity"),
        pl.col("eid").alias("id"),
        "action",
        "reasons",
        pl.lit(details).alias("detail"),
        "school",
        pl.lit(path, STR).cast(pl.Categorical()).alias("file"),
        "line",
    )
