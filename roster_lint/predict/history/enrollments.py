"""--previous for enrollments: unchanged pairs, SK-E2 class transfers, SK-E4 retained
enrollments."""

from __future__ import annotations

import polars as pl

from roster_lint.predict import kernel
from roster_lint.predict.encode import STR, detail, piece
from roster_lint.predict.history.common import _gone
from roster_lint.predict.history.pairs import Pairs
from roster_lint.predict.model import ACTION
from roster_lint.predict.rules.history import MOVED


def enrollments_vs_previous(
    e: pl.DataFrame, pairs: Pairs | None, student_role: str
) -> pl.DataFrame:
    """enroll -> unchanged (the same user was enrolled in the same class: matched on
    (class, user), whatever the record's sourcedId) or transfer (SK-E2: same student, same
    course, another class)."""
    if pairs is None:
        return e.with_columns(pl.lit(None, STR).alias("from_class"))
    # The engine's text reasons are one chunk, every other column the loader's chunks:
    # each frame operation below (and the plan's after it, on the frame returned) would
    # copy all columns into one chunk first; cut into the same chunks once (zero-copy).
    like = e["eid"]
    e = pl.DataFrame([kernel.chunked_like(c, like) for c in e.get_columns()])
    had = kernel.chunked_like(pairs.had.alias("_had"), like)
    # The student's previous class in the same course, if they are no longer enrolled there.
    before = (
        pairs.was.filter((pl.col("role") == student_role) & ~pairs.still_enrolled)
        .select("uid", "course", pl.col("cid").alias("from_class"))
        .unique(["uid", "course"], keep="first", maintain_order=True)
    )
    # Only an enrolled student whose (class, user) is new can have moved: those few rows
    # are looked up (a left join of every row copied all of the frame's columns).
    could = e.select(
        ((pl.col("action") == "enroll") & (pl.col("role") == student_role)).fill_null(False)
    ).to_series()
    at = pl.arg_where(could & ~pairs.had, eager=True)
    from_class = pl.repeat(None, e.height, dtype=pairs.was["cid"].dtype, eager=True)
    found = None
    if at.len() and before.height:
        found = e.select("uid", "course")[at].join(
            before, on=["uid", "course"], how="left", maintain_order="left"
        )["from_class"]
        from_class = from_class.scatter(at, found)
    from_class = kernel.chunked_like(from_class.alias("from_class"), e["eid"])
    enrolled = pl.col("action") == "enroll"
    moved = pl.col("_moved")
    made = [
        pl.when(enrolled & pl.col("_had"))
        .then(pl.lit("unchanged", ACTION))
        .when(moved)
        .then(pl.lit("transfer", ACTION))
        .otherwise(pl.col("action"))
        .alias("action"),
        pl.when(moved)
        .then(kernel.append(pl.col("reasons"), MOVED["enrollment"]))
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
    ]
    if found is None or found.null_count() == found.len():
        # Nobody moved (an export diffed with the next, usually): the reasons (7M
        # strings) as they are.
        moved, made = pl.lit(False), made[:1]
    flags = e.hstack([had, kernel.chunked_like(from_class.is_not_null().alias("_moved"), like)])
    # Made in the frame's chunks (a `when` gives one chunk: see above).
    return e.with_columns(kernel.aligned(flags, made)).hstack([from_class])


def retained_enrollments(
    e: pl.DataFrame, pairs: Pairs | None, path: str, *, with_detail: bool = True
) -> pl.DataFrame | None:
    """SK-E4: a (class, user) enrolled before and no longer shared does not unenroll; a
    transfer's old class is not kept.  A record whose pair is still shared under a new
    sourcedId is the same enrollment, not a dropped one (issue 13 item 7).
    with_detail=False: a null detail (build_plan's actions_only does not read it)."""
    if pairs is None:
        return None
    # Whether a pair is shared holds for all its rows: filtering first keeps the same
    # first row per pair as deduplicating first.
    gone = pairs.was.filter(~pairs.shared).unique(["cid", "uid"], keep="first", maintain_order=True)
    # The two columns first: a filter of `e` copies every column it has.
    moved = (
        e.select("uid", pl.col("from_class").alias("cid"), "action")
        .filter(pl.col("action") == "transfer")
        .drop("action")
    )
    gone = gone.join(moved, on=["uid", "cid"], how="anti", maintain_order="left")
    if gone.height:  # none gone (every pair still shared): no id of today's to probe
        # A record still shared under its sourcedId (now another class or user) has
        # today's action under that id: one action per id.  The few gone ids are probed
        # with today's.
        reused = e.select("eid").join(gone.select("eid"), on="eid", how="semi")
        gone = gone.join(reused, on="eid", how="anti", maintain_order="left")
    return gone.select(
        pl.lit("enrollment").alias("entity"),
        pl.col("eid").alias("id"),
        *_gone("enrollment")[:2],
        (
            detail([piece("class", pl.col("cid")), piece("user", pl.col("uid"))])
            if with_detail
            else pl.lit(None, STR)
        ).alias("detail"),
        "school",
        pl.lit(None, STR).alias("file"),
        pl.lit(None, pl.Int64()).alias("line"),
        *_gone("enrollment")[2:],
    )
