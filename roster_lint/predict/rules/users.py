"""When each user reason holds (SK-A2..A5, A10, A11, G1, X1..X3, X5, SK-F1).

Columns of the working user frame (predict/users.py): `summit_role` (null: the role gets no
account), `ok_schools` / `first_missing` / `first_bad_type` / `first_nces` / `org_broken` /
`at_district` (how the user's orgs resolved; at_district: an org whose type is a district),
`n_schools`, `grade` (padded) and `grade_raw`, `_enabled`
(lowercased enabledUser)."""

from __future__ import annotations

import polars as pl

from roster_lint.predict.inputs import Inputs
from roster_lint.predict.profile import Profile


def is_admin(profile: Profile) -> pl.Expr:
    return pl.col("summit_role") == profile.accounts.admin_summit_role


def conditions(profile: Profile, inp: Inputs) -> dict[str, pl.Expr]:
    acc, oe = profile.accounts, profile.older_engine
    no_school_syncs = pl.col("ok_schools").list.len() == 0
    # Every org failed because orgs.csv was not processed: that file is the cause (SK-F1).
    orgs_file_broken = no_school_syncs & pl.col("org_broken") & pl.col("first_missing").is_null()
    by_school = no_school_syncs & ~orgs_file_broken
    enabled = pl.col("_enabled")
    grade = pl.col("grade")
    admin = is_admin(profile)
    return {
        "header-breaks-sync": pl.lit(inp.broken("users.csv")) | orgs_file_broken,
        "user-tobedeleted": pl.col("status") == profile.records.delete_status,
        "role-not-provisioned": pl.col("summit_role").is_null(),
        "school-not-in-orgs": by_school
        & (pl.col("first_missing").is_not_null() | (pl.col("n_schools") == 0)),
        "org-type-invalid": by_school & pl.col("first_bad_type").is_not_null(),
        "school-missing-nces-id": by_school & pl.col("first_nces").is_not_null(),
        "admin-created-as-school-admin": admin,
        "district-admin-needs-request": admin
        & (pl.col("role").is_in(acc.district_roles) | pl.col("at_district")),
        "user-missing-email": pl.col("email") == "",
        "password-too-short": (pl.col("password") != "")
        & (pl.col("password").str.len_chars() < acc.password_min_length),
        "grade-without-content": (pl.col("summit_role") == acc.student_summit_role)
        & (grade != "")
        & ~grade.is_in(profile.content_grades),
        "enabled-user-unrecognised": (pl.col("enabled") != "")
        & ~enabled.is_in([*oe.enabled_true, *oe.enabled_false]),
        "user-disabled": enabled.is_in(oe.enabled_false),
        "user-multiple-schools": pl.col("n_schools") > 1,
        "user-without-school": pl.col("n_schools") == 0,
        "grade-format-inconsistent": grade != pl.col("grade_raw"),
    }
