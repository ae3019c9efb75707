"""api.load_for_plan(redact=False): the personal columns only --redact reads are not kept
(users' userIds, middleName, agentSourcedIds, sms, phone...), the rest is the export that
loading everything and slimming it to the plan's columns gives, and the plan is the same
(docs/performance.md, "Branch planload11")."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint import api, pipeline
from roster_lint.model import LINE
from roster_lint.report.plan_json import plan_json_text
from tests.load.test_kept_columns import _exports, _same


@pytest.mark.parametrize("path", _exports(), ids=lambda p: p.name)
def test_without_redact_only_the_plans_columns(path: Path) -> None:
    slimmed = api.load(str(path))
    pipeline.slim_for_plan(slimmed)  # the plan's and the profile findings' columns alone
    got = api.load_for_plan(str(path), redact=False)
    _same(got, slimmed)
    users = got.tables.get("users.csv")
    if users is not None and users.readable:
        assert {"userIds", "middleName", "agentSourcedIds"}.isdisjoint(users.df.columns)
        assert LINE in users.df.columns


@pytest.mark.parametrize("path", _exports()[:3], ids=lambda p: p.name)
def test_the_plan_is_the_same(path: Path) -> None:
    opts = api.Options()
    kept = api.plan_export(api.load_for_plan(str(path)), opts, None)
    assert plan_json_text(api.plan(str(path), opts)) == plan_json_text(kept)
