"""The skipped enrollments' root causes are counted on integers (enrollments.enrollment_roots):
the same roots, counts and first lines as working out each skipped row's root and grouping
the rows (the per-row join this replaced, kept here as the oracle)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from roster_lint import api
from roster_lint.predict import engine, roots
from roster_lint.predict import enrollments as enr
from roster_lint.predict.encode import STR
from tests.conftest import ROOT

CORPUS = Path("/work/shared/corpus")
EXPORTS = sorted(p for p in (ROOT / "sample_exports").iterdir() if p.is_dir())
EXPORTS += sorted(p for p in CORPUS.glob("*/*") if p.is_dir() and any(p.glob("*.csv")))


def per_row(e: pl.DataFrame, users: pl.DataFrame, classes: pl.DataFrame, inp, on) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    """Each skipped enrollment's root by string joins on its class and user (the old way)."""
    skipped = e.filter(pl.col("action") == "skip").select(
        "cid", "uid", "role", "line", enr.first_reason(e, on).alias("_first")
    )
    class_root = classes.select(
        "cid",
        pl.col("_root").struct.field("e").alias("c_e"),
        pl.col("_root").struct.field("i").alias("c_i"),
        pl.col("_root").struct.field("r").alias("c_r"),
    ).unique("cid", keep="first")
    user_root = enr.first_users(users).select(
        "uid",
        pl.col("root_entity").alias("u_e"),
        pl.col("root_id").alias("u_i"),
        pl.col("root_reason").alias("u_r"),
    )
    skipped = skipped.join(class_root, on="cid", how="left", maintain_order="left").join(
        user_root, on="uid", how="left", maintain_order="left"
    )
    first = pl.col("_first")
    path = pl.lit(inp.paths.get("enrollments.csv", "enrollments.csv"), STR)
    skipped = skipped.with_columns(pl.lit(None, STR).alias("eid"))
    ent, ident, reason = roots.root(
        "enrollment", first, {"_mode": pl.lit(inp.mode, STR), "_file": path}
    )
    prefix = {"class": "c_", "user": "u_"}
    for name, src in roots.inherited("enrollment").items():
        p = prefix[src]
        ent = pl.when(first == name).then(pl.col(p + "e")).otherwise(ent)
        ident = pl.when(first == name).then(pl.col(p + "i")).otherwise(ident)
        reason = pl.when(first == name).then(pl.col(p + "r")).otherwise(reason)
    return (
        skipped.select(
            reason.cast(STR).alias("root_reason"),
            ent.cast(STR).alias("root_entity"),
            roots.grouped_id(ent.cast(STR), ident.cast(STR)).alias("root_id"),
            "line",
        )
        .group_by(enr.ROOT_KEYS)
        .agg(pl.col("line").min(), pl.len().cast(pl.UInt32).alias("n"))
        .sort(enr.ROOT_KEYS, nulls_last=True)
    )


@pytest.mark.parametrize("mode", ["full", "provisioning"])
@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_counted_roots_match_per_row(path: Path, mode: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[pl.DataFrame, pl.DataFrame]] = []
    counted = enr.enrollment_roots

    def both(e, users, classes, inp, on):  # type: ignore[no-untyped-def]
        got = counted(e, users, classes, inp, on)
        seen.append((got, per_row(e, users, classes, inp, on)))
        return got

    monkeypatch.setattr(engine.enr, "enrollment_roots", both)
    api.plan(str(path), api.Options(mode=mode))
    assert len(seen) == 1
    got, want = seen[0]
    assert got.to_dicts() == want.to_dicts()


def test_some_exports_skip_enrollments_for_several_roots() -> None:
    """The comparison above is not empty: the flawed sample skips enrollments for more
    than one root (inherited from the class and the user, and their own)."""
    plan = api.plan(str(ROOT / "sample_exports" / "district-flawed"))
    hit = [rc for rc in plan.root_causes if rc.affected.get("enrollment")]
    assert len({rc.reason for rc in hit}) >= 2
