"""Every corpus export loads; the header and manifest defects its README lists are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.helpers import findings, load

EXPORTS = [
    "edfi-lms-toolkit/oneroster_1.0_sample",
    "edfi-lms-toolkit/oneroster_1.1_sample",
    "mockroster/classlink_sandbox_2019",
    "mockroster/excel_mangled",
    "moodle-enrol_oneroster/v1p1_Test_full_data_set",
    "moodle-enrol_oneroster/v1p1_Test_minimal_data_set",
    "moodle-enrol_oneroster/v1p2_full_dataset",
    "moodle-enrol_oneroster/v1p2_oneroster_test_data_delta",
]


def hits(corpus: Path, export: str, code: str) -> list[tuple[object, ...]]:
    e = load(corpus / export)
    return [(f["file"], f["line"], f["column"], f["value"]) for f in findings(e, code)]


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_loads(corpus: Path, name: str) -> None:
    export = load(corpus / name)
    assert export.tables, name
    assert all(t.readable for t in export.tables.values())


def test_corpus_folders_are_all_listed(corpus: Path) -> None:
    found = {str(p.parent.relative_to(corpus)) for p in corpus.rglob("*.csv")}
    assert found == set(EXPORTS)


def test_moodle_v12_header_typos(corpus: Path) -> None:
    got = hits(corpus, "moodle-enrol_oneroster/v1p2_full_dataset", "RL034")
    assert ("roles.csv", 1, "dateLastModified", "dataLastModified") in got
    assert ("users.csv", 1, "preferredGivenName", "prefferedGivenName") in got
    assert ("users.csv", 1, "preferredFamilyName", "prefferedFamilyName") in got


def test_moodle_v12_empty_header_cells_and_lowercase_file(corpus: Path) -> None:
    name = "moodle-enrol_oneroster/v1p2_full_dataset"
    cells = hits(corpus, name, "RL036")
    # Issue 13 item 13: no value (the cell is empty); cell 10 stands where roles.csv's
    # userProfileSourcedId goes (name it), cell 11 is a stray trailing cell.  userprofiles.csv
    # carries another file's header: no column is guessed from the position there.
    assert [(f, line, c, v) for f, line, c, v in cells if f != "userprofiles.csv"] == [
        ("roles.csv", 1, None, None),
        ("roles.csv", 1, "userProfileSourcedId", None),
    ]
    assert [(c, v) for f, _, c, v in cells if f == "userprofiles.csv"] == [(None, None)] * 2
    assert hits(corpus, name, "RL004") == [("userprofiles.csv", None, None, "userProfiles.csv")]
    export = load(corpus / name)
    assert export.tables["userProfiles.csv"].path == "userprofiles.csv"
    assert not export.tables["users.csv"].header_ok


def test_moodle_v12_empty_manifest_values(corpus: Path) -> None:
    got = hits(corpus, "moodle-enrol_oneroster/v1p2_full_dataset", "RL055")
    assert got == [
        ("manifest.csv", 21, "value", ""),
        ("manifest.csv", 22, "value", ""),
        ("manifest.csv", 23, "value", ""),
    ]


def test_edfi_manifest_version_1(corpus: Path) -> None:
    got = hits(corpus, "edfi-lms-toolkit/oneroster_1.1_sample", "RL053")
    assert got == [("manifest.csv", 2, "value", "1")]


def test_edfi_users_rows_with_an_extra_field(corpus: Path) -> None:
    got = hits(corpus, "edfi-lms-toolkit/oneroster_1.1_sample", "RL020")
    assert got == [("users.csv", 10, None, "19"), ("users.csv", 11, None, "19")]


def test_edfi_10_sample_is_recognised_as_10(corpus: Path) -> None:
    export = load(corpus / "edfi-lms-toolkit/oneroster_1.0_sample")
    assert export.version == "1.0"
    files = {f[0] for f in hits(corpus, "edfi-lms-toolkit/oneroster_1.0_sample", "RL070")}
    assert files == {"classes.csv", "courses.csv", "demographics.csv", "users.csv"}
    assert [f[0] for f in hits(corpus, "edfi-lms-toolkit/oneroster_1.0_sample", "RL050")] == [
        "manifest.csv"
    ]
    # 1.0 columns are mapped to their 1.1 successors so the value checks still run.
    assert "termSourcedIds" in export.tables["classes.csv"].df.columns


def test_excel_mangled_headers(corpus: Path) -> None:
    name = "mockroster/excel_mangled"
    assert ("users.csv", 1, "role", "role") in hits(corpus, name, "RL035")
    assert ("users.csv", 1, "orgs", None) in hits(corpus, name, "RL031")
    assert ("users.csv", 1, "orgSourcedIds", None) in hits(corpus, name, "RL030")


def test_classlink_sandbox(corpus: Path) -> None:
    name = "mockroster/classlink_sandbox_2019"
    export = load(corpus / name)
    assert hits(corpus, name, "RL006") == [("demographics.csv", None, None, None)]
    assert export.version == "1.1"
    assert {t.rows for n, t in export.tables.items() if n == "users.csv"} == {180}
    assert all(t.header_ok and t.mode == "bulk" for t in export.tables.values())
    codes = set(export.findings.frame()["code"].to_list())
    assert codes == {"RL006"}


def test_moodle_v12_delta_is_read_as_delta(corpus: Path) -> None:
    export = load(corpus / "moodle-enrol_oneroster/v1p2_oneroster_test_data_delta")
    assert export.version == "1.2"
    assert all(t.is_delta for t in export.tables.values())
    assert set(export.findings.frame()["code"].to_list()) == {"RL039"}
