"""Enrollments: enroll, unenroll or skip (SK-E1, E3, E5, SK-C4 grade classes, SK-P1)."""

from __future__ import annotations

import polars as pl

from roster_lint.predict.encode import STR, detail, not_documented, piece, reasons
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.profile import Profile


def decide_enrollments(
    inp: Inputs,
    users: pl.DataFrame,
    classes: pl.DataFrame,
    profile: Profile,
    classes_on: bool,
) -> pl.DataFrame:
    e = inp.enrollments
    ep = profile.enrollments
    teacher = profile.classes["teacher_role"]
    class_info = classes.select(
        "cid",
        pl.col("action").alias("class_action"),
        pl.col("course"),
        pl.col("is_split"),
        pl.col("main_grade"),
        pl.struct(
            pl.col("_root").struct.field("e").alias("e"),
            pl.col("_root").struct.field("i").alias("i"),
            pl.col("_root").struct.field("r").alias("r"),
        ).alias("class_root"),
    )
    user_info = users.unique("uid", keep="first").select(
        "uid",
        pl.col("action").alias("user_action"),
        pl.col("grade").alias("user_grade"),
        pl.struct(
            pl.col("root_entity").alias("e"),
            pl.col("root_id").alias("i"),
            pl.col("root_reason").alias("r"),
        ).alias("user_root"),
    )
    e = e.join(class_info, on="cid", how="left", maintain_order="left").join(
        user_info, on="uid", how="left", maintain_order="left"
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
    e = e.with_columns(reasons(flags).alias("_skip"))
    in_scope = pl.col("_skip").list.len() == 0
    gone = pl.col("status") == ep["unenroll_status"]
    is_teacher = pl.col("role") == teacher
    grade = pl.when(pl.col("user_grade").fill_null("") != "").then(pl.col("user_grade"))
    in_split = in_scope & ~gone & pl.col("is_split").fill_null(False) & ~is_teacher
    grade_class = pl.col("cid") + pl.lit("-", STR) + pl.coalesce(grade, pl.col("main_grade"))
    e = e.with_columns(
        pl.when(in_scope & gone)
        .then(pl.lit(["enrollment-tobedeleted"], pl.List(STR)))
        .when(in_scope)
        .then(pl.lit([], pl.List(STR)))
        .otherwise(pl.col("_skip"))
        .alias("reasons"),
        pl.when(~in_scope)
        .then(pl.lit("skip"))
        .when(gone)
        .then(pl.lit("unenroll"))
        .otherwise(pl.lit("enroll"))
        .alias("action"),
        pl.when(in_split).then(grade_class).alias("grade_class"),
        (in_split & grade.is_null()).alias("_ungraded"),
        (in_scope & is_teacher).alias("_teacher"),
        (~in_scope & (pl.col("_skip").list.first() == "enrollment-role-not-enrolled")).alias(
            "_odd_role"
        ),
    )
    return e.with_columns(_root(inp).alias("_root"))


def _root(inp: Inputs) -> pl.Expr:
    first = pl.col("reasons").list.first()
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
        ("enrollment-class-not-created", "class_root"),
        ("enrollment-user-not-provisioned", "user_root"),
    ):
        ent = pl.when(first == name).then(pl.col(src).struct.field("e")).otherwise(ent)
        ident = pl.when(first == name).then(pl.col(src).struct.field("i")).otherwise(ident)
        reason = pl.when(first == name).then(pl.col(src).struct.field("r")).otherwise(reason)
    for name, (en, idn) in own.items():
        ent = pl.when(first == name).then(en).otherwise(ent)
        ident = pl.when(first == name).then(idn).otherwise(ident)
    return pl.struct(ent.alias("e"), ident.alias("i"), reason.alias("r"))


def enrollment_actions(e: pl.DataFrame, inp: Inputs) -> pl.DataFrame:
    path = inp.paths.get("enrollments.csv", "enrollments.csv")
    pieces = [
        piece("grade_class", pl.col("grade_class"), pl.col("grade_class").is_not_null()),
        piece("from", pl.col("from_class"), pl.col("from_class").is_not_null()),
        not_documented(
            [
                ("split-class-ungraded-students", pl.col("_ungraded")),
                ("teacher-enrollment", pl.col("_teacher")),
                ("enrollment-of-non-student", pl.col("_odd_role")),
            ]
        ),
    ]
    return e.select(
        pl.lit("enrollment").alias("entity"),
        pl.col("eid").alias("id"),
        "action",
        "reasons",
        detail(pieces).alias("detail"),
        "school",
        pl.lit(path, STR).alias("file"),
        "line",
        pl.col("_root").struct.field("r").alias("root_reason"),
        pl.col("_root").struct.field("e").alias("root_entity"),
        pl.col("_root").struct.field("i").alias("root_id"),
    )
