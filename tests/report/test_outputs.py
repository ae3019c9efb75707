"""--output FORMAT:PATH: several reports from one run, only the paths given, exit 2 on bad."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from roster_lint import api
from roster_lint.errors import UsageError
from roster_lint.report.outputs import FORMATS, emit_plan, parse_outputs
from tests.cli_run import run_cli
from tests.report.test_outputs_support import finding, plan_of, result_with

ROWS = [
    finding("RL400", "error", file="users.csv", line=3, sourced_id="stu1", message="broken"),
    finding("RL401", "warning", file="classes.csv", message="warned"),
]


@pytest.fixture
def fake_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`check` returns a result with known findings, whatever rules exist today."""
    result = result_with(tmp_path, ROWS)

    def check(path: str, opts: api.Options | None = None, **_: object) -> api.CheckResult:
        result.options = opts or api.Options()
        return result

    monkeypatch.setattr(api, "check", check)
    return Path(result.export.path)


def test_every_format_in_one_run(
    fake_check: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    args = [f"--output={fmt}:{out / ('r.' + fmt)}" for fmt in FORMATS]
    run = run_cli(capsys, "check", str(fake_check), "--format", "json", *args)
    assert run.code != 2, run.err  # ran (exit 0/1 semantics are the contract tests' job)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"r.{f}" for f in FORMATS)
    stdout_doc = json.loads(run.out)
    assert json.loads((out / "r.json").read_text("utf-8")) == stdout_doc
    assert [f["code"] for f in stdout_doc["findings"]] == ["RL401", "RL400"]
    text = (out / "r.text").read_text("utf-8")
    assert "RL400" in text and "\x1b[" not in text  # the text report, without colour
    sarif = json.loads((out / "r.sarif").read_text("utf-8"))
    assert len(sarif["runs"][0]["results"]) == 2
    assert len(ET.fromstring((out / "r.junit").read_bytes()).findall(".//failure")) == 1
    assert (out / "r.github").read_text("utf-8").startswith("::error ")
    assert (out / "r.markdown").read_text("utf-8").startswith("## roster-lint check")
    assert "<html" in (out / "r.html").read_text("utf-8").lower()


@pytest.mark.parametrize(
    "spec",
    ["pdf:{d}/r.pdf", "sarif", "sarif:", "json:{d}/missing-folder/r.json", "json:{d}"],
)
def test_bad_output_is_exit_2_and_writes_nothing(
    spec: str, fake_check: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    run = run_cli(
        capsys,
        "check",
        str(fake_check),
        "--output",
        f"json:{out / 'ok.json'}",
        "--output",
        spec.format(d=out),
    )
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err
    assert run.out == ""
    assert list(out.iterdir()) == []


def test_parse_outputs_rules(tmp_path: Path) -> None:
    got = parse_outputs([f"SARIF:{tmp_path / 'a.sarif'}", f"text:{tmp_path / 'b.txt'}"], "check")
    assert [(o.fmt, o.path.name) for o in got] == [("sarif", "a.sarif"), ("text", "b.txt")]
    with pytest.raises(UsageError, match="twice"):
        parse_outputs([f"json:{tmp_path / 'a'}", f"sarif:{tmp_path / 'a'}"], "check")
    with pytest.raises(UsageError, match="diff cannot write rows"):
        parse_outputs([f"rows:{tmp_path / 'a.csv'}"], "diff")
    with pytest.raises(UsageError, match="plan cannot write junit"):
        parse_outputs([f"junit:{tmp_path / 'a.xml'}"], "plan")


def test_plan_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rich.console import Console

    from roster_lint.predict.model import RootCause

    cause = RootCause("role-not-provisioned", "role", "aide", "aide", {"user": 1}, "aide: none")
    plan = plan_of(
        [{"entity": "user", "id": "u1", "action": "skip", "reasons": ["role-not-provisioned"]}],
        root_causes=[cause],
    )
    sarif_path, md_path = tmp_path / "p.sarif", tmp_path / "p.md"
    emit_plan(
        plan,
        fmt="markdown",
        outputs=[f"sarif:{sarif_path}", f"markdown:{md_path}"],
        redact=False,
        console=Console(),
    )
    assert capsys.readouterr().out == md_path.read_text("utf-8")
    doc = json.loads(sarif_path.read_text("utf-8"))
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["role-not-provisioned"]
