"""Real exports from ../shared/corpus (read in place, never copied): the diff never crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint.diff import compare_without_plan
from roster_lint.load import load_export
from roster_lint.options import Options

SANDBOX = "mockroster/classlink_sandbox_2019"


def test_an_export_against_itself_has_no_changes(corpus: Path) -> None:
    exp = load_export(str(corpus / SANDBOX))
    result = compare_without_plan(exp, exp, Options())
    assert result.totals == {"added": 0, "removed": 0, "changed": 0}
    assert result.warnings.height == 0
    users = result.file("users.csv")
    assert users is not None and (users.rows_old, users.rows_new) == (180, 180)


# What each comparison with the 180-user sandbox must warn about: a few users is a shrink;
# a delta delivery is not compared by size, but its switch from bulk is a mode flip.
EXPECTED = {
    "edfi-lms-toolkit/oneroster_1.1_sample": "RL400",
    "moodle-enrol_oneroster/v1p1_Test_full_data_set": "RL400",
    "moodle-enrol_oneroster/v1p2_full_dataset": "RL405",
    "moodle-enrol_oneroster/v1p2_oneroster_test_data_delta": "RL404",
}


@pytest.mark.parametrize("new", sorted(EXPECTED))
def test_unrelated_exports_compare_without_crashing(corpus: Path, new: str) -> None:
    result = compare_without_plan(
        load_export(str(corpus / SANDBOX)), load_export(str(corpus / new)), Options()
    )
    users = result.file("users.csv")
    assert users is not None
    if users.status == "compared":
        # Different districts: every previous user is gone or changed.
        assert users.counts["removed"] + users.counts["changed"] == 180
    codes = result.warnings["code"].to_list()
    assert EXPECTED[new] in codes
    if new.endswith("_delta"):
        assert "RL400" not in codes and "RL401" not in codes
