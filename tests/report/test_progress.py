"""Progress: only for a person at a terminal; the pipeline calls what the caller passes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from rich.console import Console

from roster_lint import api
from roster_lint.report import progress
from tests.conftest import ROOT


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


def test_nothing_is_shown_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert progress.for_run("text", Console(file=io.StringIO())) is None
    assert capsys.readouterr() == ("", "")


def test_stage_shows_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("ROSTER_LINT_NO_PROGRESS", raising=False)
    buf = _Tty()
    console = Console(file=buf, force_terminal=True, width=60)
    spinner = progress.for_run("text", console)
    assert spinner is not None
    with spinner("Validating"):
        pass
    assert "Validating" in buf.getvalue()


def test_the_pipeline_reports_its_stages_to_the_progress_it_is_given() -> None:
    seen: list[str] = []

    @contextmanager
    def record(name: str) -> Iterator[None]:
        seen.append(name)
        yield

    api.check(str(ROOT / "sample_exports" / "district"), progress=record)
    assert seen == ["Loading export", "Validating", "Validating and predicting"]
