"""Reading tests (issue 11), layout: `why`, `explain` and `rules` (and `check`, `plan`)
at 80 and 60 columns piped, on the flawed sample and on damaged copies: no line ends in a
space, and no identifier, e-mail, username, rule name or file name from the run's data is
split across two lines."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from roster_lint.catalogue import catalogue
from roster_lint.report.terminal import clean

ROOT = Path(__file__).resolve().parents[2]
FLAWED = ROOT / "sample_exports" / "district-flawed"
CLEAN = ROOT / "sample_exports" / "district"
LONG_EMAIL_USER = "10000"  # carlos.howard200000@students.willowbend.k12.example (53)
WIDTHS = (80, 60)


def cli(width: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(width), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "roster_lint", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=ROOT,
    )


@cache
def data_tokens(export: Path) -> frozenset[str]:
    """Every cell of the export without a space (ids, usernames, e-mails, grades, dates),
    every file name and every rule name: what a reader copies from a report."""
    tokens = {r.name for r in catalogue().rules} | {r.code for r in catalogue().rules}
    for path in export.glob("*.csv"):
        tokens.add(path.name)
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                tokens.update(c for c in row if len(c) >= 4 and " " not in c)
    return frozenset(tokens)


def assert_layout(out: str, tokens: frozenset[str]) -> None:
    lines = out.splitlines()
    assert lines, "no output"
    trailing = [line for line in lines if line != line.rstrip()]
    assert not trailing, trailing[:3]
    # A token split over two lines appears in the lines joined without their breaks (and
    # indentation) more often than within single lines.
    stripped = [line.strip() for line in lines]
    joined = "".join(stripped)
    for token in tokens:
        if token in joined:
            whole = sum(line.count(token) for line in stripped)
            assert joined.count(token) <= whole, f"{token!r} is split across lines"


def damaged(tmp_path: Path, kind: str) -> Path:
    """A copy of a sample with one of the issue's damages."""
    src = FLAWED if kind == "cut" else CLEAN
    export = tmp_path / kind
    shutil.copytree(src, export)
    if kind == "cut":  # the enrollments file cut short, as a failed upload leaves it
        lines = (src / "enrollments.csv").read_text().splitlines(keepends=True)
        (export / "enrollments.csv").write_text("".join(lines[:5000]))
    elif kind == "header":  # orgs.csv's identifier header misspelt
        orgs = (export / "orgs.csv").read_text()
        (export / "orgs.csv").write_text(orgs.replace("identifier", "identifer", 1))
    elif kind == "school-typo":  # a class's school id typed with a letter O
        classes = (export / "classes.csv").read_text()
        (export / "classes.csv").write_text(classes.replace('"101","SY2027', '"1O1","SY2027'))
    return export


# (entity, id) on the flawed sample: the long e-mail, a school without NCES ID, a split
# class, a class without its primary teacher, a referenced but absent user, an enrollment
# of that user, a user looked up by e-mail in another case.
FLAWED_WHY = [
    ("user", LONG_EMAIL_USER),
    ("school", "103"),
    ("class", "50262"),
    ("class", "50292"),
    ("user", "11541"),
    ("enrollment", "50490_11541"),
    ("user", "CARLOS.HOWARD200000@students.willowbend.k12.example"),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("kind", "ident"), FLAWED_WHY, ids=[i for _, i in FLAWED_WHY])
def test_why_on_the_flawed_sample(width: int, kind: str, ident: str) -> None:
    run = cli(width, "why", str(FLAWED), kind, ident)
    assert run.returncode == 0, run.stderr
    assert_layout(run.stdout, data_tokens(FLAWED))
    marks = [line[:1] for line in run.stdout.splitlines()[1:] if line[:1] and line[:1] in "✓✗?!"]
    assert marks, run.stdout  # one mark per step, at the start of a line


def test_why_keeps_a_long_e_mail_whole() -> None:
    email = "carlos.howard200000@students.willowbend.k12.example"
    for width in (80, 60, 40):
        out = cli(width, "why", str(FLAWED), "user", LONG_EMAIL_USER).stdout
        assert any(email in line for line in out.splitlines()), (width, out)
        assert all(line == line.rstrip() for line in out.splitlines())


@pytest.mark.parametrize("damage", ["cut", "header", "school-typo"])
@pytest.mark.parametrize("width", WIDTHS)
def test_why_on_damaged_copies(tmp_path: Path, damage: str, width: int) -> None:
    export = damaged(tmp_path, damage)
    tokens = data_tokens(export)
    for kind, ident in [("user", LONG_EMAIL_USER), ("class", "50000"), ("school", "101")]:
        run = cli(width, "why", str(export), kind, ident)
        assert run.returncode == 0, run.stderr
        assert_layout(run.stdout, tokens)


@pytest.mark.parametrize("damage", ["cut", "header", "school-typo"])
def test_check_and_plan_on_damaged_copies_at_60(tmp_path: Path, damage: str) -> None:
    export = damaged(tmp_path, damage)
    tokens = data_tokens(export)
    for command in ("check", "plan"):
        run = cli(60, command, str(export))
        assert run.returncode in (0, 1), run.stderr
        assert_layout(run.stdout, tokens)


@pytest.mark.parametrize("width", WIDTHS)
def test_rules_one_line_per_rule(width: int) -> None:
    out = cli(width, "rules").stdout
    assert_layout(out, data_tokens(FLAWED))
    firsts = {line.split()[0] for line in out.splitlines() if line[:2] == "RL"}
    assert firsts == {r.code for r in catalogue().rules}
    for line in out.splitlines():
        if line[:2] == "RL":  # code, severity and name on the rule's first line
            code, severity, name = line.split()[:3]
            rule = catalogue().get(code)
            assert rule is not None and (severity, name) == (rule.severity.value, rule.name)


def _explain(rule_code: str, width: int) -> str:
    """`explain RULE` as the CLI prints it piped at `width` (in-process: every rule)."""
    import io

    from rich.console import Console

    from roster_lint.report.catalogue_view import render_rule

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, highlight=False, soft_wrap=True)
    rule = catalogue().get(rule_code)
    assert rule is not None
    render_rule(console, rule, "text")
    return buf.getvalue()


@pytest.mark.parametrize("width", WIDTHS)
def test_explain_shows_every_example_whole(width: int) -> None:
    """Every rule's page: prose wrapped without trailing spaces, each example file's lines
    verbatim (a CSV line is never cut, so "Use instead" shows the column that is the fix)."""
    from roster_lint.report.catalogue_view import rule_markdown

    assert _explain("RL304", width) == cli(width, "explain", "RL304").stdout
    for rule in catalogue().rules:
        out = _explain(rule.code, width)
        lines = out.splitlines()
        assert lines[0] == f"{rule.code} {rule.name}"
        assert_layout(out, frozenset({rule.name, rule.code}))
        shown = {line.strip() for line in lines}
        for block in rule_markdown(rule).split("```csv\n")[1:]:
            for csv_line in block.split("\n```", 1)[0].splitlines():
                assert clean(csv_line).strip() in shown, (rule.code, csv_line)
        assert not any(line.startswith(("# ", "## ", "```")) for line in lines), rule.code
        prose = [ln for ln in lines if not ln.startswith("  ")]  # examples are indented
        assert all(len(ln) <= width for ln in prose), rule.code


def test_explain_use_instead_shows_the_fixed_column() -> None:
    out = _explain("RL304", 80)
    use_instead = out.split("Use instead", 1)[1]
    assert "metadata.national_id" in use_instead
