"""OneRoster 1.2 roles.csv against users.csv (§6.3).

"Every user has a role" and "the primary org is among the roles" need the whole role set,
so they only run when roles.csv is bulk.

A million users have a million roles: the users are screened on u64 id hashes
(Export.id_hash: a hash not among the roles' is certainly not there, as in
common.absent) and only the few candidates are compared on the strings, instead of
grouping and joining a million strings per rule (docs/performance.md, branch checkspeed).
"""

from __future__ import annotations

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import LINE, Export, Table
from roster_lint.validate.crossfile.common import (
    SID,
    combined,
    id_hash,
    is_complete,
    live,
    live_hashes,
    not_deleted,
    present,
    quote_list,
    repeated,
    row_hash,
    rows,
    table,
)

NO_ROLE = "RL270"
NO_PRIMARY_ROLE = "RL271"
SEVERAL_PRIMARY_ROLES = "RL272"
DUPLICATE_ROLE = "RL273"
PRIMARY_ORG_NOT_IN_ROLES = "RL274"


def _live_users(export: Export, users: Table, screen: pl.Series) -> pl.Series:
    """`screen` over users.csv's rows, less the `tobedeleted` ones."""
    keep = live(export, users)
    return screen if keep is None else screen & keep


def _user_level(export: Export, out: Findings) -> None:
    users = table(export, "users.csv", SID)
    roles = table(export, "roles.csv", "userSourcedId", "roleType")
    if users is None or roles is None or not is_complete(roles):
        return
    # A user whose hash is among the live primary roles' certainly has a primary role
    # unless the hashes collide: only the others (and null ids, which match nothing) are
    # candidates, and their roles are counted on the strings.
    primary = (pl.col("roleType") == "primary") & pl.col("userSourcedId").is_not_null()
    hashes = live_hashes(export, roles, "userSourcedId", primary)
    screen = users.df.get_column(SID).is_null() | ~id_hash(export, users.name, SID).is_in(
        hashes.implode()
    )
    cand = users.df.select(LINE, SID).filter(_live_users(export, users, screen))
    ids = cand.get_column(SID).drop_nulls().unique().implode()
    mine = rows(
        roles, not_deleted(roles) & pl.col("userSourcedId").is_in(ids), "userSourcedId", "roleType"
    )
    counts = mine.group_by("userSourcedId").agg(
        pl.len().alias("rows"), (pl.col("roleType") == "primary").sum().alias("primaries")
    )
    joined = cand.join(counts, left_on=SID, right_on="userSourcedId", how="left")
    common = {
        "file": users.path,
        "column": SID,
        "related_file": roles.path,
        "related_column": "userSourcedId",
    }
    for rule, cond, text in (
        (NO_ROLE, pl.col("rows").is_null(), "user '{}' has no row in roles.csv."),
        (
            NO_PRIMARY_ROLE,
            # null: no roles.csv row at all (left join), which is NO_ROLE's finding.
            (pl.col("primaries") == 0).fill_null(False),
            "user '{}' has roles but none with roleType primary.",
        ),
    ):
        hits = joined.filter(cond).select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col(SID).alias("value"),
            pl.format(text, SID).alias("message"),
        )
        out.add(rule, hits, **common)


def _several_primary(export: Export, out: Findings) -> None:
    roles = table(export, "roles.csv", "userSourcedId", "roleType")
    if roles is None:
        return
    sid = pl.col(SID) if roles.has(SID) else pl.lit(None, pl.String())
    primary = rows(
        roles,
        not_deleted(roles) & (pl.col("roleType") == "primary"),
        LINE,
        sid.alias("sourced_id"),
        "userSourcedId",
    )
    # The users with more than one, found on hashes and verified (common.repeated), are
    # the only ones grouped: a list of ids for each of a million users cost seconds.
    primary = repeated(primary, pl.col("userSourcedId")).drop("key")
    groups = (
        primary.group_by("userSourcedId")
        .agg(pl.len().alias("n"), pl.col("sourced_id").sort().alias("ids"))
        .filter(pl.col("n") > 1)
    )
    hits = primary.join(groups, on="userSourcedId", how="inner").select(
        pl.col(LINE).alias("line"),
        "sourced_id",
        pl.lit("primary").alias("value"),
        pl.col("userSourcedId").alias("related_value"),
        pl.format(
            "user '{}' has {} primary roles ({}); exactly one is expected.",
            "userSourcedId",
            "n",
            quote_list(pl.col("ids")),
        ).alias("message"),
    )
    out.add(
        SEVERAL_PRIMARY_ROLES,
        hits,
        file=roles.path,
        column="roleType",
        related_file="users.csv",
        related_column=SID,
    )


def _duplicates(export: Export, out: Findings) -> None:
    roles = table(export, "roles.csv", "userSourcedId", "role", "orgSourcedId")
    if roles is None:
        return
    sid = pl.col(SID) if roles.has(SID) else pl.lit(None, pl.String())
    df = rows(
        roles,
        not_deleted(roles),
        LINE,
        sid.alias("sourced_id"),
        "userSourcedId",
        "role",
        "orgSourcedId",
    )
    cols = ("userSourcedId", "role", "orgSourcedId")
    dups = repeated(df, pl.struct(*cols), hashed=row_hash(df, *cols))
    if dups.height == 0:
        return
    n = dups.group_by("key").agg(pl.len().alias("n"))
    hits = dups.join(n, on="key", how="left").select(
        pl.col(LINE).alias("line"),
        "sourced_id",
        pl.col("role").alias("value"),
        pl.format(
            "user '{}' has role {} at org '{}' on {} rows.",
            "userSourcedId",
            "role",
            "orgSourcedId",
            "n",
        ).alias("message"),
    )
    out.add(DUPLICATE_ROLE, hits, file=roles.path, column="role")


def _primary_org(export: Export, out: Findings) -> None:
    users = table(export, "users.csv", SID, "primaryOrgSourcedId")
    roles = table(export, "roles.csv", "userSourcedId", "orgSourcedId")
    if users is None or roles is None or not is_complete(roles):
        return
    # Only users whose (id, primary org) hash is not among the live roles' (id, org)
    # hashes can lack the pair (a hash that is absent is certainly absent); those few are
    # compared on the strings as before.
    with_org = present("orgSourcedId")
    role_pairs = combined(
        [
            live_hashes(export, roles, "userSourcedId", with_org),
            live_hashes(export, roles, "orgSourcedId", with_org),
        ]
    )
    user_pairs = combined(
        [id_hash(export, users.name, SID), id_hash(export, users.name, "primaryOrgSourcedId")]
    )
    screen = ~user_pairs.is_in(role_pairs.implode())
    screen &= users.df.select(present("primaryOrgSourcedId").fill_null(False)).to_series()
    cand = users.df.select(LINE, SID, "primaryOrgSourcedId").filter(
        _live_users(export, users, screen)
    )
    ids = cand.get_column(SID).drop_nulls().unique().implode()
    pairs = rows(
        roles,
        not_deleted(roles) & with_org & pl.col("userSourcedId").is_in(ids),
        pl.col("userSourcedId").alias(SID),
        pl.col("orgSourcedId").alias("primaryOrgSourcedId"),
    )
    hits = (
        cand.join(pairs.select(SID), on=SID, how="semi")
        .join(pairs, on=[SID, "primaryOrgSourcedId"], how="anti")
        .select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col("primaryOrgSourcedId").alias("value"),
            pl.col(SID).alias("related_value"),
            pl.format(
                "primaryOrgSourcedId '{}' is not the org of any role of user '{}'.",
                "primaryOrgSourcedId",
                SID,
            ).alias("message"),
        )
    )
    out.add(
        PRIMARY_ORG_NOT_IN_ROLES,
        hits,
        file=users.path,
        column="primaryOrgSourcedId",
        related_file=roles.path,
        related_column="userSourcedId",
    )


def run(export: Export, out: Findings) -> None:
    _user_level(export, out)
    _several_primary(export, out)
    _duplicates(export, out)
    _primary_org(export, out)
