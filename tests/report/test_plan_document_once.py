"""The plan JSON's summary is made with the least work that writes the same document: the
totals counted once (the document's `totals` and `summary.counts.by_action` are one
count of the 9M actions at 1M students), and the root causes, follow-ups, reason counts
and schools written from their fields without `dataclasses.asdict`'s deep copy.  The
document is the one the old way made, on every sample export and with --previous."""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint import api
from roster_lint.predict.model import FollowUp, Plan, RootCause
from roster_lint.report import plan_json
from roster_lint.report.counts import ReasonCount, SchoolCount, plan_counts, record

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
CASES = [
    ("district", None),
    ("district-flawed", None),
    ("district-v12", None),
    ("district", "district-yesterday"),
]


@cache
def planned(name: str, previous: str | None) -> Plan:
    opts = api.Options()
    prev = None
    if previous is not None:
        opts.previous = str(SAMPLES / previous)
        prev = api.load(opts.previous)
    return api.plan_export(api.load(str(SAMPLES / name)), opts, prev)


def old_document(plan: Plan) -> dict[str, Any]:
    """plan_document as it was made before: totals twice, every record by asdict."""
    counts = plan_counts(plan)
    return {
        "profile": plan.profile,
        "mode": plan.mode,
        "totals": plan.totals(),
        "actions": [],
        "summary": {
            "audience": plan.audience.with_columns(pl.col("users").cast(pl.Int64)).to_dicts(),
            "licences_new": plan.licences_new,
            "counts": {
                "by_action": plan.totals(),
                "not_synced_by_first_reason": [asdict(r) for r in counts.first_reason],
                "not_synced_by_any_reason": [asdict(r) for r in counts.any_reason],
                "people": counts.people,
                "by_role": counts.by_role,
                "students_by_grade": counts.by_grade,
                "staff": counts.staff,
                "schools": [asdict(s) for s in counts.schools],
            },
        },
        "root_causes": [asdict(c) for c in plan.root_causes],
        "followups": [asdict(f) for f in plan.followups],
        "notes": list(plan.notes),
    }


@pytest.mark.parametrize(("name", "previous"), CASES)
def test_the_document_is_the_one_asdict_made(name: str, previous: str | None) -> None:
    plan = planned(name, previous)
    new = plan_json.plan_document(plan, with_actions=False)
    assert json.dumps(new, indent=2) == json.dumps(old_document(plan), indent=2)
    assert plan.root_causes and new["summary"]["counts"]["schools"]


@pytest.mark.parametrize(("name", "previous"), CASES)
def test_the_totals_are_counted_once(
    monkeypatch: pytest.MonkeyPatch, name: str, previous: str | None
) -> None:
    plan = planned(name, previous)
    calls: list[int] = []
    totals = Plan.totals

    def counted(self: Plan) -> dict[str, dict[str, int]]:
        calls.append(1)
        return totals(self)

    monkeypatch.setattr(Plan, "totals", counted)
    text = plan_json.plan_json_text(plan)
    assert len(calls) == 1
    doc = json.loads(text)
    assert doc["totals"] == doc["summary"]["counts"]["by_action"] == totals(plan)


def test_record_is_asdict_in_field_order() -> None:
    objs: list[Any] = [
        RootCause("r", "school", "s1", "Cedar (s1)", {"user": 3}, "m", "orgs.csv", 4),
        RootCause("r", "file", "f", "f", {}, "m"),
        FollowUp("delete-user", "user", "u1", "m"),
        ReasonCount("user", "skip", "r", 5),
        SchoolCount("s1", None, "skip", ["r1", "r2"], 0),
    ]
    for obj in objs:
        assert record(obj) == asdict(obj)
        assert list(record(obj)) == list(asdict(obj))
