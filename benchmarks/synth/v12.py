"""OneRoster 1.2 from a 1.1 export in memory: roles move out of users.csv into roles.csv.

1.1's single `administrator` becomes `principal` (the first administrator of each school),
`siteAdministrator` (the others) or `districtAdministrator` (an administrator of the
district org).  The first principal also gets a secondary districtAdministrator role, so
every 1.2 role the Summit K12 profile has to map appears at least once.
"""

from __future__ import annotations

import polars as pl

from benchmarks.synth.model import TAG, Roster
from roster_lint.spec import oneroster

# Planted defects about a user's orgs live in roles.csv in 1.2.
ORG_KINDS = (
    "user-org-missing",
    "id-whitespace",
    "user-multiple-schools",
    "district-admin-needs-request",
)


def _roles(users: pl.DataFrame, district: str) -> pl.DataFrame:
    has_tag = TAG in users.columns
    u = users.select(
        "sourcedId",
        "role",
        "orgSourcedIds",
        pl.col(TAG) if has_tag else pl.lit(None, pl.String).alias(TAG),
    ).with_row_index("__u")
    r = u.with_columns(org=pl.col("orgSourcedIds").str.split(",")).explode("org")
    r = r.with_columns(k=pl.int_range(pl.len()).over("__u"))
    admin = pl.col("role") == "administrator"
    first_admin = pl.int_range(pl.len()).over("org", pl.col("role")) == 0
    role = (
        pl.when(admin & (pl.col("org") == district))
        .then(pl.lit("districtAdministrator"))
        .when(admin & first_admin)
        .then(pl.lit("principal"))
        .when(admin)
        .then(pl.lit("siteAdministrator"))
        .otherwise(pl.col("role"))
    )
    r = r.with_columns(
        role=role,
        roleType=pl.when(pl.col("k") == 0).then(pl.lit("primary")).otherwise(pl.lit("secondary")),
    )
    kind = pl.col(TAG).str.split(":").list.first()
    keep = kind.is_in(ORG_KINDS) & ((kind != "user-multiple-schools") | (pl.col("k") > 0))
    r = r.with_columns(pl.when(keep).then(pl.col(TAG)).alias(TAG))
    extra = (
        r.filter(pl.col("role") == "principal")
        .head(1)
        .with_columns(
            org=pl.lit(district),
            role=pl.lit("districtAdministrator"),
            roleType=pl.lit("secondary"),
            k=pl.lit(1, pl.Int64),
        )
        .with_columns(pl.lit(None, pl.String).alias(TAG))
    )
    r = pl.concat([r, extra]).sort("__u", "k", maintain_order=True)
    out = r.select(
        sourcedId=pl.concat_str("sourcedId", pl.lit("-"), "org"),
        status=pl.lit(None, pl.String),
        dateLastModified=pl.lit(None, pl.String),
        userSourcedId="sourcedId",
        roleType="roleType",
        role="role",
        beginDate=pl.lit(""),
        endDate=pl.lit(""),
        orgSourcedId="org",
        userProfileSourcedId=pl.lit(""),
    )
    return out.with_columns(r[TAG]) if has_tag else out


def to_v12(roster: Roster) -> Roster:
    t = dict(roster.tables)
    users = t["users.csv"]
    district = t["orgs.csv"].filter(pl.col("type") == "district")["sourcedId"]
    t["roles.csv"] = _roles(users, district[0] if district.len() else "")
    header = oneroster().files["users.csv"].header("1.2")
    first_org = pl.col("orgSourcedIds").str.split(",").list.first()
    extra = {
        "userMasterIdentifier": pl.col("identifier"),
        "resourceSourcedIds": pl.lit(None, pl.String),
        "preferredGivenName": pl.lit(""),
        "preferredMiddleName": pl.lit(""),
        "preferredFamilyName": pl.lit(""),
        "primaryOrgSourcedId": first_org,
        "pronouns": pl.lit(""),
    }
    cols = [extra[c].alias(c) if c in extra else pl.col(c) for c in header]
    if TAG in users.columns:
        kind = pl.col(TAG).str.split(":").list.first()
        cols.append(pl.when(~kind.is_in(ORG_KINDS)).then(pl.col(TAG)).alias(TAG))
    t["users.csv"] = users.select(cols)
    return Roster(version="1.2", tables=t, manifest_extra=roster.manifest_extra)
