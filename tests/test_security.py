"""Security promises: no network, inputs untouched, hostile values never executed."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest

from roster_lint.examples import materialise
from tests.cli_run import run_cli

HOSTILE = [
    {
        "op": "set",
        "file": "users.csv",
        "line": 3,
        "column": "givenName",
        "value": "<script>alert(1)</script>",
    },
    {
        "op": "set",
        "file": "users.csv",
        "line": 3,
        "column": "familyName",
        "value": '=HYPERLINK("http://evil.example/","x")',
    },
    {
        "op": "set",
        "file": "courses.csv",
        "line": 2,
        "column": "title",
        "value": "=cmd|' /C calc'!A0",
    },
    {
        "op": "set",
        "file": "users.csv",
        "line": 4,
        "column": "role",
        "value": "[bold red]Student[/]",
    },
]


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    return attempts


@pytest.mark.parametrize("command", ["check", "plan"])
def test_no_network_and_inputs_untouched(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_network: list[object]
) -> None:
    export = materialise("base-1.1", HOSTILE, tmp_path / "in")
    before = _tree_digest(tmp_path / "in")
    run = run_cli(capsys, command, str(export), "--format", "json")
    assert run.code in (0, 1), run.err
    assert not no_network, f"{command} tried to open a connection: {no_network}"
    assert _tree_digest(tmp_path / "in") == before
    # nothing written next to the input either
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["export"]


def test_zip_input_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = materialise(
        "base-1.1", [*HOSTILE, {"op": "zip", "name": "district.zip"}], tmp_path / "in"
    )
    before = _tree_digest(tmp_path / "in")
    run = run_cli(capsys, "check", str(export), "--format", "json")
    assert run.code in (0, 1), run.err
    assert _tree_digest(tmp_path / "in") == before


def test_hostile_values_are_text_in_terminal_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = materialise("base-1.1", HOSTILE, tmp_path / "in")
    run = run_cli(capsys, "check", str(export))
    assert run.code in (0, 1), run.err
    # rich markup inside data must be printed literally, not interpreted
    if "Student" in run.out:
        assert "[bold red]Student[/]" in run.out
    json_run = run_cli(capsys, "check", str(export), "--format", "json")
    json.loads(json_run.out)
