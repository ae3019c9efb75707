"""The value defects the corpus README lists are found at the right lines."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import polars as pl

from tests.validate.schema_helpers import rows, schema_findings, schema_rows


def _at(df_rows: list[dict[str, Any]], file: str, column: str) -> dict[int, Any]:
    return {r["line"]: r["value"] for r in df_rows if r["file"] == file and r["column"] == column}


def test_moodle_v11_full(corpus: Path) -> None:
    f = schema_findings(corpus / "moodle-enrol_oneroster" / "v1p1_Test_full_data_set")
    assert _at(rows(f, "RL103"), "classes.csv", "classType") == {2: "Scheduled"}
    assert _at(rows(f, "RL103"), "users.csv", "enabledUser") == {n: "TRUE" for n in range(2, 8)}
    assert _at(rows(f, "RL110"), "academicSessions.csv", "status") == {4: "inactive"}
    # status filled in bulk files: warnings, and errors for tobedeleted rows
    assert _at(rows(f, "RL112"), "academicSessions.csv", "status") == {2: "tobedeleted"}
    assert _at(rows(f, "RL112"), "classes.csv", "status") == {3: "tobedeleted"}
    assert 3 in _at(rows(f, "RL111"), "academicSessions.csv", "status")
    # plain dates where a date-time is required
    assert _at(rows(f, "RL121"), "academicSessions.csv", "dateLastModified") == {
        4: "2023-05-01",
        5: "2023-05-01",
    }
    pw = [r for r in rows(f, "RL162") if r["file"] == "users.csv"]
    assert [(r["line"], r["value"]) for r in pw] == [(2, None)]


def test_moodle_v12_non_iso_dates(corpus: Path) -> None:
    f = schema_findings(corpus / "moodle-enrol_oneroster" / "v1p2_full_dataset")
    dates = _at(rows(f, "RL121"), "users.csv", "dateLastModified")
    assert dates == {
        2: "1/05/2023",
        4: "1/05/2023",
        5: "1/05/2023",
        6: "1/05/2023",
        7: "15/06/2023",
    }
    assert _at(rows(f, "RL103"), "classes.csv", "classType") == {2: "Scheduled"}


def test_excel_mangled_grades(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "mockroster" / "excel_mangled" / "users.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    gi = records[0].index("grades")
    # independent oracle: every single-digit grade is a lost leading zero
    expected = {n: r[gi] for n, r in enumerate(records[1:], start=2) if r[gi] in list("123456789")}
    f = schema_findings(path.parent)
    # more than 20 rows: one finding at the first, standing for all of them
    (grouped,) = [r for r in rows(f, "RL131") if r["file"] == "users.csv"]
    assert grouped["count"] == len(expected) > 20
    assert grouped["line"] == min(expected) and grouped["lines"] == sorted(expected)[:20]
    # every row is still there in the rows output
    every = schema_rows(path.parent, tmp_path).filter(pl.col("code") == "RL131")
    assert _at(every.to_dicts(), "users.csv", "grades") == expected
    assert every.filter(pl.col("line") == 39)["value"].to_list() == ["7"]
    (enabled,) = [r for r in rows(f, "RL103") if r["column"] == "enabledUser"]
    assert enabled["count"] >= 180  # enabledUser TRUE on every row


def test_classlink_sandbox_is_quiet_on_values(corpus: Path) -> None:
    f = schema_findings(corpus / "mockroster" / "classlink_sandbox_2019")
    assert f.filter(f["severity"] == "error").height == 0, f.head(5).to_dicts()
