"""Schools: sync when the school has an NCES ID (SK-A5, SK-F3); the status of every org id
a user or class can point at."""

from __future__ import annotations

import polars as pl

from roster_lint.predict import rstr
from roster_lint.predict.encode import STR, detail, piece
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.model import ACTION
from roster_lint.predict.profile import Profile

# How a user's or class's org reference resolves (engine-internal vocabulary).
SYNC, NO_NCES, NOT_SCHOOL, BROKEN = "sync", "no-nces", "not-a-school", "broken"


def decide_orgs(inp: Inputs, profile: Profile) -> pl.DataFrame:
    """One row per org id: oid, name, type, nces, status, is_school, reasons, detail, line."""
    nces = profile.nces
    srcs = [c for c in inp.orgs.columns if c.startswith("nces_")]
    pattern = nces["pattern"]
    school_types = profile.accounts["school_org_types"]
    broken = inp.broken("orgs.csv")
    orgs = inp.orgs.unique("oid", keep="first", maintain_order=True)
    candidates = [_matching(c, pattern) for c in srcs]
    orgs = orgs.with_columns(
        (pl.coalesce(candidates) if candidates else pl.lit(None, STR)).alias("nces"),
        (pl.col("type").is_in(school_types) | pl.lit(broken)).alias("is_school"),
    )
    # SK-X4 (older engine): the NCES ID had to start with the district's 7-digit NCES ID.
    district = orgs.select(
        pl.col("oid").alias("parent"),
        pl.coalesce(
            [_matching(c, nces["district_pattern"]) for c in srcs] or [pl.lit(None, STR)]
        ).alias("district_nces"),
    )
    orgs = orgs.join(district, on="parent", how="left", maintain_order="left").with_columns(
        (
            pl.col("nces").is_not_null()
            & pl.col("district_nces").is_not_null()
            & ~pl.col("nces").str.starts_with(pl.col("district_nces").fill_null(""))
        ).alias("outside_district")
    )
    status = (
        pl.when(pl.lit(broken))
        .then(pl.lit(BROKEN))
        .when(~pl.col("is_school"))
        .then(pl.lit(NOT_SCHOOL))
        .when(pl.col("nces").is_null())
        .then(pl.lit(NO_NCES))
        .otherwise(pl.lit(SYNC))
    )
    orgs = orgs.with_columns(status.alias("status"))
    return orgs.with_columns(
        rstr.joined(
            [
                ("header-breaks-sync", pl.col("status") == BROKEN),
                ("school-missing-nces-id", pl.col("status") == NO_NCES),
                ("school-nces-outside-district", pl.col("outside_district")),
            ]
        ).alias("reasons"),
        detail([piece("nces_id", pl.col("nces"), pl.col("nces").is_not_null())]).alias("detail"),
    )


def school_actions(orgs: pl.DataFrame, path: str) -> pl.DataFrame:
    schools = orgs.filter(pl.col("is_school"))
    return schools.select(
        pl.lit("school").alias("entity"),
        pl.col("oid").alias("id"),
        pl.when(pl.col("status") == SYNC)
        .then(pl.lit("sync", ACTION))
        .otherwise(pl.lit("skip", ACTION))
        .alias("action"),
        "reasons",
        "detail",
        pl.col("oid").alias("school"),
        pl.lit(path, STR).alias("file"),
        "line",
        rstr.first(pl.col("reasons")).alias("root_reason"),
        pl.lit("school").alias("root_entity"),
        pl.col("oid").alias("root_id"),
    ).with_columns(
        pl.when(pl.col("root_reason") == "header-breaks-sync")
        .then(pl.lit("file"))
        .otherwise(pl.col("root_entity"))
        .alias("root_entity"),
        pl.when(pl.col("root_reason") == "header-breaks-sync")
        .then(pl.lit(path, STR))
        .otherwise(pl.col("root_id"))
        .alias("root_id"),
    )


def _matching(column: str, pattern: str) -> pl.Expr:
    """The column's value where it matches the pattern, else null."""
    return pl.when(pl.col(column).str.contains(pattern)).then(pl.col(column)).otherwise(None)
