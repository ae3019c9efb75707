"""When each enrollment reason holds (SK-P1, SK-F1, SK-E3, SK-E5).

Columns of the working enrollment frame (predict/enrollments.py): `class_action` /
`user_action` (null: not in classes.csv / users.csv), `_is_student`, `_is_teacher`,
`_unenroll` (status is the profile's unenroll status)."""

from __future__ import annotations

import polars as pl

from roster_lint.predict.inputs import Inputs
from roster_lint.predict.profile import Profile


def conditions(inp: Inputs, profile: Profile, classes_on: bool) -> dict[str, pl.Expr]:
    classes_gone = inp.state.get("classes.csv") in ("missing", "ignored")
    users_gone = inp.state.get("users.csv") in ("missing", "ignored")
    return {
        "provisioning-mode": pl.lit(not classes_on),
        "header-breaks-sync": pl.lit(inp.broken("enrollments.csv")),
        "enrollment-class-missing": pl.col("class_action").is_null() | pl.lit(classes_gone),
        "enrollment-user-missing": pl.col("user_action").is_null() | pl.lit(users_gone),
        "enrollment-class-not-created": pl.col("class_action") == "skip",
        "enrollment-user-not-provisioned": pl.col("user_action") == "skip",
        "enrollment-role-not-enrolled": _not_enrolled(profile.enrollments.enrolled_roles, profile),
        "enrollment-tobedeleted": pl.col("_unenroll"),
    }


def _not_enrolled(roles: list[str], profile: Profile) -> pl.Expr:
    """role not in `roles`, from with_users' role flags when they cover the roles."""
    flags = {
        profile.classes.student_role: "_is_student",
        profile.classes.teacher_role: "_is_teacher",
    }
    if roles and all(r in flags for r in roles):
        return ~pl.any_horizontal([pl.col(flags[r]) for r in roles])
    return ~pl.col("role").is_in(roles)
