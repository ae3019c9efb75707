"""One list of formats per command (report/formats.py ALLOWED): --help, the README and the
CI guide say exactly that, and every listed format is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roster_lint.cli import app
from roster_lint.report.formats import ALLOWED, readme_list
from tests.conftest import ROOT

EXPORT = ROOT / "sample_exports" / "district"
YESTERDAY = ROOT / "sample_exports" / "district-yesterday"


def _help_formats(command: str) -> list[str]:
    text = " ".join(CliRunner().invoke(app, [command, "--help"]).output.split())
    found = re.search(r"--output \S+ FORMAT:PATH, repeatable\. FORMAT: (.*?)\. PATH -", text)
    assert found, text
    return [re.sub(r"\s*\(.*?\)", "", f).strip() for f in found.group(1).split(", ")]


@pytest.mark.parametrize("command", sorted(ALLOWED))
def test_help_lists_exactly_what_the_command_writes(command: str) -> None:
    assert _help_formats(command) == list(ALLOWED[command])


def test_readme_lists_exactly_what_each_command_writes() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert readme_list() in readme
    # no other per-command list of formats that could go stale
    assert len(re.findall(r"check: `text`", readme)) == 1


def test_ci_guide_table_matches() -> None:
    guide = (ROOT / "docs" / "guides" / "ci.md").read_text("utf-8")
    rows = re.findall(r"^\| (`[^|]+`) \| ([a-z, ]+) \| ", guide, re.M)
    by_format: dict[str, set[str]] = {}
    for fmts, commands in rows:
        for f in re.findall(r"`([a-z]+)`", fmts):
            by_format[f] = {c.strip() for c in commands.split(",")}
    want: dict[str, set[str]] = {}
    for cmd, fmts in ALLOWED.items():
        for f in fmts:
            want.setdefault(f, set()).add(cmd)
    assert by_format == want


@pytest.mark.parametrize("command", sorted(ALLOWED))
def test_every_allowed_format_is_written(command: str, tmp_path: Path) -> None:
    args = [command, str(EXPORT)] if command != "diff" else [command, str(YESTERDAY), str(EXPORT)]
    outs = [f"--output={f}:{tmp_path / ('r.' + f)}" for f in ALLOWED[command]]
    run = CliRunner().invoke(app, [*args, "--quiet", *outs])
    assert run.exit_code in (0, 1), run.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"r.{f}" for f in ALLOWED[command])
    # annotations may be none (a diff without warnings); every other report has content
    assert all((tmp_path / f"r.{f}").stat().st_size > 0 for f in ALLOWED[command] if f != "github")
