"""Schools: sync when the school has an NCES ID (SK-A5, SK-F3); the status of every org id
a user or class can point at."""

from __future__ import annotations

import polars as pl

from roster_lint.predict import kernel, roots
from roster_lint.predict.encode import STR, detail, not_documented, piece
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.model import ACTION
from roster_lint.predict.profile import Profile
from roster_lint.predict.registry import load_registry
from roster_lint.predict.rules import schools as school_rules
from roster_lint.predict.rules.schools import BAD_TYPE, BROKEN, NO_NCES, NOT_SCHOOL, SYNC

__all__ = [
    "BAD_TYPE",
    "BROKEN",
    "NOT_SCHOOL",
    "NO_NCES",
    "SYNC",
    "decide_orgs",
    "school_actions",
]


def decide_orgs(inp: Inputs, profile: Profile) -> pl.DataFrame:
    """One row per org id: oid, name, type, nces, status, is_school, reasons, detail, line."""
    nces = profile.nces
    srcs = [c for c in inp.orgs.columns if c.startswith("nces_")]
    pattern = f"{nces.pattern}|{nces.private_pattern}"
    school_types = profile.accounts.school_org_types
    broken = inp.broken("orgs.csv")
    orgs = inp.orgs.unique("oid", keep="first", maintain_order=True).with_columns(
        (pl.col("status") == profile.records.delete_status).alias("_deleted")
    )
    candidates = [_matching(c, pattern) for c in srcs]
    exact = pl.col("type").is_in(school_types)
    # A school type in another case (`School`) is listed as a school that is skipped for
    # its type (org-type-invalid), not as a school without an NCES ID.
    other_case = ~exact & pl.col("type").str.to_lowercase().is_in([t.lower() for t in school_types])
    # A broken header (SK-F1) skips every org, but only schools are counted as schools:
    # where the type cannot be read (its column is misspelt or missing: blank here), an org
    # that is another org's parent is taken for the district, the others for schools.
    parents = inp.orgs["parent"].filter(inp.orgs["parent"] != "").unique().implode()
    unknown_type = (pl.col("type") == "") & ~pl.col("oid").is_in(parents)
    orgs = orgs.with_columns(
        (pl.coalesce(candidates) if candidates else pl.lit(None, STR)).alias("nces"),
        (exact | other_case | (pl.lit(broken) & unknown_type)).fill_null(False).alias("is_school"),
        other_case.fill_null(False).alias("_bad_type"),
    )
    # SK-X4 (older engine): the NCES ID had to start with the district's 7-digit NCES ID.
    district = orgs.select(
        pl.col("oid").alias("parent"),
        pl.coalesce(
            [_matching(c, nces.district_pattern) for c in srcs] or [pl.lit(None, STR)]
        ).alias("district_nces"),
    )
    private = pl.col("nces").str.contains(nces.private_pattern).fill_null(False)
    orgs = orgs.join(district, on="parent", how="left", maintain_order="left").with_columns(
        private.alias("_private_nces"),
        (
            # A PSS private-school id has no district prefix to start with.
            ~private
            & pl.col("nces").is_not_null()
            & pl.col("district_nces").is_not_null()
            & ~pl.col("nces").str.starts_with(pl.col("district_nces").fill_null(""))
        ).alias("outside_district"),
    )
    status = (
        pl.when(pl.lit(broken))
        .then(pl.lit(BROKEN))
        .when(~pl.col("is_school"))
        .then(pl.lit(NOT_SCHOOL))
        .when(pl.col("_bad_type"))
        .then(pl.lit(BAD_TYPE))
        .when(pl.col("nces").is_null())
        .then(pl.lit(NO_NCES))
        .otherwise(pl.lit(SYNC))
    )
    orgs = orgs.with_columns(status.alias("status"))
    cond = school_rules.conditions()
    entries = load_registry().of("school")
    # Every school note is shown with its skips too: one list, in precedence order.
    assert all(e.shown_on_skip for e in entries if e.effect == "note")
    return orgs.with_columns(
        kernel.joined([(e.reason, cond[e.reason]) for e in entries]).alias("reasons"),
        detail(
            [
                piece("nces_id", pl.col("nces"), pl.col("nces").is_not_null()),
                not_documented(school_nd()),
            ]
        ).alias("detail"),
    )


def school_nd() -> list[tuple[str, pl.Expr]]:
    """The not-documented choices a school's detail names."""
    return [
        ("record-tobedeleted", pl.col("_deleted")),
        ("org-type-other-case", pl.col("_bad_type") & pl.col("is_school")),
        ("nces-private-school-id", pl.col("_private_nces")),
    ]


def school_actions(orgs: pl.DataFrame, path: str) -> pl.DataFrame:
    schools = orgs.filter(pl.col("is_school"))
    entity, ident, reason = roots.root(
        "school", kernel.first(pl.col("reasons")), {"_file": pl.lit(path, STR)}
    )
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
        reason.alias("root_reason"),
        entity.alias("root_entity"),
        ident.alias("root_id"),
    )


def _matching(column: str, pattern: str) -> pl.Expr:
    """The column's value where it matches the pattern, else null."""
    return pl.when(pl.col(column).str.contains(pattern)).then(pl.col(column)).otherwise(None)
