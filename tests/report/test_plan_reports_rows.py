"""The plan's reports make only the reasons lists of the rows they read.

build_plan defers the enrollments' reasons lists (Plan.defer_reasons): reading
`plan.actions` makes every one of them (8.7M at 1M students: +1.5 GB and ~2 s CPU for the
text report, which shows a few dozen ids).  The text's examples and the HTML's capped
tables read the rows they show (Plan.rows_at), CSV and Parquet a chunk at a time
(Plan.rows).  Each must say what it said when it read every list: compared with the same
plan made anew from its actions (dataclasses.replace: no keys, every list made).
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import polars as pl
import pytest

from roster_lint import api
from roster_lint.model import Export
from roster_lint.predict.model import Plan
from roster_lint.report import html_plan, plan_json, plan_tables
from roster_lint.report.outputs import plain_text
from roster_lint.report.plan_text import render_plan

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


@pytest.fixture(scope="module")
def loaded() -> tuple[Export, Plan]:
    export = api.load_for_plan(str(SAMPLES / "district-flawed"))
    return export, api.plan_export(export, api.Options(), None)


def _fresh(loaded: tuple[Export, Plan]) -> tuple[Export, Plan, Plan]:
    """(export, a plan with its enrollments' reasons deferred, the same plan with every
    list made and no keys: what the reports read before)."""
    export, _ = loaded
    plan = api.plan_export(export, api.Options(), None)
    assert plan._reasons_unmade and plan.keys_of_actions() is not None
    made = dataclasses.replace(plan)  # reads plan.actions: every list made, keys dropped
    plan = api.plan_export(export, api.Options(), None)
    assert made.keys_of_actions() is None and plan._reasons_unmade
    return export, plan, made


def test_text_reads_only_its_examples(loaded: tuple[Export, Plan], calls: list[int]) -> None:
    _, plan, made = _fresh(loaded)
    calls.clear()
    text = plain_text(lambda c: render_plan(plan, c))
    assert calls == []  # only ids gathered: no list made
    assert plan._reasons_unmade
    assert "Not synced, by first reason" in text
    assert text == plain_text(lambda c: render_plan(made, c))


@pytest.mark.parametrize("cap", [1, 7, 50, html_plan.MAX_ROWS])
def test_html_rows_read_only_the_rows_shown(
    cap: int, loaded: tuple[Export, Plan], calls: list[int]
) -> None:
    export, plan, made = _fresh(loaded)
    calls.clear()
    data = html_plan.plan_data(plan, export, cap)
    assert calls and max(calls) <= cap  # per entity: the rows the page carries
    assert plan._reasons_unmade
    assert data == html_plan.plan_data(made, export, cap)
    totals = plan.totals()
    for block in data["entities"]:
        assert block["total"] == sum(totals[block["entity"]].values())
        assert len(block["id"]) == min(cap, block["total"])


@pytest.mark.parametrize("chunk", [1000, 4096, plan_tables.CHUNK])
def test_csv_and_parquet_make_a_chunk_at_a_time(
    chunk: int, loaded: tuple[Export, Plan], calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, plan, made = _fresh(loaded)
    height = plan.keyed_actions()[0].height
    expected_csv, expected_pq = io.BytesIO(), io.BytesIO()
    plan_tables.write_actions_csv(made, expected_csv)
    plan_tables.write_actions_parquet(made, expected_pq)
    monkeypatch.setattr(plan_tables, "CHUNK", chunk)
    calls.clear()
    csv, pq = io.BytesIO(), io.BytesIO()
    plan_tables.write_actions_csv(plan, csv)
    assert calls and max(calls) <= chunk and sum(calls) == height
    calls.clear()
    plan_tables.write_actions_parquet(plan, pq)
    assert calls and max(calls) <= chunk and sum(calls) == height
    assert plan._reasons_unmade
    assert csv.getvalue() == expected_csv.getvalue()
    got, want = pl.read_parquet(pq.getvalue()), pl.read_parquet(expected_pq.getvalue())
    assert got.schema == want.schema and got.equals(want)
    assert got.height == height


def test_rows_and_rows_at_are_the_actions_rows(loaded: tuple[Export, Plan]) -> None:
    _, plan, made = _fresh(loaded)
    full = made.actions
    at = pl.Series([5, 0, full.height - 1, 3, 3], dtype=pl.UInt32)
    assert plan.rows_at(at).equals(full[at.to_list()])
    for offset, length in [(0, 10), (full.height - 4, 10), (full.height, 5)]:
        assert plan.rows(offset, length).equals(full.slice(offset, length))
    assert plan._reasons_unmade


def test_json_encoder_path_makes_a_chunk_at_a_time(
    loaded: tuple[Export, Plan], calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids that need escaping go through polars' JSON encoder, which reads the lists:
    each chunk's are made, not the plan's."""
    _, plan, made = _fresh(loaded)
    height = plan.keyed_actions()[0].height
    expected = plan_json.plan_json_text(made)
    monkeypatch.setattr(plan_json, "is_json_plain", lambda ids: False)  # as for a `"` in one
    monkeypatch.setattr(plan_json, "CHUNK", 4096)
    calls.clear()
    assert plan_json.plan_json_text(plan) == expected
    assert calls and max(calls) <= 4096 and sum(calls) == height
    assert plan._reasons_unmade
