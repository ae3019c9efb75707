"""diff shows old -> new for changed values (issue 11), pseudonymised under --redact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_lint.report.redact import personal
from tests.cli_run import run_cli
from tests.predict.helpers import cell, make

CHANGES = [
    cell("users.csv", 3, "givenName", "Alana"),  # personal (redacted)
    cell("users.csv", 3, "grades", "7"),  # not personal
    cell("classes.csv", 2, "title", "Math 7 - Period 2"),
]


def changed(doc: dict[str, object], file: str) -> list[dict[str, object]]:
    files = doc["files"]
    assert isinstance(files, list)
    fd = next(f for f in files if f["file"] == file)
    out: list[dict[str, object]] = fd["records"]["changed"]
    return out


def test_changed_records_carry_old_and_new_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = make(tmp_path, name="old"), make(tmp_path, CHANGES, name="new")
    doc = json.loads(run_cli(capsys, "diff", old, new, "--format", "json").out)
    (user,) = changed(doc, "users.csv")
    assert (user["sourcedId"], user["line"], user["columns"]) == (
        "stu1",
        3,
        ["givenName", "grades"],
    )
    assert user["values"] == {
        "givenName": {"old": "Alan", "new": "Alana"},
        "grades": {"old": "07", "new": "7"},
    }
    (klass,) = changed(doc, "classes.csv")
    assert klass["values"] == {"title": {"old": "Math 7 - Period 1", "new": "Math 7 - Period 2"}}
    assert klass["action"] == "update"  # the class exists already (issue 11)


def test_redacted_values_are_pseudonyms_and_the_rest_stays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert personal("users.csv", "givenName") and not personal("users.csv", "grades")
    old, new = make(tmp_path, name="old"), make(tmp_path, CHANGES, name="new")
    run = run_cli(capsys, "diff", old, new, "--format", "json", "--redact")
    assert "Alana" not in run.out and '"Alan"' not in run.out
    (user,) = changed(json.loads(run.out), "users.csv")
    values = user["values"]
    assert isinstance(values, dict)
    name = values["givenName"]
    assert name["old"] and name["new"] and name["old"] != name["new"]
    assert values["grades"] == {"old": "07", "new": "7"}
    (klass,) = changed(json.loads(run.out), "classes.csv")
    assert klass["values"] == {"title": {"old": "Math 7 - Period 1", "new": "Math 7 - Period 2"}}


def test_text_shows_old_and_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = make(tmp_path, name="old"), make(tmp_path, CHANGES, name="new")
    out = run_cli(capsys, "diff", old, new).out
    assert "grades 07 → 7" in " ".join(out.split())
