"""Every catalogue rule has a failing and a passing example, and both behave as declared."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint.catalogue import Rule, catalogue
from tests.rulecases import matches, run_example

RULES = catalogue().rules


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_failing_example_fires(rule: Rule, tmp_path: Path) -> None:
    ex = rule.failing
    assert ex.expect or ex.expect_plan, f"{rule.code}: failing example declares no expectation"
    findings, actions = run_example(ex, tmp_path)
    mine = [r for r in findings.iter_rows(named=True) if r["code"] == rule.code]
    for expected in ex.expect:
        assert any(matches(r, expected) for r in mine), (
            f"{rule.code} {rule.name}: expected {expected}, got {mine or 'no finding'}"
        )
    for expected in ex.expect_plan:
        rows = [
            r
            for r in actions.iter_rows(named=True)
            if r["entity"] == expected["entity"] and r["id"] == expected["id"]
        ]
        assert rows, f"{rule.code}: no {expected['entity']} {expected['id']} in the plan"
        assert rows[0]["action"] == expected["action"], rows[0]
        assert rule.name in rows[0]["reasons"] or expected.get("no_reason"), rows[0]


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_passing_example_is_clean(rule: Rule, tmp_path: Path) -> None:
    findings, actions = run_example(rule.passing, tmp_path)
    assert rule.code not in findings["code"].to_list(), findings.filter(
        findings["code"] == rule.code
    ).to_dicts()
    if actions is not None:
        assert not any(rule.name in r for r in actions["reasons"].to_list())
