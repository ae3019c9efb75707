"""Students: one grade each, at least one enrollment; agents that point at the right roles.

Per-user work (a million students) is joins and list expressions on whole columns.
"""

from __future__ import annotations

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import ID_HASH_SEED, LINE, Export
from roster_lint.validate.crossfile.common import (
    AGENT_ROLES,
    SID,
    STUDENT_ROLES,
    among,
    blank,
    exploded,
    is_complete,
    live_hashes,
    not_deleted,
    present,
    rows,
    semi,
    table,
)
from roster_lint.validate.crossfile.facts import student_ids, user_role_hashes, user_roles
from roster_lint.validate.crossfile.grouped import add_by_line

NO_GRADE = "RL240"
SEVERAL_GRADES = "RL241"
NO_ENROLLMENT = "RL242"
AGENT_ROLE = "RL243"


def _grades(export: Export, out: Findings) -> None:
    users = table(export, "users.csv", SID, "grades")
    if users is None:
        return
    # Only a blank value or one with a comma can be wrong: take those rows (few), then
    # keep the students among them, instead of joining a million users to the students.
    suspect = blank("grades") | pl.col("grades").str.contains(",", literal=True)
    students = semi(
        rows(users, not_deleted(users) & suspect, LINE, SID, "grades"), student_ids(export), SID
    )
    # Only a value with a comma can hold several grades (or none: ","); split just those.
    listed = students.filter(pl.col("grades").str.contains(",", literal=True)).with_columns(
        pl.col("grades")
        .str.split(",")
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.len()
        .alias("count")
    )
    common = {"file": users.path, "column": "grades"}
    none = pl.concat(
        [students.filter(blank("grades")), listed.filter(pl.col("count") == 0).drop("count")]
    )
    out.add(
        NO_GRADE,
        none.select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col("grades").alias("value"),
            pl.format("student '{}' has no grade.", SID).alias("message"),
        ),
        **common,
    )
    several = listed.filter(pl.col("count") > 1)
    out.add(
        SEVERAL_GRADES,
        several.select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col("grades").alias("value"),
            pl.format(
                "student '{}' has {} grades '{}'; a student has exactly one.",
                SID,
                "count",
                "grades",
            ).alias("message"),
        ),
        **common,
    )


def _without_enrollments(export: Export, out: Findings) -> None:
    users = table(export, "users.csv", SID)
    enr = table(export, "enrollments.csv", "userSourcedId")
    if users is None or enr is None or not is_complete(enr):
        return
    # Compare the shared u64 hashes, not 7M strings: a student whose hash is absent is
    # certainly not enrolled, so every finding is exact; a collision could only hide one.
    enrolled = live_hashes(export, enr, "userSourcedId")
    absent = ~among(export.id_hash(users.name, SID), enrolled)
    # Lazy, so only the two columns are gathered (a truncated file: 400k of 18 columns).
    unenrolled = (
        users.df.lazy()
        .with_columns(absent.alias("_absent"))
        .filter(pl.col("_absent") & not_deleted(users))
        .select(LINE, SID)
        .collect()
    )

    def hits(part: pl.DataFrame) -> pl.DataFrame:
        return part.select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col(SID).alias("value"),
            pl.format("student '{}' has no enrollment.", SID).alias("message"),
        )

    # One hit per user row (a line): grouped before the messages are made (a truncated
    # enrollments file leaves 400k students without one at 1M).
    add_by_line(
        out,
        NO_ENROLLMENT,
        semi(unenrolled, student_ids(export), SID),
        hits,
        file=users.path,
        column=SID,
        related_file=enr.path,
        related_column="userSourcedId",
    )


def _agents(export: Export, out: Findings) -> None:
    users = table(export, "users.csv", SID, "agentSourcedIds")
    if users is None:
        return
    links = exploded(
        users.df.select(LINE, SID, "agentSourcedIds").filter(present("agentSourcedIds")),
        "agentSourcedIds",
        "agent",
    )
    if links.height == 0:
        return
    # A student's agents are parents, guardians or relatives, and theirs are students (§7).
    # Screen on u64 hashes first (a link whose ends' hashes fit certainly fits), then decide
    # the few remaining links exactly on the strings: grouping a million users' roles by
    # 36-character ids costs more than the rest of the rule.
    roles = user_roles(export)
    hs, ha = pl.col(SID).hash(seed=ID_HASH_SEED), pl.col("agent").hash(seed=ID_HASH_SEED)
    # Only the roles of users at either end of a link matter: select those rows first (a
    # million probes into a small set) rather than build sets of a million users' roles.
    ends = links.select(pl.concat([hs, ha]).unique()).to_series()
    user = user_role_hashes(export)
    mine = user.is_in(ends.implode())
    user, role = user.filter(mine), roles["role"].filter(mine)
    known = user.implode()
    students = user.filter(role.is_in(STUDENT_ROLES)).implode()
    agents = user.filter(role.is_in(AGENT_ROLES)).implode()
    may_fit = (hs.is_in(students) & ha.is_in(agents)) | (hs.is_in(agents) & ha.is_in(students))
    links = links.filter(hs.is_in(known) & ha.is_in(known) & ~may_fit)
    if links.height == 0:
        return
    involved = pl.concat([links[SID], links["agent"]]).unique().implode()
    kinds = (
        roles.filter(pl.col("userSourcedId").is_in(involved))
        .group_by("userSourcedId")
        .agg(
            pl.col("role").is_in(STUDENT_ROLES).any().alias("student"),
            pl.col("role").is_in(AGENT_ROLES).any().alias("agent"),
            pl.col("role").sort().str.join(", ").alias("roles"),
        )
    )
    src = kinds.rename(
        {"userSourcedId": SID, "student": "s_student", "agent": "s_agent", "roles": "s_roles"}
    )
    dst = kinds.rename(
        {"userSourcedId": "agent", "student": "a_student", "agent": "a_agent", "roles": "a_roles"}
    )
    pairs = links.join(src, on=SID, how="inner").join(dst, on="agent", how="inner")
    fits = (pl.col("s_student") & pl.col("a_agent")) | (pl.col("s_agent") & pl.col("a_student"))
    hits = pairs.filter(~fits).select(
        pl.col(LINE).alias("line"),
        pl.col(SID).alias("sourced_id"),
        pl.col("agent").alias("value"),
        pl.col("agent").alias("related_value"),
        pl.format(
            "agent '{}' of {} '{}' has role {}; agents link students with parents,"
            " guardians or relatives.",
            "agent",
            "s_roles",
            SID,
            "a_roles",
        ).alias("message"),
    )
    out.add(
        AGENT_ROLE,
        hits,
        file=users.path,
        column="agentSourcedIds",
        related_file=users.path,
        related_column=SID,
    )


def run(export: Export, out: Findings) -> None:
    _grades(export, out)
    _without_enrollments(export, out)
    _agents(export, out)
