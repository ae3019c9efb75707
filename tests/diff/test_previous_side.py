"""`diff`'s plan with OLD decided beforehand and slimmed (diff/previous.py,
history.previous_side) is the plan of NEW with OLD as --previous (its actions only), and
it reads nothing of OLD's own frames once the side is made."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from roster_lint import api, pipeline
from roster_lint.diff.compare import compare_rows
from roster_lint.diff.previous import decided_previous
from roster_lint.model import LINE
from roster_lint.predict import history
from roster_lint.predict.history import PAIR, PAIR_LINE, PREVIOUS_READS
from tests.predict.test_actions_only import _damaged

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _regenerated(tmp: Path) -> Path:
    """`_damaged` with no (class, user) pair repeated, and a block of enrollments listed
    in reverse: what `diff` pairs on (class, user), in place and joined."""
    out = _damaged(tmp)
    path = out / "enrollments.csv"
    df = pl.read_csv(path, infer_schema=False)
    df = df.unique(["classSourcedId", "userSourcedId"], keep="first", maintain_order=True)
    row = pl.int_range(pl.len())
    block = (row >= 100) & (row < 400)
    df = pl.concat([df.filter(row < 100), df.filter(block).reverse(), df.filter(row >= 400)])
    df.write_csv(path)
    return out


def _where(tmp: Path, name: str) -> str:
    if name == "damaged":
        return str(_damaged(tmp / "d"))
    if name == "regenerated":
        return str(_regenerated(tmp / "r"))
    return str(SAMPLES / name)


def _actions(old: str, new: str, mode: str, *, side: bool) -> pl.DataFrame:
    opts = api.Options(mode=mode)
    old_export, new_export = api.load(old), api.load(new)
    compared = compare_rows(old_export, new_export, opts)  # the CLI's order
    reads = pipeline.plan_reads()
    for export in (old_export, new_export):
        pipeline.release_unread_columns(export, reads)
    opts.previous = old_export.path
    if not side:  # the oracle: OLD decided inside build_plan, from its frames
        return api.plan_export(new_export, opts, old_export, actions_only=True).actions
    previous = decided_previous(old_export, opts, new_export, compared.pairs)
    for name, cols in PREVIOUS_READS.items():
        frame = getattr(previous, name)
        extra = [PAIR, PAIR_LINE] if PAIR in frame.columns else []
        assert frame.columns == [*cols, *extra]
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
        ("district", "regenerated", "full"),
        ("district", "regenerated", "provisioning"),
        ("regenerated", "district-yesterday", "full"),
        ("district-yesterday", "district-flawed", "provisioning"),
    ],
)
def test_previous_side_gives_the_same_actions(
    tmp_path: Path, old: str, new: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_path, new_path = _where(tmp_path, old), _where(tmp_path, new)
    want = _actions(old_path, new_path, mode, side=False)
    read = _counting_known_rows(monkeypatch)
    got = _actions(old_path, new_path, mode, side=True)
    assert_frame_equal(got, want)
    # Enrollment ids regenerated, no pair repeated: the plan read the pairs diff made
    # (with a pair repeated, `damaged`, it matches them itself).
    # The plan read the pairs `diff` made: the users' (on sourcedId) unless an id
    # repeats or is blank (district-flawed), the enrollments' when their ids were
    # regenerated and no (class, user) repeats (`damaged` repeats some).
    users = [] if "district-flawed" in (old, new) else [("users", True)]
    enrollments = [("enrollments", True)] if "regenerated" in (old, new) else []
    assert read == (users + enrollments + users if users else [])
    # The pair means something: the previous side changes actions (unchanged, retains).
    made = set(want["action"].cast(pl.String))
    assert "unchanged" in made or "update" in made
    if new in ("damaged", "regenerated"):  # rows dropped: retained users and enrollments
        assert "retain" in made


def _counting_known_rows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Record, per call, which frame (users, enrollments) read the known pairs and
    whether it could (history.pairs._known_rows)."""
    seen: list[tuple[str, bool]] = []
    real = history.pairs._known_rows

    def counted(now: pl.DataFrame, prev: pl.DataFrame) -> pl.Series | None:
        rows = real(now, prev)
        seen.append(("enrollments" if "eid" in prev.columns else "users", rows is not None))
        return rows

    monkeypatch.setattr(history.pairs, "_known_rows", counted)
    return seen
