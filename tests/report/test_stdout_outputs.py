"""Contract "Outputs to stdout": --output FORMAT:-, one "wrote" line per file, --quiet;
--write-baseline and --baseline say what they did; course-map init's --output."""

from __future__ import annotations

import json
from pathlib import Path

from tests.report.test_reading import CLEAN, FLAWED, cli


def test_dash_output_goes_to_stdout_and_files_are_named(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    run = cli("check", str(FLAWED), "--output", "json:-", "--output", f"html:{html}")
    assert run.returncode == 1
    doc = json.loads(run.stdout)  # stdout is the JSON alone, not the text report too
    assert doc["summary"]["error"] > 0
    assert run.stderr.splitlines() == [f"wrote html {html}"]
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_quiet_names_nothing(tmp_path: Path) -> None:
    run = cli("plan", str(FLAWED), "--quiet", "--output", f"csv:{tmp_path / 'a.csv'}")
    assert run.returncode == 0 and run.stderr == ""
    assert (tmp_path / "a.csv").stat().st_size > 0


def test_plan_and_diff_write_to_stdout(tmp_path: Path) -> None:
    plan = cli("plan", str(FLAWED), "--output", "json:-")
    assert json.loads(plan.stdout)["profile"] == "summit-k12"
    diff = cli("diff", str(CLEAN), str(FLAWED), "--output", "json:-")
    assert "files" in json.loads(diff.stdout)


def test_at_most_one_dash() -> None:
    run = cli("check", str(FLAWED), "--output", "json:-", "--output", "sarif:-")
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1


def test_outputs_that_are_inputs_are_still_refused(tmp_path: Path) -> None:
    run = cli("check", str(FLAWED), "--output", f"json:{FLAWED / 'users.csv'}")
    assert run.returncode == 2


def test_write_baseline_says_what_it_wrote_and_exits_0(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    run = cli("check", str(FLAWED), "--write-baseline", str(base))
    assert run.returncode == 0
    doc = json.loads(cli("check", str(FLAWED), "--format", "json").stdout)
    total = len(doc["findings"])
    assert f"wrote baseline {base}: {total:,} findings accepted" in run.stderr
    again = cli("check", str(FLAWED), "--baseline", str(base))
    assert again.returncode == 0
    assert f"hid {total:,} findings" in again.stderr


def test_course_map_init_output_forms(tmp_path: Path) -> None:
    new = cli("course-map", "init", str(CLEAN), "--output", f"csv:{tmp_path / 'a.csv'}")
    assert new.returncode == 0 and new.stderr.strip() == f"wrote csv {tmp_path / 'a.csv'}"
    old = cli("course-map", "init", str(CLEAN), "-o", str(tmp_path / "b.csv"))
    assert old.returncode == 0 and "deprecated" in old.stderr
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    dash = cli("course-map", "init", str(CLEAN), "--output", "csv:-")
    assert dash.stdout == (tmp_path / "a.csv").read_text()
