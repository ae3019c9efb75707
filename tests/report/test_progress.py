"""Progress: only for a person at a terminal, with counts and the export loading named; the
pipeline calls what the caller passes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rich.console import Console

from roster_lint import api
from roster_lint.report import progress
from tests.cli_run import run_cli
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


DISTRICT = ROOT / "sample_exports" / "district-flawed"
YESTERDAY = ROOT / "sample_exports" / "district-yesterday"


def _rows(path: Path) -> int:
    """Records in the export's OneRoster files (not the manifest)."""
    return sum(
        len(f.read_text("utf-8").splitlines()) - 1
        for f in path.glob("*.csv")
        if f.name != "manifest.csv"
    )


def test_bars_on_a_terminal_count_files_and_rows_and_name_the_export(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("ROSTER_LINT_NO_PROGRESS", raising=False)
    buf = _Tty()
    console = Console(file=buf, force_terminal=True, width=200)
    bars = progress.for_run("text", console, stages=progress.stage_count("check", True))
    assert bars is not None
    api.check(str(DISTRICT), api.Options(previous=str(YESTERDAY)), progress=bars)
    shown = buf.getvalue()
    files = len([f for f in DISTRICT.glob("*.csv") if f.name != "manifest.csv"])
    assert f"[1/4] Loading export {DISTRICT.name}" in shown
    assert f"[3/4] Loading previous export {YESTERDAY.name}" in shown
    assert f"{files}/{files} files · {_rows(DISTRICT):,} rows" in shown
    assert f"{_rows(YESTERDAY):,} rows" in shown
    assert "[2/4] Validating" in shown and "[4/4] Predicting the sync" in shown


def test_nothing_on_stderr_in_a_pipe(capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI under pytest: stderr is not a terminal, so no bar, no stage name."""
    run = run_cli(capsys, "plan", str(DISTRICT), "--previous", str(YESTERDAY), "--format", "json")
    assert run.code == 0
    assert run.err == ""
    run = run_cli(capsys, "check", str(DISTRICT), "-q")
    assert "Loading" not in run.err and "Validating" not in run.err


@pytest.mark.parametrize(
    ("command", "previous", "stages"),
    [
        ("check", False, ["Loading export", "Validating", "Validating and predicting"]),
        (
            "check",
            True,
            ["Loading export", "Validating", "Loading previous export", "Predicting the sync"],
        ),
        ("plan", False, ["Loading export", "Predicting the sync"]),
        ("plan", True, ["Loading export", "Loading previous export", "Predicting the sync"]),
    ],
)
def test_the_pipeline_reports_its_stages_to_the_progress_it_is_given(
    command: str, previous: bool, stages: list[str]
) -> None:
    seen: list[str] = []

    @contextmanager
    def record(name: str) -> Iterator[None]:
        seen.append(name)
        yield

    opts = api.Options(previous=str(YESTERDAY) if previous else None)
    if command == "check":
        api.check(str(DISTRICT), opts, progress=record)
    else:
        export = api.load_for_plan(str(DISTRICT), record)
        api.plan_export(export, opts, api.load_previous(opts, record), record)
    assert seen == stages
    assert progress.stage_count(command, previous) == len(stages)  # the [n/N] numbering


def test_json_to_stdout_by_output_dash_counts_as_json() -> None:
    assert progress.stdout_format("text", ["html:r.html", "json:-"]) == "json"
    assert progress.stdout_format("text", ["json:r.json"]) == "text"
    assert not progress.should_show(progress.stdout_format("text", ["JSON:-"]), _Tty(), {})
