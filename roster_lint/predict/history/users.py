"""--previous for users: SK-A6 transfers, updates of existing accounts, SK-A7 retained
users."""

from __future__ import annotations

import polars as pl

from roster_lint.predict import kernel
from roster_lint.predict.encode import STR, detail, piece
from roster_lint.predict.history import pairs
from roster_lint.predict.history.common import LISTS, _gone
from roster_lint.predict.model import ACTION
from roster_lint.predict.rules.history import MOVED

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
    pair = pairs._known_rows(users, prev) if pairs.KNOWN and pairs.PAIR in prev.columns else None
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
    pair = pairs._known_rows(users, prev) if pairs.KNOWN and pairs.PAIR in prev.columns else None
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
