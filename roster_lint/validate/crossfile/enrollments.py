"""Enrollments against their class, their user's role and orgs, and their own dates.

Seven million rows at district scale: joins and whole-column expressions only.  Rows whose
class or user is missing are left to the reference rules (one finding per break).
"""

from __future__ import annotations

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import ID_HASH_SEED, LINE, Export, Table
from roster_lint.validate.crossfile.common import (
    PAIR_SEED,
    SID,
    present,
    semi,
    table,
)
from roster_lint.validate.crossfile.facts import (
    class_schools,
    pairs_absent,
    screens,
    user_orgs,
    user_role_hashes,
    user_roles,
)

SCHOOL_DIFFERS = "RL220"
ROLE_DIFFERS = "RL221"
SCHOOL_NOT_IN_USER_ORGS = "RL222"
BEGINS_AFTER_END = "RL223"

# Which user roles (1.1 users.role, 1.2 roles.role) fit each enrollment role.  OneRoster
# pairs student<->student and teacher<->teacher/aide (§5.6); administrators may be any
# administrator flavour of 1.2.  Enrollment roles not listed here are not judged.
FITS: dict[str, tuple[str, ...]] = {
    "student": ("student",),
    "teacher": ("teacher", "aide"),
    "aide": ("aide", "teacher"),
    "proctor": ("proctor", "teacher", "aide"),
    "administrator": (
        "administrator",
        "districtAdministrator",
        "siteAdministrator",
        "systemAdministrator",
        "principal",
    ),
}


def _sid(has: bool) -> pl.Expr:
    return (pl.col(SID) if has else pl.lit(None, pl.String())).alias("sourced_id")


def _school_vs_class(
    export: Export, out: Findings, class_school: pl.DataFrame, gone: pl.Series
) -> None:
    enr = export.tables["enrollments.csv"]
    classes = export.tables["classes.csv"]
    rows = enr.df.select(LINE, _sid(enr.has(SID)), "classSourcedId", "schoolSourcedId")
    hits = (
        rows.filter(gone)
        .filter(present("schoolSourcedId"))
        .join(class_school, on="classSourcedId", how="inner")
        # A class without a school (null) is not judged here: its blank is its own finding.
        .filter((pl.col("schoolSourcedId") != pl.col("classSchool")).fill_null(False))
    )
    out.add(
        SCHOOL_DIFFERS,
        hits.select(
            pl.col(LINE).alias("line"),
            "sourced_id",
            pl.col("schoolSourcedId").alias("value"),
            pl.col("classSchool").alias("related_value"),
            pl.format(
                "schoolSourcedId '{}' is not the school '{}' of class '{}'.",
                "schoolSourcedId",
                "classSchool",
                "classSourcedId",
            ).alias("message"),
        ),
        file=enr.path,
        column="schoolSourcedId",
        related_file=classes.path,
        related_column="schoolSourcedId",
    )


def _fitting_pairs(export: Export, roles: pl.DataFrame) -> pl.Series:
    """combined() hashes of every (user, enrollment role) the user's roles allow (FITS),
    built from the user hashes without joining a million role strings."""
    user = user_role_hashes(export)
    parts = []
    for role, fit in FITS.items():
        # combined([user, role]) = user ^ hash(role).hash(PAIR_SEED): one constant per role
        tag = pl.Series([role]).hash(seed=ID_HASH_SEED).hash(seed=PAIR_SEED)
        parts.append(user.filter(roles["role"].is_in(list(fit))) ^ tag)
    return pl.concat(parts)


def _user_key(export: Export) -> str:
    """The column that names the user in the file their roles and orgs are read from:
    roles.csv userSourcedId (1.2) or users.csv sourcedId (1.1) -- the "looked for" of
    RL221 and RL222 points at the user's record, not at a column of enrollments.csv."""
    return "userSourcedId" if export.table("roles.csv") is not None else SID


def _role_hits(export: Export, rows: pl.DataFrame, out: Findings, path: str) -> None:
    roles = user_roles(export)
    gone = pairs_absent(export, "role", ("userSourcedId", _fitting_pairs(export, roles)))[
        "userSourcedId"
    ]
    hits = rows.filter(gone).filter(pl.col("role").is_in(list(FITS)))
    if hits.height == 0:
        return
    # Judged only when the user has a role that FITS knows (else: not our finding).
    fitting = sorted({r for f in FITS.values() for r in f})
    hits = semi(hits, roles, "userSourcedId", pl.col("role").is_in(fitting))
    if hits.height == 0:
        return
    # Spell out the user's roles for the few rows that failed, not for every user.
    shown = (
        roles.join(hits.select("userSourcedId"), on="userSourcedId", how="semi")
        .group_by("userSourcedId")
        .agg(pl.col("role").unique().sort().str.join(", ").alias("ur"))
    )
    users_path = "roles.csv" if export.table("roles.csv") is not None else "users.csv"
    out.add(
        ROLE_DIFFERS,
        hits.join(shown, on="userSourcedId", how="left").select(
            pl.col(LINE).alias("line"),
            "sourced_id",
            pl.col("role").alias("value"),
            pl.col("userSourcedId").alias("related_value"),
            pl.format(
                "user '{}' is enrolled as {} but their role is {}.", "userSourcedId", "role", "ur"
            ).alias("message"),
        ),
        file=path,
        column="role",
        related_file=users_path,
        related_column=_user_key(export),
    )


def _school_hits(
    export: Export,
    rows: pl.DataFrame,
    out: Findings,
    path: str,
    orgs: pl.DataFrame,
    gone: pl.Series,
) -> None:
    hits = semi(rows.filter(gone).filter(present("schoolSourcedId")), orgs, "userSourcedId")
    users_path = "roles.csv" if export.table("roles.csv") is not None else "users.csv"
    out.add(
        SCHOOL_NOT_IN_USER_ORGS,
        hits.select(
            pl.col(LINE).alias("line"),
            "sourced_id",
            pl.col("schoolSourcedId").alias("value"),
            pl.col("userSourcedId").alias("related_value"),
            pl.format(
                "school '{}' is not among the orgs of user '{}'.",
                "schoolSourcedId",
                "userSourcedId",
            ).alias("message"),
        ),
        file=path,
        column="schoolSourcedId",
        related_file=users_path,
        related_column=_user_key(export),
    )


def _rows(export: Export) -> tuple[Table, pl.DataFrame] | None:
    enr = table(export, "enrollments.csv", "userSourcedId")
    if enr is None:
        return None
    cols = [c for c in ("role", "schoolSourcedId") if enr.has(c)]
    return enr, enr.df.select(LINE, _sid(enr.has(SID)), "userSourcedId", *cols)


def dates(export: Export, out: Findings) -> None:
    """RL223, a task of its own: the pipeline runs it before the plan starts, so that the
    enrollment dates (read by nothing later) can go before the plan's peak."""
    enr = table(export, "enrollments.csv", "beginDate", "endDate")
    if enr is None:
        return
    # Canonical ISO dates (YYYY-MM-DD, 10 bytes) order like their text, so a text
    # comparison finds those candidates cheaply; parsing then confirms them.  A date of
    # another length may still parse ("2026-9-30", " 2026-09-30") yet order otherwise as
    # text ("2026-10-1" < "2026-9-30"): such rows are candidates too (their format is the
    # schema rules' finding; the order is this one's).
    begin_text, end_text = pl.col("beginDate"), pl.col("endDate")
    candidates = enr.df.filter(
        (begin_text > end_text)
        | (begin_text.str.len_bytes() != 10)
        | (end_text.str.len_bytes() != 10)
    )
    begin = pl.col("beginDate").str.to_date("%Y-%m-%d", strict=False)
    end = pl.col("endDate").str.to_date("%Y-%m-%d", strict=False)
    hits = candidates.filter(begin > end).select(
        pl.col(LINE).alias("line"),
        _sid(enr.has(SID)),
        pl.col("endDate").alias("value"),
        pl.format("endDate {} is before beginDate {}.", "endDate", "beginDate").alias("message"),
    )
    out.add(BEGINS_AFTER_END, hits, file=enr.path, column="endDate")


def run(export: Export, out: Findings) -> None:
    found = _rows(export)
    class_school = class_schools(export)
    orgs = None
    if found is not None and found[0].has("schoolSourcedId"):
        orgs = user_orgs(export).rename({"orgSourcedId": "schoolSourcedId"})
    # Both school checks read the enrollment's school: one pass hashes it for both.
    gone = screens(export) if class_school is not None or orgs is not None else {}
    if class_school is not None:
        _school_vs_class(export, out, class_school, gone["classSourcedId"])
    if found is not None:
        enr, rows = found
        if enr.has("role"):
            _role_hits(export, rows, out, enr.path)
        if orgs is not None:
            _school_hits(export, rows, out, enr.path, orgs, gone["userSourcedId"])
