"""The RL2xx catalogue examples, run through the loader and the cross-file stage only.

tests/test_rule_examples.py runs the same examples through the whole pipeline; this keeps
the cross-file rules' own contract testable while the other stages change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint.catalogue import Example, Rule, Severity, catalogue
from roster_lint.examples import materialise
from roster_lint.findings import Findings
from roster_lint.load import load_export
from roster_lint.validate import crossfile
from tests.rulecases import matches

RULES = [r for r in catalogue().rules if r.group == "crossfile"]


def crossfile_findings(ex: Example, tmp: Path) -> pl.DataFrame:
    out = Findings()
    crossfile.run(load_export(str(materialise(ex.base, ex.patch, tmp / "now"))), out)
    return out.frame()


def rows(df: pl.DataFrame, code: str) -> list[dict[str, Any]]:
    return [r for r in df.iter_rows(named=True) if r["code"] == code]


def test_crossfile_rules_are_rl2xx() -> None:
    assert len(RULES) >= 40
    assert all(r.code.startswith("RL2") for r in RULES)


def test_unconfirmed_spec_items_are_never_errors() -> None:
    # oneroster.md items tagged [verify] may only warn.
    for r in RULES:
        if "[verify]" in r.source:
            assert r.severity is not Severity.ERROR, r.code


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_failing_example_fires(rule: Rule, tmp_path: Path) -> None:
    mine = rows(crossfile_findings(rule.failing, tmp_path), rule.code)
    assert rule.failing.expect
    for expected in rule.failing.expect:
        assert any(matches(r, expected) for r in mine), (rule.code, expected, mine)
    assert all(r["severity"] == rule.severity.value for r in mine)
    assert all(r["file"] and r["line"] and r["column"] for r in mine)


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_passing_example_is_clean(rule: Rule, tmp_path: Path) -> None:
    assert rows(crossfile_findings(rule.passing, tmp_path), rule.code) == []


@pytest.mark.parametrize("base", ["base-1.1", "base-1.2"])
def test_base_exports_have_no_crossfile_findings(base: str, tmp_path: Path) -> None:
    ex = Example("", base, (), (), None, (), ())
    assert crossfile_findings(ex, tmp_path).to_dicts() == []
