"""The JSON writer gathers the enrollments' `detail":...}` tails from the plan's
DetailKeys (each distinct detail wrapped once) instead of building one per row: the same
plan without the keys (every tail made per row, the path before) is the oracle, in chunks
that start before, inside and after the keyed rows; and the keys are the details."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from roster_lint import api
from roster_lint.report import plan_json
from roster_lint.report.plan_json import plan_json_text
from tests.predict.helpers import EXPORTS, OPTIONS, SAMPLES


def _without_keys(plan: api.Plan) -> str:
    keys = plan.detail_keys
    plan.detail_keys = None
    try:
        return plan_json_text(plan)
    finally:
        plan.detail_keys = keys


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("export", EXPORTS, ids=lambda p: p.name)
def test_keyed_tails_are_the_per_row_ones(export: Path, option: str) -> None:
    plan = api.plan(str(export), OPTIONS[option])
    keys = plan.detail_keys
    frame, _ = plan.keyed_actions()
    has_enrollments = (frame["entity"] == "enrollment").any()
    # --previous: a moved enrollment's previous class is text per row (no table then).
    if option != "previous":
        assert (keys is not None) == bool(has_enrollments)
    if keys is not None:  # the keys are the frame's details, on the enrollment rows
        rows = frame.slice(keys.start, keys.index.len())
        assert (rows["entity"] == "enrollment").all()
        assert keys.table.gather(keys.index).equals(rows["detail"], check_names=False)
    assert plan_json_text(plan) == _without_keys(plan)


@pytest.mark.parametrize("chunk", [1, 3, 7, 50])
def test_chunks_across_the_keyed_rows(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = api.plan(str(SAMPLES / "district"), api.Options())
    assert plan.detail_keys is not None and plan.detail_keys.start > 0
    oracle = _without_keys(plan)
    monkeypatch.setattr(plan_json, "CHUNK", chunk)
    assert plan_json_text(plan) == oracle


def test_keys_are_dropped_with_the_actions_they_describe() -> None:
    plan = api.plan(str(SAMPLES / "district"), api.Options())
    assert plan.detail_keys is not None
    plan.actions = plan.actions.with_columns(pl.lit("{}").alias("detail"))
    assert plan.detail_keys is None
    assert all(
        json_line.endswith('"detail":{}}')
        for json_line in plan_json.action_lines(plan.actions).to_list()
    )
