"""The cross-file defects that ../shared/corpus/README.md lists, found with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from roster_lint.findings import Findings
from roster_lint.load import load_export
from roster_lint.validate import crossfile


def crossfile_findings(path: Path) -> pl.DataFrame:
    out = Findings()
    crossfile.run(load_export(str(path)), out)
    return out.frame()


def rows(df: pl.DataFrame, code: str) -> list[dict[str, Any]]:
    return df.filter(pl.col("code") == code).to_dicts()


def test_classlink_sandbox(corpus: Path) -> None:
    df = crossfile_findings(corpus / "mockroster" / "classlink_sandbox_2019")

    # 8 classes with two teachers both primary=true: every such enrollment row.
    primary = rows(df, "RL230")
    assert len({r["related_value"] for r in primary}) == 8
    assert len(primary) == 16
    assert {(r["file"], r["column"]) for r in primary} == {("enrollments.csv", "primary")}
    assert {r["line"] for r in primary if r["related_value"] == "31777"} == {14, 15}

    # Schools 2, 3 and 7 are not linked to the district "0".
    assert [(r["file"], r["line"], r["sourced_id"]) for r in rows(df, "RL251")] == [
        ("orgs.csv", 3, "2"),
        ("orgs.csv", 4, "3"),
        ("orgs.csv", 5, "7"),
    ]

    # Q1 ends 2019-11-09 (typo for 2018): past the school year FY and over Q2..Q4.
    outside = rows(df, "RL265")
    assert [(r["line"], r["column"], r["value"], r["related_value"]) for r in outside] == [
        (3, "endDate", "2019-11-09", "FY")
    ]
    overlap = rows(df, "RL264")
    assert {(r["line"], r["sourced_id"]) for r in overlap} == {(3, "Q1")}
    assert sorted(r["related_value"] for r in overlap) == ["Q2", "Q3", "Q4"]

    # schoolYear is the start year (2018) on all 7 sessions; a warning, never an error.
    year = rows(df, "RL263")
    assert [(r["line"], r["value"]) for r in year] == [(n, "2018") for n in range(2, 9)]
    assert {r["severity"] for r in year} == {"warning"}

    # The appended test account 999999 has no grade and no enrollments.
    assert [(r["line"], r["sourced_id"]) for r in rows(df, "RL240")] == [(181, "999999")]
    assert [(r["line"], r["sourced_id"]) for r in rows(df, "RL242")] == [(181, "999999")]

    # Nothing in the sandbox is unresolved.
    assert rows(df, "RL200") == []


def test_moodle_full_data_set(corpus: Path) -> None:
    df = crossfile_findings(corpus / "moodle-enrol_oneroster" / "v1p1_Test_full_data_set")

    # The only org points at a parent that is not in the file.
    parent = [r for r in rows(df, "RL200") if r["file"] == "orgs.csv"]
    assert [(r["line"], r["column"], r["related_file"], r["related_value"]) for r in parent] == [
        (2, "parentSourcedId", "orgs.csv", "org-sch-222-3456")
    ]

    # Classes reference courses while the manifest says file.courses=absent.
    absent = rows(df, "RL202")
    assert [(r["file"], r["line"], r["column"], r["related_file"]) for r in absent] == [
        ("classes.csv", 2, "courseSourcedId", "courses.csv")
    ]
    # ...and that is reported once, not as an unresolved reference per row.
    assert [r for r in rows(df, "RL200") if r["column"] == "courseSourcedId"] == []


def test_moodle_1_2_roles(corpus: Path) -> None:
    df = crossfile_findings(corpus / "moodle-enrol_oneroster" / "v1p2_full_dataset")
    # usr-222-1234561 has only a secondary role.
    assert [(r["file"], r["line"], r["sourced_id"]) for r in rows(df, "RL271")] == [
        ("users.csv", 4, "usr-222-1234561")
    ]
