"""Progress: only for a person at a terminal; `stage` is a no-op otherwise."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from roster_lint.report import progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("fmt", "tty", "env", "shown"),
    [
        ("text", True, {}, True),
        ("json", True, {}, False),
        ("text", False, {}, False),
        ("text", True, {"CI": "true"}, False),
        ("text", True, {"ROSTER_LINT_NO_PROGRESS": "1"}, False),
    ],
)
def test_should_show(fmt: str, tty: bool, env: dict[str, str], shown: bool) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert progress.should_show(fmt, stream, env) is shown


def test_stage_is_a_no_op_when_disabled(capsys: pytest.CaptureFixture[str]) -> None:
    progress.disable()
    ran = []
    with progress.stage("Loading export"):
        ran.append(1)
    assert ran == [1] and capsys.readouterr() == ("", "")


def test_stage_shows_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("ROSTER_LINT_NO_PROGRESS", raising=False)
    buf = _Tty()
    console = Console(file=buf, force_terminal=True, width=60)
    try:
        assert progress.enable("text", console)
        with progress.stage("Validating"):
            pass
    finally:
        progress.disable()
    assert "Validating" in buf.getvalue()
    assert not progress.enabled()
