"""--previous: what changed since the last export, and what the sync will not undo
(SK-A6 transfers, SK-A7 retained users, SK-E2 class transfers, SK-E4 retained enrollments,
and classes no longer shared)."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.predict import kernel
from roster_lint.predict.encode import STR, detail, not_documented, piece
from roster_lint.predict.model import ACTION
from roster_lint.predict.registry import load_registry
from roster_lint.predict.rules.history import GONE, MOVED

if TYPE_CHECKING:
    from roster_lint.predict.engine import Decided

ENROLLED = ("enroll", "transfer", "unchanged")
LISTS = pl.List(STR)


def _gone(entity: str) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """action, reasons, root reason/entity/id of a record gone since --previous: the
    registry's entry for GONE[entity] (its effect is the action)."""
    e = load_registry().entry(entity, GONE[entity])
    root_entity, root_id = e.root.split(":") if e.root else (entity, _ID[entity])
    return (
        pl.lit(e.effect, ACTION).alias("action"),
        pl.lit(e.reason, STR).alias("reasons"),
        pl.lit(e.reason).alias("root_reason"),
        pl.lit(root_entity).alias("root_entity"),
        pl.col(root_id).alias("root_id"),
    )


_ID = {"user": "uid", "class": "cid", "enrollment": "eid"}
OTHER_DISTRICT = "_other_district"  # read by users.user_nd


def _districts(schools: pl.Expr, orgs: pl.DataFrame) -> pl.Expr:
    """The parent (district) ids of a list of school ids, through `orgs` (oid, parent)."""
    return schools.list.eval(
        pl.element().replace_strict(orgs["oid"], orgs["parent"], default=None)
    ).list.drop_nulls()


def users_vs_previous(
    users: pl.DataFrame,
    prev: pl.DataFrame | None,
    orgs: pl.DataFrame | None = None,
    prev_orgs: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """create -> transfer / update / unchanged for users who already had an account.

    SK-A6: a transfer is a move to another school of the same district: a school left and
    a school joined, the old and new schools under a common district.  Any other change of
    schools (one added or dropped, a move across districts) is an update."""
    if prev is None:
        return users.with_columns(
            pl.lit(None, LISTS).alias("from_schools"), pl.lit(False).alias(OTHER_DISTRICT)
        )
    out = with_previous_user(users, prev)
    flags = _school_moves(out, orgs, prev_orgs)
    out = out.hstack(flags)
    existing, changed, moved = pl.col("_existing"), pl.col("_changed"), pl.col("_moved")
    action = (
        pl.when(moved)
        .then(pl.lit("transfer", ACTION))
        .when(changed)
        .then(pl.lit("update", ACTION))
        .when(existing & (pl.col("sig") != pl.col("_psig")))
        .then(pl.lit("update", ACTION))
        .when(existing)
        .then(pl.lit("unchanged", ACTION))
        .otherwise(pl.col("action"))
    )
    if not flags[2].any():  # nobody moved: the reasons as they are, no previous schools
        return out.with_columns(
            action.alias("action"),
            pl.lit(None, out["from_schools"].dtype).alias("from_schools"),
        ).drop("_psig", "_existing", "_changed", "_moved")
    return out.with_columns(
        action.alias("action"),
        pl.when(moved)
        .then(kernel.append(pl.col("reasons"), MOVED["user"]))
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
        pl.when(moved).then(pl.col("from_schools")).alias("from_schools"),
    ).drop("_psig", "_existing", "_changed", "_moved")


def _school_moves(
    out: pl.DataFrame, orgs: pl.DataFrame | None, prev_orgs: pl.DataFrame | None
) -> list[pl.Series]:
    """_existing, _changed, _moved and OTHER_DISTRICT per user of `out` (with_previous_user's
    frame), chunked like its columns.

    ok_schools holds each school once (users._org_links), so the schools changed exactly
    when one was left or joined: no list sort per user.  Lists equal as lists are the
    same set, so only the existing users whose lists differ (or are null) are compared
    as sets, on those rows only (set differences of 1M lists cost ~0.5 s; a list `!=`
    a fraction of it: docs/performance.md, branch diffnext)."""
    now, before = pl.col("ok_schools"), pl.col("from_schools")
    existing = out.select(
        ((pl.col("action") == "create") & pl.col("_psig").is_not_null()).alias("_existing")
    ).to_series()
    # (A null list changes nothing either way: its set differences are null.)
    maybe = out.select(existing.alias("e") & (now != before).fill_null(True)).to_series()
    at = pl.arg_where(maybe, eager=True).cast(pl.UInt32)
    left = before.list.set_difference(now).list.len() > 0
    joined = now.list.set_difference(before).list.len() > 0
    same_district = pl.lit(True)
    # One district in both exports (the usual case): every move is within it, and the
    # per-user lookup of districts is not needed.
    parents = pl.concat(
        [o.filter(pl.col("is_school"))["parent"] for o in (orgs, prev_orgs) if o is not None]
    )
    if orgs is not None and prev_orgs is not None and parents.drop_nulls().n_unique() > 1:
        same_district = (
            _districts(before, prev_orgs).list.set_intersection(_districts(now, orgs)).list.len()
            > 0
        )
    changed = (left | joined).fill_null(False)
    found = (
        out.select("ok_schools", "from_schools")[at]
        .select(
            changed.alias("_changed"),
            # A move to a school of another district: an update, and what the sync does
            # with the account is not documented (the profile's user-move-other-district,
            # on its detail).
            (changed & (left & joined & same_district).fill_null(False)).alias("_moved"),
            (changed & (left & joined & ~same_district).fill_null(False)).alias(OTHER_DISTRICT),
        )
        .get_columns()
    )
    like = out["uid"]
    flags = [existing] + [
        pl.repeat(False, out.height, dtype=pl.Boolean, eager=True).scatter(at, f).alias(f.name)
        for f in found
    ]
    return [kernel.chunked_like(f, like) for f in flags]


def with_previous_user(users: pl.DataFrame, prev: pl.DataFrame) -> pl.DataFrame:
    """`users` with `from_schools` and `_psig`: the schools and signature of the same uid's
    first account in the previous export (null when it had none).

    Only the columns read are filtered and joined (a join of the users frame copied all
    of its columns); `had` holds each uid once, so the join keeps every user in order."""
    cols = [pl.col("ok_schools").alias("from_schools"), pl.col("sig").alias("_psig")]
    pair = _known_rows(users, prev) if KNOWN and PAIR in prev.columns else None
    if pair is not None:
        # `diff` paired the users on sourcedId, no id repeated: each user's previous
        # account is the row paired with it, when that row was not skipped.
        kept = pair.is_not_null() & prev.select(pl.col("action") != "skip").to_series()
        at = pl.arg_where(kept, eager=True).cast(pl.UInt32)
        row = pl.repeat(None, users.height, dtype=pl.UInt32, eager=True)
        row = row.scatter(pair.filter(kept), at)
        found = prev.select(c.gather(row) for c in cols)
        return users.hstack([kernel.chunked_like(c, users["uid"]) for c in found.get_columns()])
    had = (
        prev.select("uid", "action", *cols)
        .filter(pl.col("action") != "skip")
        .unique("uid", keep="first")
        .drop("action")
    )
    found = users.select("uid").join(had, on="uid", how="left", maintain_order="left")
    return users.hstack([kernel.chunked_like(found[c], users["uid"]) for c in had.columns[1:]])


def retained_users(users: pl.DataFrame, prev: pl.DataFrame | None) -> pl.DataFrame | None:
    """SK-A7: accounts of users no longer in the file stay; the district must ask."""
    if prev is None:
        return None
    pair = _known_rows(users, prev) if KNOWN and PAIR in prev.columns else None
    if pair is not None:  # no id repeated: a user is gone when `diff` paired it with none
        gone = prev.filter((pl.col("action") != "skip") & pair.is_null())
    else:
        had = prev.filter(pl.col("action") != "skip").unique("uid", keep="first")
        gone = had.join(users.select("uid"), on="uid", how="anti", maintain_order="left")
    return gone.select(
        pl.lit("user").alias("entity"),
        pl.col("uid").alias("id"),
        *_gone("user")[:2],
        detail(
            [
                piece("summit_role", pl.col("summit_role")),
                piece("schools", pl.col("ok_schools")),
            ]
        ).alias("detail"),
        pl.col("ok_schools").list.first().alias("school"),
        pl.lit(None, STR).alias("file"),
        pl.lit(None, pl.Int64()).alias("line"),
        *_gone("user")[2:],
    )


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


def same_text(a: pl.Series, b: pl.Series) -> pl.Series:
    """a == b, a null equal to nothing (False)."""
    return (a == b).fill_null(False)


def in_place(
    a: pl.Series, b: pl.Series, op: Callable[[pl.Series, pl.Series], pl.Series]
) -> pl.Series:
    """`op(a, b)` (an element-wise comparison) of two series of one length whose chunks
    differ (two exports' columns do: the loader cuts them by bytes), block by block
    where each side is one chunk.  Polars aligns such operands by copying both whole
    (at 7M rows ~120 MB per string column and side); the blocks are zero-copy slices."""
    ca, cb = a.chunk_lengths(), b.chunk_lengths()
    if ca == cb or len(ca) <= 1 or len(cb) <= 1 or a.len() == 0:
        return op(a, b)
    cuts = sorted(set(itertools.accumulate(ca)) | set(itertools.accumulate(cb)))
    parts, start = [], 0
    for end in cuts:
        parts.append(op(a.slice(start, end - start), b.slice(start, end - start)))
        start = end
    return pl.concat(parts).rechunk()


def in_place_select(a: pl.DataFrame, b: pl.DataFrame, exprs: list[pl.Expr]) -> pl.DataFrame:
    """`exprs` (element-wise) over the columns of `a` and `b` side by side (two frames of
    one height, no column name shared): `in_place` for many columns at once.

    Run by polars' streaming engine, which reads the columns morsel by morsel, slicing
    each where it is cut: the eager engine would copy every column of both frames into
    one chunk first (the two exports' columns are cut differently by the loader), and a
    polars call per block where each side is one chunk (~1,200 blocks at 7M rows) cost
    2-3x the streaming pass (docs/performance.md, branch diffnext)."""
    out = pl.concat([a, b], how="horizontal").lazy().select(exprs).collect(engine="streaming")
    return out.rechunk()


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
    # One chunk first: a gather of millions of positions from the loader's hundreds of
    # chunks looks each one's chunk up (7M: 0.1 s, against 0.02 s copied first).
    if not lines.rechunk().gather(at).equals(prev[PAIR_LINE].drop_nulls(), check_names=False):
        return None
    return pair


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
    still = enroll.gather(pair).fill_null(False) & paired
    if not live.all():  # `was` holds the live rows only
        paired, still = paired.filter(live), still.filter(live)
    had = _mask(e.height, pair.filter(pair.is_not_null() & live))
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


def _enrolled(prev: pl.DataFrame) -> pl.DataFrame:
    """The previous export's live enrollments, only the columns the comparison reads."""
    cols = ["eid", "cid", "uid", "role", "course", "school", "action"]
    live = prev.select(pl.col("action").is_in(ENROLLED).fill_null(False)).to_series()
    # Every one live (an export diffed with the next): the columns as they are, not copied.
    return prev.select(cols) if live.all() else prev.select(cols).filter(live)


# What the --previous comparisons above read of the previous export's decided frames
# (users_vs_previous, retained_users, classes_vs_previous, retained_classes, _enrolled)
# and of its inputs (the courses it had: classes.decide_courses).  `previous_side` keeps
# only these, for a plan that reads the previous side and nothing else of it (`diff`:
# build_plan(..., actions_only=True); the full plan's summary reads more of it).
PREVIOUS_READS: dict[str, tuple[str, ...]] = {
    "orgs": ("oid", "parent", "is_school"),
    "users": ("uid", "action", "ok_schools", "sig", "summit_role"),
    "classes": ("cid", "action", *CLASS_SIG),
    "enrollments": ("eid", "cid", "uid", "role", "course", "school", "action"),
}
PREVIOUS_COURSES = "course"  # the one column of the previous inputs' courses read


def previous_side(prev: Decided) -> Decided:
    """`prev` (engine.decide of the previous export) with only PREVIOUS_READS' columns of
    its decided frames and its inputs' courses, everything else released: what
    build_plan(..., previous_side=, actions_only=True) reads of a previous export, made
    before the new export is decided, so the previous export's own frames can go first
    (`roster-lint diff`, docs/performance.md, branch diffold)."""
    inp = prev.inp
    empty = pl.DataFrame()
    slim_inp = dataclasses.replace(
        inp,
        orgs=empty,
        users=empty,
        classes=empty,
        enrollments=empty,
        courses=inp.courses.select(PREVIOUS_COURSES),
    )
    frames = {name: getattr(prev, name).select(cols) for name, cols in PREVIOUS_READS.items()}
    return dataclasses.replace(prev, inp=slim_inp, courses=prev.courses.clear(), **frames)
