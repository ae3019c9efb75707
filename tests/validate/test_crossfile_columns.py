"""crossfile.columns.columns_read names every column the cross-file rules read.

`api.check` drops every other column before the plan runs beside the rules: a rule that
read an undeclared column would then silently find less.  Each export here is checked
twice, on its full frames and on frames cut to the declared columns: the findings must be
the same, on every cross-file rule's examples, the samples and the corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from roster_lint import api
from roster_lint.catalogue import Example, Rule, catalogue
from roster_lint.examples import materialise
from roster_lint.findings import Findings
from roster_lint.model import LINE, Export
from roster_lint.validate import crossfile
from roster_lint.validate.crossfile.columns import columns_read, read_after_first
from tests.conftest import ROOT

CROSSFILE = [r for r in catalogue().rules if r.code.startswith("RL2")]
EXAMPLES = [(r, which) for r in CROSSFILE for which in ("failing", "passing")]
CORPUS = [
    "edfi-lms-toolkit/oneroster_1.1_sample",
    "mockroster/classlink_sandbox_2019",
    "mockroster/excel_mangled",
    "moodle-enrol_oneroster/v1p1_Test_full_data_set",
    "moodle-enrol_oneroster/v1p2_full_dataset",
    "moodle-enrol_oneroster/v1p2_oneroster_test_data_delta",
]


def _cut(export: Export, keep: Callable[[str, str], bool]) -> None:
    for t in export.tables.values():
        if LINE in t.df.columns:
            t.df = t.df.select([c for c in t.df.columns if c == LINE or keep(t.name, c)])


def _declared(file: str, column: str) -> bool:
    return column in columns_read()


def _crossfile(path: str, keep: Callable[[str, str], bool] | None) -> pl.DataFrame:
    export = api.load(path)
    if keep is not None:
        _cut(export, keep)
    out = Findings()
    crossfile.run(export, out)
    return out.frame()


def _as_check_runs_it(path: str) -> pl.DataFrame:
    """crossfile.FIRST on the declared columns, then the rest without FIRST_ONLY's."""
    export = api.load(path)
    _cut(export, _declared)
    out = Findings()
    crossfile.run(export, out, "first")
    _cut(export, read_after_first)
    crossfile.run(export, out, "rest")
    return out.frame()


def _same(path: str) -> None:
    full = _crossfile(path, None).to_dicts()
    assert _crossfile(path, _declared).to_dicts() == full
    assert _as_check_runs_it(path).to_dicts() == full


def _materialised(ex: Example, tmp: Path) -> str:
    return str(materialise(ex.base, ex.patch, tmp / "now"))


@pytest.mark.parametrize(("rule", "which"), EXAMPLES, ids=[f"{r.code}-{w}" for r, w in EXAMPLES])
def test_rule_examples_need_only_declared_columns(rule: Rule, which: str, tmp_path: Path) -> None:
    _same(_materialised(getattr(rule, which), tmp_path))


@pytest.mark.parametrize("name", ["district", "district-flawed", "district-v12"])
def test_samples_need_only_declared_columns(name: str) -> None:
    _same(str(ROOT / "sample_exports" / name))


@pytest.mark.parametrize("rel", CORPUS)
def test_corpus_needs_only_declared_columns(corpus: Path, rel: str) -> None:
    _same(str(corpus / rel))


def test_an_undeclared_column_is_caught(tmp_path: Path) -> None:
    """The comparison can fail: without the enrollment dates, RL223's example finds nothing."""
    rule = next(r for r in CROSSFILE if r.code == "RL223")
    path = _materialised(rule.failing, tmp_path)
    full = _crossfile(path, None)
    assert "RL223" in full["code"].to_list()
    cut = _crossfile(path, lambda file, column: _declared(file, column) and column != "beginDate")
    assert "RL223" not in cut["code"].to_list()
    # and RL223 must run first: after FIRST_ONLY's columns are gone it finds nothing
    export = api.load(path)
    _cut(export, read_after_first)
    out = Findings()
    crossfile.run(export, out, "rest")
    assert "RL223" not in out.frame()["code"].to_list()
