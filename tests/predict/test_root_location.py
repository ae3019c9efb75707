"""A root finding shows the cell that says the root: the root's own row (orgs.csv for a
school, courses.csv for a course), or else the reference that leads to it.  A school that
is no school row of orgs.csv (a department users point at) was shown as users.csv's own
`identifier` column, with the user's value, as if it were the school's."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint import api

CORPUS = Path(__file__).resolve().parents[2].parent / "shared/corpus/moodle-enrol_oneroster"
DEPARTMENT = CORPUS / "v1p1_Test_full_data_set"


def _rl304(path: Path) -> list[dict[str, object]]:
    findings = api.check(str(path), api.Options()).findings
    return findings.filter(findings["code"] == "RL304").to_dicts()


@pytest.mark.skipif(not DEPARTMENT.is_dir(), reason="../shared/corpus is not beside the repo")
def test_a_root_seen_only_through_references_is_shown_at_the_reference() -> None:
    (f,) = _rl304(DEPARTMENT)
    assert (f["file"], f["line"], f["column"], f["value"], f["sourced_id"]) == (
        "users.csv",
        2,
        "orgSourcedIds",
        "org-sch-222-456",
        None,
    )


def test_a_root_on_its_own_row_shows_its_own_cell() -> None:
    (f,) = _rl304(Path("sample_exports/district-flawed"))
    assert (f["file"], f["line"], f["column"], f["value"], f["sourced_id"]) == (
        "orgs.csv",
        5,
        "identifier",
        "",
        "103",
    )
