"""build_plan(..., actions_only=True), what `diff` builds: the same actions (entity, id,
action, reasons, in the same order) as the full plan, and nothing the diff never reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from roster_lint import api
from roster_lint.model import Export
from roster_lint.pipeline import course_map
from roster_lint.predict.engine import ACTIONS_ONLY, build_plan

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _damaged(tmp: Path) -> Path:
    """district with what skips, retains and transfers: a school without its NCES id, an
    unknown school on some users, enrollment ids regenerated, rows dropped, a class moved."""
    out = tmp / "damaged"
    shutil.copytree(SAMPLES / "district", out)

    def edit(name: str, change: pl.Expr | list[pl.Expr], keep: pl.Expr | None = None) -> None:
        path = out / name
        df = pl.read_csv(path, infer_schema=False).with_columns(change)
        if keep is not None:
            df = df.filter(keep)
        df.write_csv(path)

    row = pl.int_range(pl.len())
    edit("orgs.csv", pl.when(pl.col("sourcedId") == "101").then(None).otherwise("identifier"))
    edit(
        "users.csv",
        pl.when(row % 97 == 5)
        .then(pl.lit("999"))
        .otherwise("orgSourcedIds")
        .alias("orgSourcedIds"),
        keep=row % 211 != 3,
    )
    edit(
        "enrollments.csv",
        [
            (pl.lit("x") + pl.col("sourcedId")).alias("sourcedId"),
            pl.when(row % 50 == 7)
            .then(pl.col("classSourcedId").shift(1))
            .otherwise("classSourcedId")
            .alias("classSourcedId"),
        ],
        keep=row % 13 != 1,
    )
    return out


def _plans(new: str | Path, old: str | Path | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the full plan's actions, the trimmed plan's), each export loaded afresh (the
    engine frees the frames it has read)."""

    def run(actions_only: bool) -> pl.DataFrame:
        opts = api.Options()
        previous: Export | None = api.load(str(old)) if old is not None else None
        plan = build_plan(
            api.load(str(new)),
            opts,
            previous=previous,
            course_map=course_map(opts),
            actions_only=actions_only,
        )
        if actions_only:
            assert plan.root_causes == [] and plan.followups == [] and plan.notes == []
            assert plan.licences_new is None and plan.audience.height == 0
        return plan.actions

    return run(False), run(True)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, "district"),
        ("district-yesterday", "district"),
        ("district", "district-flawed"),
        ("district-flawed", "district"),
        ("district", "district-v12"),
        ("district", "damaged"),
        ("damaged", "district-yesterday"),
        (None, "damaged"),
    ],
)
def test_trimmed_actions_are_the_full_plans(tmp_path: Path, old: str | None, new: str) -> None:
    damaged = _damaged(tmp_path)

    def where(name: str | None) -> Path | None:
        if name is None:
            return None
        return damaged if name == "damaged" else SAMPLES / name

    full, trimmed = _plans(where(new) or SAMPLES, where(old))
    assert trimmed.schema == pl.Schema(ACTIONS_ONLY)
    assert_frame_equal(trimmed, full.select(list(ACTIONS_ONLY)))
    # The comparison means something: the damage gives skips, and retains against a
    # previous export.
    if "damaged" in (old, new):
        made = set(full["action"].cast(pl.String))
        assert "skip" in made and (old is None or "retain" in made)
