"""`roster-lint diff`: JSON document, exit codes, thresholds, redaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from roster_lint import api
from roster_lint.cli import main
from roster_lint.predict.model import Plan
from tests.diff.helpers import extra_users, folder, plan_of

PLAN = plan_of(
    [
        ("user", "stu2", "retain", ["user-removed-not-deleted"]),
        ("user", "stu9", "create", []),
        ("user", "tch1", "unchanged", []),
        ("enrollment", "k1_stu2", "retain", ["enrollment-dropped-not-unenrolled"]),
    ]
)
CHANGES = [
    {"op": "delete", "file": "enrollments.csv", "line": 4},
    {"op": "delete", "file": "users.csv", "line": 4},
    {"op": "set", "file": "users.csv", "line": 3, "column": "email", "value": "alan@x.org"},
    {"op": "append", "file": "users.csv", "copy_line": 3, "values": {"sourcedId": "stu9"}},
]


@pytest.fixture
def fixed_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI with a hand-made plan instead of the engine's."""

    def plan(*_: Any, **__: Any) -> Plan:
        return PLAN

    monkeypatch.setattr(api, "plan_export", plan)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["diff", *args])
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_json_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixed_plan: None
) -> None:
    old, new = folder(tmp_path, "old", []), folder(tmp_path, "new", CHANGES)
    code, out, _ = run([old, new, "--format", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    users = next(f for f in doc["files"] if f["file"] == "users.csv")
    assert (users["status"], users["key"], users["rows"]) == (
        "compared",
        ["sourcedId"],
        {"old": 3, "new": 3},
    )
    rec = users["records"]
    assert [(r["sourcedId"], r["line"], r["action"]) for r in rec["added"]] == [
        ("stu9", 4, "create")
    ]
    assert [(r["sourcedId"], r["line"], r["action"], r["reasons"]) for r in rec["removed"]] == [
        ("stu2", 4, "retain", ["user-removed-not-deleted"])
    ]
    assert [(r["sourcedId"], r["columns"]) for r in rec["changed"]] == [("stu1", ["email"])]
    assert users["columns_changed"] == {"email": 1}
    assert doc["summary"] == {"added": 1, "removed": 2, "changed": 1, "warnings": 0}
    will_not = {
        (g["entity"], g["action"], g["reason"], g["count"], g["source"])
        for g in doc["sync"]["will_not"]
    }
    assert will_not == {
        ("user", "retain", "user-removed-not-deleted", 1, "SK-A7"),
        ("enrollment", "retain", "enrollment-dropped-not-unenrolled", 1, "SK-E4"),
    }
    assert [(g["entity"], g["action"], g["count"]) for g in doc["sync"]["will"]] == [
        ("user", "create", 1)
    ]
    assert doc["sync"]["totals"]["user"] == {"create": 1, "retain": 1, "unchanged": 1}


def test_json_is_deterministic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixed_plan: None
) -> None:
    old, new = folder(tmp_path, "old", []), folder(tmp_path, "new", CHANGES)
    first = run([old, new, "--format", "json"], capsys)[1]
    assert run([old, new, "--format", "json"], capsys)[1] == first


def test_warnings_in_json_and_max_shrink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixed_plan: None
) -> None:
    old = folder(tmp_path, "old", extra_users(3, 11))  # 12 users
    new = folder(tmp_path, "new", extra_users(3, 9))  # 10 users: 17% fewer
    doc = json.loads(run([old, new, "--format", "json"], capsys)[1])
    assert doc["warnings"] == [] and doc["settings"]["max_shrink"] == 0.2
    doc = json.loads(run([old, new, "--format", "json", "--max-shrink", "0.1"], capsys)[1])
    assert [(w["code"], w["file"], w["value"], w["related"]["value"]) for w in doc["warnings"]] == [
        ("RL400", "users.csv", "10", "12")
    ]


def test_text_output_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixed_plan: None
) -> None:
    old, new = folder(tmp_path, "old", []), folder(tmp_path, "new", CHANGES)
    code, out, err = run([old, new], capsys)
    assert (code, err) == (0, "")
    assert "users.csv" in out and "SK-A7" in out


def test_without_the_engine_the_changes_still_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(*_: Any, **__: Any) -> Plan:
        raise ModuleNotFoundError("no engine", name="roster_lint.predict.engine")

    monkeypatch.setattr(api, "plan_export", missing)
    old, new = folder(tmp_path, "old", []), folder(tmp_path, "new", CHANGES)
    code, out, _ = run([old, new, "--format", "json"], capsys)
    doc = json.loads(out)
    assert code == 0
    assert doc["sync"] == {"available": False, "totals": {}, "will": [], "will_not": []}
    assert doc["summary"]["removed"] == 2


@pytest.mark.parametrize(
    "extra",
    [["--format", "xml"], ["--max-shrink", "1.5"], ["--max-shrink", "lots"], ["--mode", "x"]],
)
def test_bad_arguments_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixed_plan: None, extra: list[str]
) -> None:
    old, new = folder(tmp_path, "old", []), folder(tmp_path, "new", [])
    code, out, err = run([old, new, *extra], capsys)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and err.startswith("roster-lint: ")


def test_missing_export_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = folder(tmp_path, "old", [])
    code, _, err = run([old, str(tmp_path / "nowhere")], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_redact_hides_personal_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixed_plan: None
) -> None:
    old, new = folder(tmp_path, "old", []), folder(tmp_path, "new", CHANGES)
    code, out, _ = run([old, new, "--format", "json", "--redact"], capsys)
    assert code == 0
    for personal in ("alan@x.org", "alan.turing", "grace.hopper", '"stu2"', '"stu9"'):
        assert personal not in out
    doc = json.loads(out)
    assert doc["summary"] == {"added": 1, "removed": 2, "changed": 1, "warnings": 0}


def test_text_leads_with_what_the_sync_will_not_do(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: what someone must act on comes before the per-file counts."""
    root = Path(__file__).resolve().parents[2] / "sample_exports"
    with pytest.raises(SystemExit) as done:
        main(["diff", str(root / "district-yesterday"), str(root / "district")])
    lines = capsys.readouterr().out.splitlines()
    assert done.value.code == 0
    first = {
        key: next(i for i, line in enumerate(lines) if line.startswith(key))
        for key in ("What the Summit K12 sync will NOT do", "What it will do", "Changes per file")
    }
    assert list(first) == sorted(first, key=first.__getitem__)
    assert lines[first["What the Summit K12 sync will NOT do"] + 1].lstrip().startswith("7 removed")
