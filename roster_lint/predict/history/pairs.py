"""Today's enrollments matched with the previous export's live ones on (class, user),
or read from the pairs `diff` already made (issue 13 item 7)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from roster_lint.predict import kernel
from roster_lint.predict.history.columns import in_place, same_text
from roster_lint.predict.history.common import ENROLLED


@dataclass
class Pairs:
    """Today's enrollments against the previous export's live ones (`was`), matched on
    (class, user): how Summit K12 knows an enrollment.  An SIS or export tool that
    regenerates enrollment sourcedIds every night changes nothing on the vendor side while
    the same user stays in the same class (issue 13 item 7).  Matched once, read by
    enrollments_vs_previous and retained_enrollments."""

    was: pl.DataFrame
    had: pl.Series  # per row of today's: its pair was enrolled before
    shared: pl.Series  # per row of `was`: its pair is still shared (any action)
    still_enrolled: pl.Series  # per row of `was`: its pair is shared with action `enroll`


def _mask(size: int, rows: pl.Series) -> pl.Series:
    return pl.repeat(False, size, dtype=pl.Boolean, eager=True).scatter(rows, True)


def match_pairs(e: pl.DataFrame, prev: pl.DataFrame | None) -> Pairs | None:
    """The pairs matched on a u64 hash of (class, user) (a join on two 36-character
    strings costs several times more), each hash match re-checked on the text, so a
    collision never matches two pairs and a null id never matches anything.

    When no hash repeats on either side, the rows at the same position with the same
    hash are matched in place (`_in_place`: an export and the previous one list their
    enrollments in much the same order), and only the others are joined."""
    if prev is None:
        return None
    was = _enrolled(prev)
    known = _known_pairs(e, prev, was) if KNOWN and PAIR in prev.columns else None
    if known is not None:
        return known
    key = pl.struct("cid", "uid").hash().alias("_h")
    h_now, h_was = e.select(key).to_series(), was.select(key).to_series()
    n = min(e.height, was.height)
    hit = in_place(h_now.slice(0, n), h_was.slice(0, n), same_text)
    # In place only where it pays: most rows in place, and no hash repeated (uniqueness
    # costs a hash table per side; an empty previous side, e.g. every school skipped,
    # joins nothing at all).
    if ALIGNED and n and int(hit.sum()) > n // 2 and _unique(h_now) and _unique(h_was):
        hits = _in_place(e, was, h_now, h_was, hit)
    else:
        hits = _joined(e, was, h_now, h_was, None)
    return _pairs(e, was, hits)


def _enroll(e: pl.DataFrame) -> pl.Series:
    """Per row of `e`: its action is `enroll`.  A Series operation: `e` may hold a column
    chunked unlike the others (the engine's text reasons), and any frame operation on
    it copies every column into one chunk first (0.2-0.7 s at 7M rows)."""
    return e["action"] == "enroll"


def _pairs(e: pl.DataFrame, was: pl.DataFrame, hits: pl.DataFrame) -> Pairs:
    enroll = _enroll(e)
    return Pairs(
        was=was,
        had=_mask(e.height, hits["_i"]),
        shared=_mask(was.height, hits["_j"]),
        still_enrolled=_mask(was.height, hits["_j"].filter(enroll.gather(hits["_i"]))),
    )


# Match the rows at the same position in place when no (class, user) hash repeats
# (`_in_place`); False: join every row (the tests' oracle).
ALIGNED = True
# Read the pairs `diff` already made when the previous side carries them (`_known_pairs`);
# False: match again (the tests' oracle).
KNOWN = True
# The previous side's enrollments may carry, per row, the position and the line of the
# row of today's export `diff` paired it with on (class, user) (null: none); see
# `with_known_pairs`.
PAIR, PAIR_LINE = "_pair", "_pair_line"


def with_known_pairs(
    prev: pl.DataFrame, at_old: pl.Series, at_new: pl.Series, new_lines: pl.Series
) -> pl.DataFrame:
    """The previous decided enrollments with PAIR and PAIR_LINE: the rows `diff` paired
    on (classSourcedId, userSourcedId) text, OLD's row `at_old` with NEW's `at_new` (of
    line `new_lines`).  Only for pairs made exactly as `match_pairs` would make them: the
    caller has checked that `prev`'s rows are OLD's enrollments rows one for one, that no
    class or user id is null (the plan reads a null as "", `diff` pairs it with nothing)
    and that no pair repeats on either side (diff/previous.py)."""
    size = prev.height
    if in_order(at_old, size):  # every previous row paired: PAIR is `at_new` itself
        # One chunk first: cut like `prev` below, NEW's lines (the loader's chunks) would
        # come out in chunks of their own, and any frame operation on a frame whose
        # columns are chunked unlike each other copies them all first.
        pair, line = at_new.cast(pl.UInt32).rechunk(), new_lines.cast(pl.Int64).rechunk()
    else:
        pair = pl.repeat(None, size, dtype=pl.UInt32, eager=True).scatter(at_old, at_new)
        line = pl.repeat(None, size, dtype=pl.Int64, eager=True).scatter(at_old, new_lines)
    like = prev.get_columns()[0]
    return prev.hstack(
        [
            kernel.chunked_like(pair.alias(PAIR), like),
            kernel.chunked_like(line.alias(PAIR_LINE), like),
        ]
    )


def _known_rows(now: pl.DataFrame, prev: pl.DataFrame) -> pl.Series | None:
    """Per row of `prev`, the row of `now` `diff` paired it with (PAIR, null: none), or
    None when `now` may not be the paired export's rows: its rows must be in strictly
    increasing line order (each line once) and the row at each paired position must be
    the paired line.  Then a row of `now` was paired exactly when its line was (its key
    text is its line's), and every paired line is in `now`."""
    pair = prev[PAIR]
    at = pair.drop_nulls()
    lines = now["line"]
    if at.len() and int(at.max()) >= now.height:  # type: ignore[arg-type]
        return None
    if now.height > 1 and not bool((lines.diff().slice(1) > 0).all()):
        return None
    # Each row paired with the row at its position: no gather.  Otherwise one chunk
    # first: a gather of millions of positions from the loader's hundreds of chunks looks
    # each one's chunk up (7M: 0.1 s, against 0.02 s copied first).
    found = lines if in_order(pair, now.height) else lines.rechunk().gather(at)
    if not found.equals(prev[PAIR_LINE].drop_nulls(), check_names=False):
        return None
    return pair


def in_order(at: pl.Series, size: int) -> bool:
    """`at` is 0, 1, ..., size - 1: every row paired with the row at its own position (an
    export and the next, with nothing added or removed, usually), where the positions
    need no scatter or gather (7.3M enrollments: ~0.1 s each)."""
    if at.len() != size or at.null_count():
        return False
    return size == 0 or bool((at == pl.int_range(size, dtype=pl.UInt32, eager=True)).all())


def _known_pairs(e: pl.DataFrame, prev: pl.DataFrame, was: pl.DataFrame) -> Pairs | None:
    """`match_pairs`' Pairs read from the pairs `diff` made (`with_known_pairs`,
    `_known_rows`), or None when they may not be the same.  The pairs are the (class,
    user) text matches, one to one (no pair repeats), so a row of `e` matches a live
    previous one exactly when they were paired.  Per previous row its pair's row of `e`
    is PAIR itself: `shared` is "paired and live" and `still_enrolled` the pair's
    `enroll` gathered at PAIR (a null PAIR gathers a null: not enrolled); only `had`,
    per row of `e`, is scattered (at 7M enrollments no hit positions, no renumbering of
    the live rows, one scatter instead of three: docs/performance.md, branch diffnext)."""
    pair = _known_rows(e, prev)
    if pair is None:
        return None
    live = prev.select(pl.col("action").is_in(ENROLLED).fill_null(False)).to_series()
    paired = pair.is_not_null() & live
    enroll = _enroll(e)
    # Every previous row paired with today's at its own position: nothing to gather or
    # scatter (`had` per row of `e` is then `paired` itself).
    same = in_order(pair, e.height)
    still = (enroll if same else enroll.gather(pair).fill_null(False)) & paired
    # (`paired` is cut like the previous rows: one chunk, as the scatter's, so that
    # enrollments_vs_previous can cut it like today's.)
    had = paired.rechunk() if same else _mask(e.height, pair.filter(pair.is_not_null() & live))
    if not live.all():  # `was` holds the live rows only
        paired, still = paired.filter(live), still.filter(live)
    return Pairs(was=was, had=had, shared=paired, still_enrolled=still)


def _unique(hashes: pl.Series) -> bool:
    return hashes.n_unique() == hashes.len()


def _in_place(
    e: pl.DataFrame, was: pl.DataFrame, h_now: pl.Series, h_was: pl.Series, hit: pl.Series
) -> pl.DataFrame:
    """`match_pairs`' hits when no hash repeats on either side: a row whose hash is the
    one at the same position on the other side can match no other row, so it is matched
    there when its class and user text are the same (whole columns compared at the same
    positions, nothing gathered); the other rows are joined (`_joined`).  `hit`: the
    hashes equal at the same position, over the shorter side."""
    n = hit.len()
    same = hit
    for c in ("cid", "uid"):
        same = same & in_place(e[c].slice(0, n), was[c].slice(0, n), same_text)
    at = pl.arg_where(same, eager=True).cast(pl.UInt32)
    here = pl.DataFrame([at.alias("_i"), at.alias("_j")])
    if int(hit.sum()) == e.height == was.height:
        return here
    keep = [
        ~pl.concat([hit, pl.repeat(False, size - n, dtype=pl.Boolean, eager=True)])
        for size in (e.height, was.height)
    ]
    return pl.concat([here, _joined(e, was, h_now, h_was, keep)])


def _joined(
    e: pl.DataFrame,
    was: pl.DataFrame,
    h_now: pl.Series,
    h_was: pl.Series,
    keep: list[pl.Series] | None,
) -> pl.DataFrame:
    """The hits (_i, _j) of a join on the hash of the rows `keep` marks (None: all),
    re-checked on the text."""
    now = pl.DataFrame(
        [pl.int_range(e.height, dtype=pl.UInt32, eager=True).alias("_i"), e["cid"], e["uid"], h_now]
    )
    before = pl.DataFrame(
        [
            pl.int_range(was.height, dtype=pl.UInt32, eager=True).alias("_j"),
            was["cid"],
            was["uid"],
            h_was,
        ]
    )
    if keep is not None:
        now, before = now.filter(keep[0]), before.filter(keep[1])
    return (
        now.join(before, on="_h", how="inner", suffix="_p")
        .filter((pl.col("cid") == pl.col("cid_p")) & (pl.col("uid") == pl.col("uid_p")))
        .select("_i", "_j")
    )


def _enrolled(prev: pl.DataFrame) -> pl.DataFrame:
    """The previous export's live enrollments, only the columns the comparison reads."""
    cols = ["eid", "cid", "uid", "role", "course", "school", "action"]
    live = prev.select(pl.col("action").is_in(ENROLLED).fill_null(False)).to_series()
    # Every one live (an export diffed with the next): the columns as they are, not copied.
    return prev.select(cols) if live.all() else prev.select(cols).filter(live)
