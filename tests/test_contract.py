"""The public contract (shared/spec/contract.md): check JSON shape, exit codes, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_lint.examples import materialise
from tests.cli_run import run_cli

FINDING_KEYS = {
    "code",
    "name",
    "severity",
    "file",
    "line",
    "column",
    "sourced_id",
    "value",
    "message",
}


def _export(tmp_path: Path, patch: list[dict[str, object]] | None = None) -> str:
    return str(materialise("base-1.1", patch or [], tmp_path))


def test_check_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _export(
        tmp_path,
        [{"op": "set", "file": "users.csv", "line": 3, "column": "role", "value": "Student"}],
    )
    run = run_cli(capsys, "check", path, "--format", "json")
    assert run.code == 1, run.err
    doc = json.loads(run.out)
    assert doc["tool"]["name"] == "roster-lint"
    assert doc["export"]["oneroster_version"] == "1.1"
    assert doc["export"]["files"]["users.csv"] == {"rows": 3, "mode": "bulk"}
    # `rows` is optional in the contract: the rows the findings stand for
    assert set(doc["summary"]) == {"error", "warning", "info", "rows"}
    assert doc["summary"]["rows"] == sum(f["count"] for f in doc["findings"])
    assert doc["findings"], "a capitalised role must be found"
    for f in doc["findings"]:
        assert set(f) >= FINDING_KEYS
        assert f["severity"] in ("error", "warning", "info")
        assert f["line"] is None or (isinstance(f["line"], int) and f["line"] >= 1)
        assert f["count"] == 1 and "lines" not in f  # a single row: count 1, no lines
    hit = [f for f in doc["findings"] if f["file"] == "users.csv" and f["line"] == 3]
    assert any(f["column"] == "role" and f["value"] == "Student" for f in hit), hit
    assert doc["summary"]["error"] == sum(f["severity"] == "error" for f in doc["findings"])


def test_clean_export_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "check", _export(tmp_path), "--format", "json")
    doc = json.loads(run.out)
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert run.code == 0 and not errors, errors


def test_fail_on_levels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _export(
        tmp_path,
        [{"op": "set", "file": "users.csv", "line": 3, "column": "role", "value": "Student"}],
    )
    assert run_cli(capsys, "check", path, "--fail-on", "never").code == 0
    assert run_cli(capsys, "check", path, "--fail-on", "error").code == 1


def test_json_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _export(
        tmp_path,
        [
            {
                "op": "set",
                "file": "classes.csv",
                "line": 2,
                "column": "classType",
                "value": "Scheduled",
            }
        ],
    )
    first = run_cli(capsys, "check", path, "--format", "json").out
    second = run_cli(capsys, "check", path, "--format", "json").out
    assert first == second


@pytest.mark.parametrize(
    "args",
    [
        ("check", "/nonexistent/export"),
        ("check", "EXPORT", "--format", "xml"),
        ("check", "EXPORT", "--fail-on", "sometimes"),
        ("check", "EXPORT", "--mode", "partial"),
        ("check", "EXPORT", "--select", "RL9999-no-such-rule"),
        ("check", "EXPORT", "--no-such-option"),
        ("explain", "no-such-rule"),
    ],
)
def test_could_not_run_is_exit_2_with_one_line(
    args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path)
    run = run_cli(capsys, *[path if a == "EXPORT" else a for a in args])
    assert run.code == 2
    assert "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert run.err.startswith("roster-lint: ")


def test_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _export(
        tmp_path,
        [{"op": "set", "file": "users.csv", "line": 3, "column": "role", "value": "Student"}],
    )
    doc = json.loads(run_cli(capsys, "check", path, "--format", "json").out)
    codes = sorted({f["code"] for f in doc["findings"]})
    first = codes[0]
    only = json.loads(run_cli(capsys, "check", path, "--format", "json", "--select", first).out)
    assert {f["code"] for f in only["findings"]} == {first}
    rest = json.loads(run_cli(capsys, "check", path, "--format", "json", "--ignore", first).out)
    assert first not in {f["code"] for f in rest["findings"]}
