"""Reading tests (issue 11): what a district or support reads is plain words.  Behaviour
codes of summit-k12-sync.md (SK-A9) may only close a sentence, in parentheses; section
marks of the project's own notes ("oneroster.md §11 #21"), raw choice keys with counts
("Not documented (teacher-enrollment, 617)") and test fixtures never show."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from roster_lint.catalogue import catalogue
from roster_lint.words import codes_last, plain_source

ROOT = Path(__file__).resolve().parents[2]
FLAWED = ROOT / "sample_exports" / "district-flawed"
YESTERDAY = ROOT / "sample_exports" / "district-yesterday"
CODE = r"SK-[A-Z]+\d+"
# codes closing a sentence: "... tomorrow (SK-A8)." / "(SK-P1, SK-P3)" at the end of a line,
# a cell or a list item (Markdown escapes the parentheses)
CLOSING = re.compile(rf"\\?\(({CODE})(, {CODE})*\\?\)\.?(?=$|<|\s*$)", re.M)
JARGON = re.compile(r"oneroster\.md|§|[Ff]ixture|Not documented \(")


def prose_problems(text: str) -> list[str]:
    """Behaviour codes anywhere but at the end of a sentence, and internal references."""
    rest = CLOSING.sub("", text)
    found = [m.group(0) for m in re.finditer(rf".{{0,40}}\b{CODE}\b.{{0,20}}", rest)]
    return found + [m.group(0) for m in re.finditer(rf".{{0,40}}({JARGON.pattern}).{{0,20}}", text)]


def run(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "roster_lint", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", str(FLAWED), "--show", "all"],
        ["check", str(FLAWED), "--output", "markdown:-"],
        ["check", str(FLAWED), "--output", "html:-"],
        ["plan", str(FLAWED), "--previous", str(YESTERDAY)],
        ["plan", str(FLAWED), "--output", "markdown:-"],
        ["plan", str(FLAWED), "--previous", str(YESTERDAY), "--output", "html:-"],
        ["diff", str(YESTERDAY), str(FLAWED)],
        ["why", str(FLAWED), "user", "10000"],
        ["why", str(FLAWED), "class", "50292"],
        ["rules"],
    ],
    ids=lambda a: "-".join(x for x in a if not x.startswith("/"))[:40],
)
def test_no_jargon_in_reports(args: list[str]) -> None:
    out = run(*args)
    if "html:-" in args:  # the diff's table of behaviours has a column of codes: cells end
        out = re.sub(r"<td>(SK-[A-Z]+\d+)</td>", "", out)
    assert not prose_problems(out), prose_problems(out)[:5]


def test_codes_move_to_the_end() -> None:
    assert codes_last("not created (SK-C5), a user is not uploaded (SK-A4).") == (
        "not created, a user is not uploaded (SK-C5, SK-A4)."
    )
    assert codes_last("created (after the nightly sync, SK-A8)") == (
        "created (after the nightly sync) (SK-A8)"
    )
    assert (
        codes_last("SK-F2: references must match.") == "Documented: references must match (SK-F2)."
    )
    closed = "an account tomorrow (SK-A8)."
    assert codes_last(closed) == closed  # already at the end: unchanged
    assert codes_last("no codes here") == "no codes here"


def test_every_rule_text_reads_plainly_after_codes_last() -> None:
    for rule in catalogue().rules:
        for text in (rule.rationale, rule.sync, rule.fix):
            plain = codes_last(" ".join(text.split()))
            assert not prose_problems(plain), (rule.code, plain)
        source = plain_source(rule.source)
        assert not JARGON.search(source) and not prose_problems(source), (rule.code, source)
