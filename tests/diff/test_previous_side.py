"""`diff`'s plan with OLD decided beforehand and slimmed (diff/previous.py,
history.previous_side) is the plan of NEW with OLD as --previous (its actions only), and
it reads nothing of OLD's own frames once the side is made."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from roster_lint import api, pipeline
from roster_lint.diff.previous import decided_previous
from roster_lint.model import LINE
from roster_lint.predict.history import PREVIOUS_READS
from tests.predict.test_actions_only import _damaged

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _where(tmp: Path, name: str) -> str:
    return str(_damaged(tmp) if name == "damaged" else SAMPLES / name)


def _actions(old: str, new: str, mode: str, *, side: bool) -> pl.DataFrame:
    opts = api.Options(mode=mode)
    old_export, new_export = api.load(old), api.load(new)
    reads = pipeline.plan_reads()
    for export in (old_export, new_export):
        pipeline.release_unread_columns(export, reads)
    opts.previous = old_export.path
    if not side:  # the oracle: OLD decided inside build_plan, from its frames
        return api.plan_export(new_export, opts, old_export, actions_only=True).actions
    previous = decided_previous(old_export, opts)
    for name, cols in PREVIOUS_READS.items():
        assert getattr(previous, name).columns == list(cols)
    # OLD keeps no column but its lines: the plan must read the side, not OLD.
    pipeline.release_unread_columns(old_export)
    assert all(t.df.columns == [LINE] for t in old_export.tables.values() if t.readable)
    return api.plan_export(
        new_export, opts, old_export, actions_only=True, previous_side=previous
    ).actions


@pytest.mark.parametrize(
    ("old", "new", "mode"),
    [
        ("district-yesterday", "district", "full"),
        ("district", "district-flawed", "full"),
        ("district-flawed", "district", "full"),
        ("district", "district-v12", "full"),
        ("district-v12", "district", "full"),
        ("district", "damaged", "full"),
        ("damaged", "district-yesterday", "full"),
        ("damaged", "district", "provisioning"),
        ("district-yesterday", "district-flawed", "provisioning"),
    ],
)
def test_previous_side_gives_the_same_actions(
    tmp_path: Path, old: str, new: str, mode: str
) -> None:
    old_path, new_path = _where(tmp_path, old), _where(tmp_path, new)
    want = _actions(old_path, new_path, mode, side=False)
    got = _actions(old_path, new_path, mode, side=True)
    assert_frame_equal(got, want)
    # The pair means something: the previous side changes actions (unchanged, retains).
    made = set(want["action"].cast(pl.String))
    assert "unchanged" in made or "update" in made
    if new == "damaged":  # rows dropped: retained users and enrollments
        assert "retain" in made
