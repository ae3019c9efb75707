"""--previous for classes: existing classes unchanged or updated, kept without their
primary teacher (not documented), and classes no longer shared."""

from __future__ import annotations

import polars as pl

from roster_lint.predict import kernel
from roster_lint.predict.encode import STR, detail, not_documented
from roster_lint.predict.history.common import _gone
from roster_lint.predict.model import ACTION
from roster_lint.predict.registry import load_registry
from roster_lint.predict.rules.history import GONE

# A class's values the sync reads: a change of one is an update of the existing class.
CLASS_SIG = ["status", "title", "grades", "course", "school"]
EXISTED = ("create", "split")  # the previous export's classes that exist on Summit K12


def classes_vs_previous(classes: pl.DataFrame, prev: pl.DataFrame | None) -> pl.DataFrame:
    """create -> unchanged / update for the classes the previous export created (issue 11:
    what exists already is not created again); a split class that was split already is
    unchanged or updated too (a class split today for the first time stays `split`).

    An existing class that has no primary teacher now (SK-C3 governs creation only; the
    article is silent on an existing class): the profile's not-documented choice
    `existing-class-without-primary-teacher` keeps it, without the skip reason, and
    `_nd_existing` marks it for its detail, the plan's notes and its enrollments."""
    flag = pl.lit(False).alias("_nd_existing")
    if prev is None or classes.height == 0:
        return classes.with_columns(flag)
    sig = pl.struct(CLASS_SIG).hash()
    had = (
        prev.filter(pl.col("action").is_in(EXISTED))
        .unique("cid", keep="first")
        .select("cid", pl.col("action").alias("_pact"), sig.alias("_psig"))
    )
    out = classes.join(had, on="cid", how="left", maintain_order="left")
    existed = pl.col("_pact").is_not_null()
    no_teacher = load_registry().entry("class", SET_ASIDE[ND_EXISTING]).reason
    kept = existed & (pl.col("action") == "skip") & (pl.col("reasons") == no_teacher)
    again = existed & (
        (pl.col("action") == "create")
        | ((pl.col("action") == "split") & (pl.col("_pact") == "split"))
    )
    same = (sig == pl.col("_psig")).fill_null(False)
    action = (
        pl.when((again | kept) & same)
        .then(pl.lit("unchanged", ACTION))
        .when(again | kept)
        .then(pl.lit("update", ACTION))
        .otherwise(pl.col("action"))
    )
    return out.with_columns(
        action.alias("action"),
        pl.when(kept).then(pl.lit("", STR)).otherwise(pl.col("reasons")).alias("reasons"),
        pl.when(kept)
        .then(_with_not_documented(pl.col("detail"), ND_EXISTING))
        .otherwise(pl.col("detail"))
        .alias("detail"),
        kept.alias("_nd_existing"),
    ).drop("_pact", "_psig")


ND_EXISTING = "existing-class-without-primary-teacher"
# Not-documented choice -> the reason it sets aside (the record is kept though that reason
# holds): `why` shows that reason's step as not judged (null), with the choice, from the
# plan's detail.
SET_ASIDE = {ND_EXISTING: "class-without-primary-teacher"}


def _with_not_documented(detail_json: pl.Expr, name: str) -> pl.Expr:
    """A detail JSON object (canonical, sorted keys) with one more not-documented choice."""
    key = '"not_documented":["'
    return (
        pl.when(detail_json.str.contains(key, literal=True))
        .then(detail_json.str.replace(key, key + name + '","', literal=True))
        .when(detail_json == "{}")
        .then(pl.lit("{" + key + name + '"]}', STR))
        .otherwise(detail_json.str.strip_suffix("}") + pl.lit("," + key + name + '"]}', STR))
    )


def kept_class_enrollments(
    e: pl.DataFrame, classes: pl.DataFrame, skips: tuple[str, ...]
) -> pl.DataFrame:
    """The enrollments of a class kept by `existing-class-without-primary-teacher` are
    decided as in any existing class: `enrollment-class-not-created` no longer holds
    (its bit in the reasons mask `_m` is cleared), so one with no other skip reason is
    enrolled (or unenrolled when shared as tobedeleted); `_nd_existing` labels them."""
    kept = classes.filter(pl.col("_nd_existing"))["cid"] if "_nd_existing" in classes else None
    if kept is None or kept.len() == 0:
        none = pl.repeat(False, e.height, dtype=pl.Boolean, eager=True).alias("_nd_existing")
        return e.hstack([kernel.chunked_like(none, e["eid"])])
    name = load_registry().entry("enrollment", "enrollment-class-not-created").reason
    bit = pl.lit(1 << skips.index(name), pl.UInt16)
    skip_bits = pl.lit((1 << len(skips)) - 1, pl.UInt16)
    in_kept = pl.col("cid").is_in(kept.implode()) & ((pl.col("_m") & bit) != 0)
    m = pl.when(in_kept).then(pl.col("_m") & ~bit).otherwise(pl.col("_m")).cast(pl.UInt16)
    action = (
        pl.when(~in_kept)
        .then(pl.col("action"))
        .when((m & skip_bits) != 0)
        .then(pl.lit("skip", ACTION))
        .when(m != 0)
        .then(pl.lit("unenroll", ACTION))
        .otherwise(pl.lit("enroll", ACTION))
    )
    # The class exists on Summit K12 (what later stages read of it, e.g. the teacher notes).
    exists = pl.when(pl.col("cid").is_in(kept.implode())).then(pl.lit("unchanged", ACTION))
    made = kernel.aligned(
        e,
        [
            m.alias("_m"),
            action.alias("action"),
            in_kept.alias("_nd_existing"),
            exists.otherwise(pl.col("class_action")).alias("class_action"),
        ],
    )
    return e.with_columns(made)


def retained_classes(classes: pl.DataFrame, prev: pl.DataFrame | None) -> pl.DataFrame | None:
    """Not documented: a class no longer shared is kept (no deletion is documented)."""
    if prev is None:
        return None
    was = prev.filter(pl.col("action").is_in(["create", "split"]))
    gone = was.join(classes.select("cid"), on="cid", how="anti", maintain_order="left")
    nd_class = load_registry().entry("class", GONE["class"]).not_documented
    return gone.select(
        pl.lit("class").alias("entity"),
        pl.col("cid").alias("id"),
        *_gone("class")[:2],
        detail([not_documented([(nd_class, pl.lit(True))])]).alias("detail"),
        "school",
        pl.lit(None, STR).alias("file"),
        pl.lit(None, pl.Int64()).alias("line"),
        *_gone("class")[2:],
    )
