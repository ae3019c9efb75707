"""The (action, reasons) numbers build_plan makes (Plan.reason_keys: the enrollments from
their mask, predict/model.masked_keys; the other parts from their lists; put
together by `combined`) give each action the pair its own columns hold, and the JSON and
counts made from them are the bytes made from the lists (counts.reason_keys, the oracle)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import api
from roster_lint.predict.model import ACTION, Plan, ReasonKeys, combined, masked_keys, reason_keys
from roster_lint.report.counts import plan_counts
from roster_lint.report.plan_json import plan_json_text
from tests.predict.helpers import EXPORTS, OPTIONS


def _pairs_of_rows(keys: ReasonKeys) -> list[tuple[str, tuple[str, ...]]]:
    return [keys.pairs[k] for k in keys.keys.tolist()]


def _own_pairs(actions: pl.DataFrame) -> list[tuple[str, tuple[str, ...]]]:
    return [(a, tuple(r)) for a, r in actions.select("action", "reasons").iter_rows()]


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("export", EXPORTS, ids=lambda p: p.name)
def test_the_engines_keys_are_each_actions_own_pair(export: Path, option: str) -> None:
    plan = api.plan(str(export), OPTIONS[option])
    keys = plan.keys_of_actions()
    assert keys is not None  # build_plan made them
    assert len(keys.keys) == plan.actions.height
    assert len(set(keys.pairs)) == len(keys.pairs)
    assert _pairs_of_rows(keys) == _own_pairs(plan.actions)
    oracle = reason_keys(plan.actions)
    assert oracle is not None
    assert _pairs_of_rows(keys) == _pairs_of_rows(oracle)


def _without_keys(plan: Plan) -> Plan:
    plain = Plan(plan.profile, plan.mode, plan.actions, plan.audience)
    plain.root_causes, plain.followups = plan.root_causes, plan.followups
    plain.notes, plain.licences_new = plan.notes, plan.licences_new
    return plain


@pytest.mark.parametrize("option", ["full", "previous"])
@pytest.mark.parametrize("export", EXPORTS[:3], ids=lambda p: p.name)
def test_json_and_counts_from_the_keys_are_those_from_the_lists(export: Path, option: str) -> None:
    plan = api.plan(str(export), OPTIONS[option])
    assert plan.keys_of_actions() is not None
    plain = _without_keys(plan)
    assert plain.keys_of_actions() is None
    assert plan_json_text(plan) == plan_json_text(plain)
    assert plan_counts(plan) == plan_counts(plain)


def test_keys_of_other_actions_are_not_used() -> None:
    plan = api.plan(str(EXPORTS[0]), api.Options())
    assert plan.keys_of_actions() is not None
    plan.actions = plan.actions.head(3)
    assert plan.keys_of_actions() is None


NAMES = [(), ("a",), ("a", "b"), ("b",), ("c", "a", "b")]
ACTIONS = list(ACTION.categories)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, len(NAMES) - 1)), max_size=60))
def test_masked_keys_number_each_action_and_mask(rows: list[tuple[str, int]]) -> None:
    action = pl.Series([a for a, _ in rows], dtype=ACTION)
    mask = pl.Series([m for _, m in rows], dtype=pl.UInt16)
    keys = masked_keys(action, mask, NAMES)
    assert keys is not None
    assert len(set(keys.pairs)) == len(keys.pairs)
    assert _pairs_of_rows(keys) == [(a, NAMES[m]) for a, m in rows]


def test_masked_keys_give_way_to_the_lists_on_a_null() -> None:
    mask = pl.Series([0, None], dtype=pl.UInt16)
    assert masked_keys(pl.Series(["skip", "enroll"], dtype=ACTION), mask, NAMES) is None


pair = st.tuples(st.sampled_from(ACTIONS), st.sampled_from(NAMES))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(pair, max_size=30), max_size=5), st.booleans())
def test_combined_keys_are_the_parts_pairs_one_after_the_other(
    parts: list[list[tuple[str, tuple[str, ...]]]], many: bool
) -> None:
    made = []
    for rows in parts:
        pairs = list(dict.fromkeys(rows))
        if many:  # pairs no row names, and more than one byte can number
            pairs = [*pairs, *[("skip", (f"r{i}",)) for i in range(300)]][::-1]
        place = {p: i for i, p in enumerate(pairs)}
        made.append(ReasonKeys(np.array([place[r] for r in rows], np.int64), pairs))
    out = combined(made)
    assert out is not None
    assert len(set(out.pairs)) == len(out.pairs)
    assert _pairs_of_rows(out) == [r for rows in parts for r in rows]
    assert combined([*made, None]) is None


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("export", EXPORTS, ids=lambda p: p.name)
def test_totals_from_the_keys_are_the_group_bys(export: Path, option: str) -> None:
    plan = api.plan(str(export), OPTIONS[option])
    assert plan.keys_of_actions() is not None
    plain = _without_keys(plan)
    assert plain.keys_of_actions() is None
    assert list(plan.totals().items()) == list(plain.totals().items())
    for (e, acts), (e2, acts2) in zip(plan.totals().items(), plain.totals().items(), strict=True):
        assert e == e2 and list(acts.items()) == list(acts2.items())  # the same order too
