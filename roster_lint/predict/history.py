"""--previous: what changed since the last export, and what the sync will not undo
(SK-A6 transfers, SK-A7 retained users, SK-E2 class transfers, SK-E4 retained enrollments,
and classes no longer shared)."""

from __future__ import annotations

import polars as pl

from roster_lint.predict import kernel
from roster_lint.predict.encode import STR, detail, not_documented, piece
from roster_lint.predict.model import ACTION
from roster_lint.predict.registry import load_registry
from roster_lint.predict.rules.history import GONE, MOVED

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
    had = prev.filter(pl.col("action") != "skip").unique("uid", keep="first")
    had = had.select(
        "uid", pl.col("ok_schools").alias("from_schools"), pl.col("sig").alias("_psig")
    )
    out = users.join(had, on="uid", how="left", maintain_order="left")
    existing = (pl.col("action") == "create") & pl.col("_psig").is_not_null()
    now, before = pl.col("ok_schools"), pl.col("from_schools")
    changed = existing & (now.list.sort() != before.list.sort()).fill_null(False)
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
    moved = changed & (left & joined & same_district).fill_null(False)
    # A move to a school of another district: an update, and what the sync does with the
    # account is not documented (the profile's user-move-other-district, on its detail).
    other_district = changed & (left & joined & ~same_district).fill_null(False)
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
    return out.with_columns(
        action.alias("action"),
        pl.when(moved)
        .then(kernel.append(pl.col("reasons"), MOVED["user"]))
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
        pl.when(moved).then(pl.col("from_schools")).alias("from_schools"),
        other_district.alias(OTHER_DISTRICT),
    ).drop("_psig")


def retained_users(users: pl.DataFrame, prev: pl.DataFrame | None) -> pl.DataFrame | None:
    """SK-A7: accounts of users no longer in the file stay; the district must ask."""
    if prev is None:
        return None
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


def enrollments_vs_previous(
    e: pl.DataFrame, prev: pl.DataFrame | None, student_role: str
) -> pl.DataFrame:
    """enroll -> unchanged (same record, same class) or transfer (SK-E2: same student, same
    course, another class)."""
    if prev is None:
        return e.with_columns(pl.lit(None, STR).alias("from_class"))
    was = _enrolled(prev)
    same = was.select("eid", pl.col("cid").alias("_pcid"))
    out = e.join(same, on="eid", how="left", maintain_order="left")
    unchanged = (pl.col("action") == "enroll") & (pl.col("_pcid") == pl.col("cid"))
    # The student's previous class in the same course, if they are no longer enrolled there.
    now = e.filter(pl.col("action") == "enroll").select("uid", "cid")
    before = (
        was.filter(pl.col("role") == student_role)
        .select("uid", "course", pl.col("cid").alias("from_class"))
        .join(now.rename({"cid": "from_class"}), on=["uid", "from_class"], how="anti")
        .unique(["uid", "course"], keep="first")
    )
    out = out.join(before, on=["uid", "course"], how="left", maintain_order="left")
    moved = (
        (pl.col("action") == "enroll")
        & ~unchanged.fill_null(False)
        & pl.col("from_class").is_not_null()
        & (pl.col("role") == student_role)
    )
    return out.with_columns(
        pl.when(unchanged.fill_null(False))
        .then(pl.lit("unchanged", ACTION))
        .when(moved)
        .then(pl.lit("transfer", ACTION))
        .otherwise(pl.col("action"))
        .alias("action"),
        pl.when(moved)
        .then(kernel.append(pl.col("reasons"), MOVED["enrollment"]))
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
        pl.when(moved).then(pl.col("from_class")).alias("from_class"),
    ).drop("_pcid")


def retained_enrollments(
    e: pl.DataFrame, prev: pl.DataFrame | None, path: str
) -> pl.DataFrame | None:
    """SK-E4: a record no longer shared does not unenroll; a transfer's old class is not kept."""
    if prev is None:
        return None
    was = _enrolled(prev)
    gone = was.join(e.select("eid"), on="eid", how="anti", maintain_order="left")
    moved = e.filter(pl.col("action") == "transfer").select(
        "uid", pl.col("from_class").alias("cid")
    )
    gone = gone.join(moved, on=["uid", "cid"], how="anti", maintain_order="left")
    return gone.select(
        pl.lit("enrollment").alias("entity"),
        pl.col("eid").alias("id"),
        *_gone("enrollment")[:2],
        detail([piece("class", pl.col("cid")), piece("user", pl.col("uid"))]).alias("detail"),
        "school",
        pl.lit(None, STR).alias("file"),
        pl.lit(None, pl.Int64()).alias("line"),
        *_gone("enrollment")[2:],
    )


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
    return (
        prev.lazy()
        .select(cols)
        .filter(pl.col("action").is_in(ENROLLED))
        .collect(engine="in-memory")
    )
