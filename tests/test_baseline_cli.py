"""A baseline makes an unchanged export pass and a new defect fail (keyed by rule, file, id)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_lint.examples import materialise
from tests.cli_run import run_cli

OLD_DEFECT = {"op": "set", "file": "users.csv", "line": 3, "column": "role", "value": "Student"}
NEW_DEFECT = {
    "op": "set",
    "file": "classes.csv",
    "line": 2,
    "column": "classType",
    "value": "Scheduled",
}
# A row added above the old defect moves its line: the baseline must still match it.
SHIFT = {
    "op": "append",
    "file": "users.csv",
    "copy_line": 4,
    "values": {"sourcedId": "stu3", "username": "stu.three", "email": "stu3@example.org"},
}


def test_baseline_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    today = materialise("base-1.1", [OLD_DEFECT], tmp_path / "a")
    baseline = tmp_path / "baseline.json"
    first = run_cli(capsys, "check", str(today), "--write-baseline", str(baseline))
    # accepting today's findings succeeds (issue 11) and says what it wrote
    assert first.code == 0 and baseline.is_file()
    assert first.err.startswith(f"wrote baseline {baseline}: ")

    same = run_cli(capsys, "check", str(today), "--baseline", str(baseline), "--format", "json")
    assert same.code == 0, same.out
    assert not [f for f in json.loads(same.out)["findings"] if f["severity"] == "error"]

    worse = materialise("base-1.1", [OLD_DEFECT, NEW_DEFECT, SHIFT], tmp_path / "b")
    run = run_cli(capsys, "check", str(worse), "--baseline", str(baseline), "--format", "json")
    assert run.code == 1
    errors = [f for f in json.loads(run.out)["findings"] if f["severity"] == "error"]
    assert {(f["file"], f["column"]) for f in errors} == {("classes.csv", "classType")}, errors


def test_bad_baseline_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    today = materialise("base-1.1", [], tmp_path / "a")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    run = run_cli(capsys, "check", str(today), "--baseline", str(bad))
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1
