"""Org hierarchy and NCES-shaped identifiers (OneRoster §5.1, §10.3).

A missing parent is the reference rules' finding, not repeated here.
"""

from __future__ import annotations

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import LINE, Export
from roster_lint.validate.crossfile.common import SID, present, repeated, table
from roster_lint.validate.crossfile.hierarchy import PARENT, cycle_hits

CYCLE = "RL250"
SCHOOL_PARENT = "RL251"
NCES_LENGTH = "RL252"
DUPLICATE_IDENTIFIER = "RL254"

NCES_DIGITS = {"school": 12, "district": 7}


def _cycles(export: Export, out: Findings) -> None:
    orgs = table(export, "orgs.csv", SID, PARENT)
    if orgs is None:
        return
    out.add(
        CYCLE,
        cycle_hits(orgs, "org"),
        file=orgs.path,
        column=PARENT,
        related_file=orgs.path,
        related_column=SID,
    )


def _school_parent(export: Export, out: Findings) -> None:
    orgs = table(export, "orgs.csv", SID, "type", "parentSourcedId")
    if orgs is None:
        return
    types = orgs.df.select(
        pl.col(SID).alias("parentSourcedId"), pl.col("type").alias("parentType")
    ).unique(subset="parentSourcedId", keep="first")
    schools = orgs.df.filter(pl.col("type") == "school").join(
        types, on="parentSourcedId", how="left"
    )
    no_parent = pl.format(
        "school '{}' has no parentSourcedId; a school's parent is normally its district", SID
    )
    # With a single district in the file, that is almost certainly the parent meant.
    districts = orgs.df.filter(pl.col("type") == "district")[SID].unique().to_list()
    if len(districts) == 1:
        no_parent = no_parent + pl.lit(f" ('{districts[0]}'?).")
    else:
        no_parent = no_parent + pl.lit(".")
    wrong = pl.format(
        "school '{}' has parent '{}' of type {}, not a district.",
        SID,
        "parentSourcedId",
        "parentType",
    )
    hits = schools.filter(
        ~present("parentSourcedId") | (present("parentType") & (pl.col("parentType") != "district"))
    ).select(
        pl.col(LINE).alias("line"),
        pl.col(SID).alias("sourced_id"),
        pl.col("parentSourcedId").alias("value"),
        pl.when(present("parentSourcedId")).then(wrong).otherwise(no_parent).alias("message"),
    )
    out.add(SCHOOL_PARENT, hits, file=orgs.path, column="parentSourcedId")


def _nces(export: Export, out: Findings) -> None:
    orgs = table(export, "orgs.csv", SID, "type", "identifier")
    if orgs is None:
        return
    digits = pl.col("identifier").str.contains(r"^[0-9]+$")
    want = pl.col("type").replace_strict(NCES_DIGITS, default=None, return_dtype=pl.Int64())
    length = pl.col("identifier").str.len_chars()
    hits = (
        orgs.df.with_columns(want.alias("want"))
        .filter(pl.col("want").is_not_null() & digits & (length != pl.col("want")))
        .select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col("identifier").alias("value"),
            pl.format(
                "{} identifier '{}' has {} digits; an NCES {} ID has {}.",
                "type",
                "identifier",
                length,
                "type",
                "want",
            ).alias("message"),
        )
    )
    out.add(NCES_LENGTH, hits, file=orgs.path, column="identifier")
    # A school's NCES ID under another district's: RL331 (the profile's SK-X4 finding,
    # which retired RL253 here: one rule per cell).


def _duplicate_identifiers(export: Export, out: Findings) -> None:
    orgs = table(export, "orgs.csv", SID, "identifier")
    if orgs is None:
        return
    dups = repeated(orgs.df.filter(present("identifier")), pl.col("identifier"))
    if dups.height == 0:
        return
    ids = dups.group_by("key").agg(pl.col(SID).sort().str.join("', '").alias("ids"))
    hits = dups.join(ids, on="key", how="left").select(
        pl.col(LINE).alias("line"),
        pl.col(SID).alias("sourced_id"),
        pl.col("identifier").alias("value"),
        pl.format("identifier '{}' is shared by orgs '{}'.", "identifier", "ids").alias("message"),
    )
    out.add(DUPLICATE_IDENTIFIER, hits, file=orgs.path, column="identifier")


def run(export: Export, out: Findings) -> None:
    _cycles(export, out)
    _school_parent(export, out)
    _nces(export, out)
    _duplicate_identifiers(export, out)
