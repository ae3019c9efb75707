"""The fast plan JSON writer gives the same document as plan_document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_lint import api
from roster_lint.report.plan_json import plan_document, plan_json_text

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


@pytest.mark.parametrize(
    ("export", "previous", "mode"),
    [
        ("district-flawed", "district-yesterday", "full"),
        ("district-v12", None, "provisioning"),
    ],
)
def test_json_text_is_plan_document(export: str, previous: str | None, mode: str) -> None:
    prev = str(SAMPLES / previous) if previous else None
    plan = api.plan(str(SAMPLES / export), api.Options(mode=mode, previous=prev))
    assert plan.actions.height > 100
    text = plan_json_text(plan)
    assert json.loads(text) == plan_document(plan)
    assert plan_json_text(plan) == text  # deterministic


def test_json_text_with_no_actions() -> None:
    plan = api.plan(str(SAMPLES / "district"))
    plan.actions = plan.actions.clear()
    assert json.loads(plan_json_text(plan))["actions"] == []
