"""The RL1xx catalogue examples, run through the loader and the schema stage only.

tests/test_rule_examples.py runs the same examples through the whole pipeline; this keeps
the schema rules' own contract testable while other stages change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint.catalogue import Rule, catalogue
from tests.rulecases import matches
from tests.validate.schema_helpers import example_findings, rows

RULES = [r for r in catalogue().rules if r.group == "schema"]


def test_schema_rules_are_rl1xx() -> None:
    assert RULES
    assert all(r.code.startswith("RL1") for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_failing_example_fires(rule: Rule, tmp_path: Path) -> None:
    mine = rows(example_findings(rule.failing, tmp_path), rule.code)
    assert rule.failing.expect
    for expected in rule.failing.expect:
        assert any(matches(r, expected) for r in mine), (rule.code, expected, mine)
    assert all(r["severity"] == rule.severity.value for r in mine)


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_passing_example_is_clean(rule: Rule, tmp_path: Path) -> None:
    assert rows(example_findings(rule.passing, tmp_path), rule.code) == []


@pytest.mark.parametrize("base", ["base-1.1", "base-1.2"])
def test_base_exports_have_no_schema_findings(base: str, tmp_path: Path) -> None:
    from roster_lint.catalogue import Example

    ex = Example("", base, (), (), None, (), ())
    assert example_findings(ex, tmp_path).height == 0
