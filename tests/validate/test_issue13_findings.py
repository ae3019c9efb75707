"""Issue 13, item 13 (and 9): findings that said something untrue about the export.

Each test asserts on the finding's structured fields (code, file, line, column, value,
related_*, severity); each failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from roster_lint import api
from tests.predict.helpers import Patch, cell, make


def found(tmp: Path, patch: Patch, code: str, **kw: Any) -> list[dict[str, Any]]:
    f = api.check(make(tmp, patch), api.Options(**kw)).findings
    return f.filter(pl.col("code") == code).to_dicts()


# --- 13(c): RL036 names no value, and asks to name a cell where a column belongs --------
def test_empty_header_cell_has_no_value_and_is_where_a_column_goes(tmp_path: Path) -> None:
    patch = [{"op": "rename_header", "file": "users.csv", "column": "middleName", "to": ""}]
    f = api.check(make(tmp_path, patch)).findings
    (empty,) = f.filter(pl.col("code") == "RL036").to_dicts()
    assert (empty["file"], empty["line"], empty["column"], empty["value"]) == (
        "users.csv",
        1,
        "middleName",
        None,
    )
    # RL030 (the column is missing) follows from the empty cell: one problem, one fix.
    (missing,) = f.filter(pl.col("code") == "RL030").to_dicts()
    assert (missing["column"], missing["cause_code"]) == ("middleName", "RL036")


def test_trailing_empty_header_cell_is_to_be_removed(tmp_path: Path) -> None:
    patch = [{"op": "add_column", "file": "orgs.csv", "column": ""}]
    (empty,) = found(tmp_path, patch, "RL036")
    assert (empty["file"], empty["line"], empty["column"], empty["value"]) == (
        "orgs.csv",
        1,
        None,
        None,
    )


# --- 13(d): the "looked for" side names the real column and value ---------------------
def test_role_differs_looks_for_the_user_record(tmp_path: Path) -> None:
    (hit,) = found(tmp_path, [cell("enrollments.csv", 3, "role", "teacher")], "RL221")
    assert (hit["related_file"], hit["related_column"], hit["related_value"]) == (
        "users.csv",
        "sourcedId",
        "stu1",
    )


def test_school_not_in_user_orgs_looks_for_the_user_record(tmp_path: Path) -> None:
    patch = [
        {
            "op": "append",
            "file": "orgs.csv",
            "copy_line": 3,
            "values": {"sourcedId": "sch2", "identifier": "060000100002"},
        },
        cell("users.csv", 3, "orgSourcedIds", "sch2"),
    ]
    (hit,) = found(tmp_path, patch, "RL222")
    assert (hit["related_file"], hit["related_column"], hit["related_value"]) == (
        "users.csv",
        "sourcedId",
        "stu1",
    )


def test_no_primary_looks_for_the_class_enrollments(tmp_path: Path) -> None:
    (hit,) = found(tmp_path, [cell("enrollments.csv", 2, "primary", "false")], "RL232")
    assert (hit["related_file"], hit["related_column"], hit["related_value"]) == (
        "enrollments.csv",
        "classSourcedId",
        "k1",
    )


def test_file_shrank_looks_for_yesterdays_file(tmp_path: Path) -> None:
    more = [
        {
            "op": "append",
            "file": "users.csv",
            "copy_line": 4,
            "values": {"sourcedId": f"s{i}", "username": f"s{i}", "email": f"s{i}@example.org"},
        }
        for i in range(9)
    ]
    prev = make(tmp_path, more, name="prev")
    (hit,) = found(tmp_path, [], "RL400", previous=prev)
    # The counts stay in value / related value (docs/diff.md); the other side is the
    # previous export's users.csv, not today's.
    assert (hit["file"], hit["value"], hit["related_value"]) == ("users.csv", "3", "12")
    assert hit["related_file"] == f"{prev}/users.csv"


# --- item 9: the profile decides RL112's severity and advice on enrollments (SK-E3) ------
TBD = [
    cell("enrollments.csv", 3, "status", "tobedeleted"),
    cell("orgs.csv", 3, "status", "tobedeleted"),
]


def _rl112(f: pl.DataFrame) -> dict[tuple[str, int], tuple[str, str]]:
    hits = f.filter(pl.col("code") == "RL112")
    return {(r["file"], r["line"]): (r["severity"], r["message"]) for r in hits.to_dicts()}


def test_tobedeleted_enrollment_is_info_to_keep_under_the_profile(tmp_path: Path) -> None:
    from roster_lint.predict.profile import load_profile

    hits = _rl112(api.check(make(tmp_path, TBD)).findings)
    severity, message = hits[("enrollments.csv", 3)]
    assert severity == "info"
    assert message == load_profile().restate["RL112"].message
    assert "keep sharing the row" in message and "drop the row" not in message
    # The student is unenrolled (SK-E3): the advice agrees with the plan.
    plan = api.plan(make(tmp_path, TBD, name="plan"))
    a = plan.actions
    assert a.filter((a["entity"] == "enrollment") & (a["id"] == "k1_stu1"))["action"][0] == (
        "unenroll"
    )
    # Elsewhere the effect is not documented: the OneRoster error and advice stay.
    severity, message = hits[("orgs.csv", 3)]
    assert severity == "error" and "drop the row" in message


def test_tobedeleted_enrollment_is_plain_oneroster_without_the_profile(tmp_path: Path) -> None:
    from roster_lint.findings import Findings
    from roster_lint.load import load_export
    from roster_lint.validate import run_all

    out = Findings()
    run_all(load_export(make(tmp_path, TBD)), out)
    severity, message = _rl112(out.frame())[("enrollments.csv", 3)]
    assert severity == "error" and "drop the row" in message


def test_tobedeleted_in_another_case_is_not_restated(tmp_path: Path) -> None:
    # The sync compares the status exactly: `TOBEDELETED` does not unenroll.
    patch = [cell("enrollments.csv", 3, "status", "TOBEDELETED")]
    severity, _ = _rl112(api.check(make(tmp_path, patch)).findings)[("enrollments.csv", 3)]
    assert severity == "error"


def test_restated_values_are_the_unenroll_status() -> None:
    from roster_lint.predict.profile import load_profile

    p = load_profile()
    assert p.restate["RL112"].values == [p.enrollments.unenroll_status]


# --- a class's course missing because courses.csv is absent follows RL202 ---------------
def test_class_course_missing_follows_the_absent_courses_file(tmp_path: Path) -> None:
    patch = [
        {"op": "remove", "file": "courses.csv"},
        {"op": "manifest", "property": "file.courses", "value": "absent"},
        {"op": "append", "file": "classes.csv", "copy_line": 2, "values": {"sourcedId": "k2"}},
    ]
    f = api.check(make(tmp_path, patch)).findings
    (root,) = f.filter(pl.col("code") == "RL202").select("file", "line", "column").rows()
    assert root == ("classes.csv", 2, "courseSourcedId")
    missing = f.filter(pl.col("code") == "RL313")
    assert missing.select("line", "cause_code", "cause_line").rows() == [
        (2, "RL202", 2),
        (3, "RL202", 2),
    ]
