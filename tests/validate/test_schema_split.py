"""schema.run over some columns, then over the rest, finds what one run over all finds.

`pipeline.run_check` relies on it: it checks the columns no later stage reads first, drops them,
and checks the rest beside the plan, after the cross-file rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint import api, pipeline
from roster_lint.findings import Findings
from roster_lint.validate import schema
from roster_lint.validate.crossfile.columns import read_after_first
from tests.conftest import ROOT


def _whole(path: str) -> list[dict[str, object]]:
    out = Findings()
    schema.run(api.load(path), out)
    return out.frame().to_dicts()


def _split(path: str) -> tuple[list[dict[str, object]], int]:
    export = api.load(path)
    readers = (pipeline.plan_reads(), api.outputs_read, read_after_first)
    first = pipeline.unread_columns(export, *readers)
    out = Findings()
    schema.run(export, out, columns=first)
    n_first = out.frame().height
    pipeline.release_unread_columns(export, *readers)
    schema.run(export, out)
    return out.frame().to_dicts(), n_first


def test_split_run_equals_whole_run_on_the_flawed_sample() -> None:
    path = str(ROOT / "sample_exports" / "district-flawed")
    found, n_first = _split(path)
    assert found == _whole(path)
    assert 0 < n_first < len(found)  # both parts find something: the test can tell


@pytest.mark.parametrize(
    "rel", ["mockroster/excel_mangled", "moodle-enrol_oneroster/v1p2_full_dataset"]
)
def test_split_run_equals_whole_run_on_the_corpus(corpus: Path, rel: str) -> None:
    path = str(corpus / rel)
    assert _split(path)[0] == _whole(path)


def test_only_the_named_columns_are_checked() -> None:
    path = str(ROOT / "sample_exports" / "district-flawed")
    export = api.load(path)
    out = Findings()
    schema.run(export, out, columns={"users.csv": ["grades"]})
    found = out.frame()
    assert found.height > 0
    assert set(found["file"].to_list()) == {"users.csv"}
    assert set(found["column"].to_list()) == {"grades"}
