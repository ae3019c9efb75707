"""The CLI surface a new user meets: -h, "did you mean", ids that look like options."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_run import run_cli

SAMPLE = Path(__file__).resolve().parents[1] / "sample_exports" / "district"


@pytest.mark.parametrize("args", [["-h"], ["check", "-h"], ["why", "-h"], ["course-map", "-h"]])
def test_short_help(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    run = run_cli(capsys, *args)
    assert run.code == 0
    assert run.out.startswith("Usage: ")
    assert " ".join(args[:-1]) in run.out.splitlines()[0]


def test_explain_suggests_the_closest_rule(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "explain", "school-mising-nces-id")
    assert run.code == 2
    assert "did you mean 'school-missing-nces-id'?" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_explain_without_a_close_rule(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "explain", "zzzz-qqqq")
    assert run.code == 2
    assert "did you mean" not in run.err


def test_why_takes_an_id_that_starts_with_a_dash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    export = tmp_path / "district"
    shutil.copytree(SAMPLE, export)
    users = export / "users.csv"
    lines = users.read_text(encoding="utf-8").splitlines(keepends=True)
    first_id = lines[1].split(",", 1)[0]
    users.write_text(lines[0] + lines[1].replace(first_id, "-77", 1) + "".join(lines[2:]))
    run = run_cli(capsys, "why", str(export), "user", "-77", "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["id"] == "-77"
