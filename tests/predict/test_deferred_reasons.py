"""The enrollments' reasons lists build_plan leaves to be made when read
(Plan.defer_reasons): `plan.actions` is the frame the eager path made (the engine with
the lists made at once is the oracle), the JSON, counts and totals read the keys and
never make them, and `made_reasons` rebuilds any frame's lists from its keys."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint import api
from roster_lint.predict import engine
from roster_lint.predict.model import made_reasons, reason_keys
from roster_lint.report.counts import plan_counts
from roster_lint.report.plan_json import plan_json_text
from tests.predict.helpers import EXPORTS, OPTIONS, SAMPLES


def _eager_plan(export: Path, opts: api.Options, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The plan with every reasons list made at once (the path before deferring)."""
    real = engine.enr.enrollment_actions

    @functools.wraps(real)
    def eager(*args: Any, **kw: Any) -> pl.DataFrame:
        kw["lists"] = True
        return real(*args, **kw)

    with monkeypatch.context() as m:
        m.setattr(engine.enr, "enrollment_actions", eager)
        plan = api.plan(str(export), opts)
    assert not plan._reasons_unmade
    return plan


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("export", EXPORTS, ids=lambda p: p.name)
def test_deferred_reasons_are_the_eager_ones(
    export: Path, option: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opts = OPTIONS[option]
    oracle = _eager_plan(export, opts, monkeypatch)
    plan = api.plan(str(export), opts)
    has_enrollments = (oracle.actions["entity"] == "enrollment").any()
    # --previous writes the reasons as text (history.py): nothing to defer there.
    assert plan._reasons_unmade == bool(has_enrollments and option != "previous")
    frame, keys = plan.keyed_actions()
    assert keys is not None
    # What reads the keys reads no list: the JSON, the counts and the totals are the
    # eager plan's, and the lists are still not made after them.
    assert plan_json_text(plan) == plan_json_text(oracle)
    assert plan_counts(plan) == plan_counts(oracle)
    assert plan.totals() == oracle.totals()
    assert plan._reasons_unmade == bool(has_enrollments and option != "previous")
    if plan._reasons_unmade:  # the placeholders
        rows = frame.filter(pl.col("entity") == "enrollment")
        assert rows["reasons"].null_count() == rows.height
    # Read, the actions are the eager plan's, the lists made cut like the ids.
    assert plan.actions.equals(oracle.actions)
    assert not plan._reasons_unmade
    if option != "previous":
        assert plan.actions["reasons"].chunk_lengths() == plan.actions["id"].chunk_lengths()


@pytest.mark.parametrize("export", EXPORTS, ids=lambda p: p.name)
def test_made_reasons_rebuilds_the_lists_from_the_keys(export: Path) -> None:
    actions = api.plan(str(export), api.Options()).actions
    keys = reason_keys(actions)
    assert keys is not None
    blank = actions.with_columns(pl.lit(None, pl.List(pl.String())).alias("reasons"))
    made = made_reasons(blank, keys)
    assert made.equals(actions)
    assert made["reasons"].chunk_lengths() == made["id"].chunk_lengths()


def test_a_plan_made_anew_reads_its_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    # dataclasses.replace (--redact) reads `actions`: the lists are made then, and the
    # new plan has them without the keys.
    import dataclasses

    plan = api.plan(str(SAMPLES / "district-flawed"), api.Options())
    assert plan._reasons_unmade
    copy = dataclasses.replace(plan, notes=[])
    assert copy.keys_of_actions() is None and not copy._reasons_unmade
    assert copy.actions.equals(
        _eager_plan(SAMPLES / "district-flawed", api.Options(), monkeypatch).actions
    )


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("export", EXPORTS, ids=lambda p: p.name)
def test_tagged_rows_from_the_keys_are_those_of_the_lists(export: Path, option: str) -> None:
    from roster_lint.predict.findings import SUMMARY_RULES, _Tagged, row_rules
    from roster_lint.predict.profile import load_profile

    plan = api.plan(str(export), OPTIONS[option])
    rules = {*row_rules(load_profile()), *SUMMARY_RULES}
    frame, keys = plan.keyed_actions()
    assert keys is not None
    keyed = _Tagged(frame, rules, keys)
    lists = _Tagged(plan.actions, rules)  # the oracle: the lists themselves
    assert keyed._tags.equals(lists._tags)
    assert keyed._count == lists._count
    assert keyed._names == lists._names


def test_checks_findings_leave_the_lists_unmade() -> None:
    # `check` runs the plan's findings from the keys: the lists are never made.
    export = SAMPLES / "district-flawed"
    loaded = api.load(str(export))
    plan = api.plan_export(loaded, api.Options(), None)
    assert plan._reasons_unmade
    from roster_lint.findings import Findings
    from roster_lint.predict.findings import profile_findings

    out = Findings()
    profile_findings(plan, loaded, api.Options(), out)
    assert plan._reasons_unmade
