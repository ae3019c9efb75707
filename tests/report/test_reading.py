"""Reading tests (issue 11): what a district reads first, on the samples and on damaged
copies built here, through the real CLI at 80 columns piped (COLUMNS=80, not a terminal)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roster_lint.catalogue import catalogue

ROOT = Path(__file__).resolve().parents[2]
FLAWED = ROOT / "sample_exports" / "district-flawed"
CLEAN = ROOT / "sample_exports" / "district"
ITEM = re.compile(r"^\d+\. (RL\d{3}) (\S+)  (.+?): (.*)$")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "roster_lint", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=ROOT,
    )


def fix_first(out: str) -> list[tuple[str, str, str, str]]:
    """(code, name, subject, cost and lines) of each "Fix first" line, as read at 80
    columns (a wrapped item joined); the section must open the report."""
    assert out.startswith("Fix first"), out[:200]
    items: list[str] = []
    for line in out.split("\n\n", 1)[0].splitlines()[1:]:
        if re.match(r" +\d+\. ", line):
            items.append(line.strip())
        elif items and not line.strip().startswith("…"):
            items[-1] += " " + line.strip()
    found = [ITEM.match(item) for item in items]
    assert all(found), items
    return [m.groups() for m in found if m]


def copy(tmp_path: Path, src: Path = CLEAN) -> Path:
    dst = tmp_path / "export"
    shutil.copytree(src, dst)
    return dst


def test_flawed_sample_leads_with_the_school_without_nces_id() -> None:
    run = cli("check", str(FLAWED))
    assert run.returncode == 1
    items = fix_first(run.stdout)
    assert items[0][:3] == ("RL304", "school-missing-nces-id", "orgs.csv identifier")
    assert items[0][3].endswith(", line 5")
    # one rule in two columns of one file: two lines the column tells apart
    rl200 = [subject for code, _, subject, _ in items if code == "RL200"]
    assert "enrollments.csv userSourcedId" in rl200 and "enrollments.csv classSourcedId" in rl200
    # its group is the first group too, ahead of `Scheduled` -> `scheduled`
    groups = re.findall(r"^(ERROR|WARNING|INFO) +(RL\d{3})", run.stdout, re.M)
    assert groups[0] == ("ERROR", "RL304")
    severities = [s for s, _ in groups]
    assert severities == sorted(severities, key=["ERROR", "WARNING", "INFO"].index)


def test_cut_enrollments_file_leads_with_the_cut(tmp_path: Path) -> None:
    export = copy(tmp_path, FLAWED)
    lines = (FLAWED / "enrollments.csv").read_text().splitlines(keepends=True)
    (export / "enrollments.csv").write_text("".join(lines[:5000]))
    run = cli("check", str(export), "--previous", str(FLAWED))
    items = fix_first(run.stdout)
    assert items[0][:3] == ("RL400", "file-shrank", "enrollments.csv")
    groups = re.findall(r"^(ERROR|WARNING|INFO) +(RL\d{3})", run.stdout, re.M)
    # With --previous the classes that lost their teacher to the cut exist already: they
    # are kept (issue 13 item 8), so what the cut causes are warnings (RL316, retained
    # enrollments), shown under it, and its group leads the warnings.
    assert next(c for s, c in groups if s == "WARNING") == "RL400"
    assert "RL316" not in [c for _, c in groups]  # shown under the cut


def test_broken_header_leads_with_the_header(tmp_path: Path) -> None:
    export = copy(tmp_path)
    orgs = (export / "orgs.csv").read_text()
    (export / "orgs.csv").write_text(orgs.replace("identifier", "identifer", 1))
    run = cli("check", str(export))
    items = fix_first(run.stdout)
    assert items[0][:3] == ("RL034", "column-misspelt", "orgs.csv header (identifier)")
    assert [code for code, *_ in items].count("RL322") == 0  # folded under RL034


def test_typo_in_a_school_id_is_one_problem(tmp_path: Path) -> None:
    export = copy(tmp_path)
    classes = (export / "classes.csv").read_text()
    (export / "classes.csv").write_text(classes.replace('"101","SY2027', '"1O1","SY2027'))
    run = cli("check", str(export))
    items = fix_first(run.stdout)
    assert items[0][:3] == ("RL200", "unresolved-reference", "classes.csv schoolSourcedId")
    # the typo's 161 classes are one line: their total and first lines
    assert items[0][3].endswith(", lines 2, 3, 4…")
    assert [s for _, _, s, _ in items].count("classes.csv schoolSourcedId") == 1


def test_show_all_lifts_the_cap() -> None:
    capped = cli("check", str(FLAWED)).stdout
    every = cli("check", str(FLAWED), "--show", "all").stdout
    assert re.search(r"… and \d+ more$", capped, re.M)
    assert not re.search(r"… and \d+ more$", every, re.M)
    assert cli("check", str(FLAWED), "--show", "none").returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ["check", str(FLAWED)],
        ["plan", str(FLAWED)],
        ["diff", str(CLEAN), str(FLAWED)],
    ],
    ids=["check", "plan", "diff"],
)
def test_80_columns_cut_no_word(args: list[str]) -> None:
    out = cli(*args).stdout
    lines = out.splitlines()
    assert not [line for line in lines if line != line.rstrip()]  # no trailing spaces
    if args[0] != "plan":  # plan's tables are wider than 80 when a column cannot wrap
        assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    tokens = _tokens()
    for a, b in itertools.pairwise(lines):
        # a token cut at the end of a line and carried on the next, inside a table cell
        # or not: 'academicSess' / 'ions.csv', 'enrollment-class-not-creat' / 'ed'
        left = re.findall(r"[\w.-]+", a)
        right = re.findall(r"[\w.-]+", b)
        if not left or not right:
            continue
        for i in (len(left) - 1, *range(len(left))):  # last word, or a cell's last word
            for j in range(len(right)):
                joined = left[i] + right[j]
                assert joined not in tokens or left[i] in tokens, (a, b)


def test_plan_counts_have_separators_and_no_behaviour_codes() -> None:
    out = cli("plan", str(FLAWED)).stdout
    assert "3,383" in out and "3383" not in out
    # a behaviour code may only follow plain words, in parentheses
    assert not re.findall(r"(?<!\()SK-[A-Z]+\d+", out)


def _tokens() -> set[str]:
    cat = catalogue()
    names = {r.name for r in cat.rules}
    files = {p.name for p in FLAWED.iterdir()}
    return names | files


def test_diff_of_identical_exports_says_no_changes() -> None:
    out = cli("diff", str(CLEAN), str(CLEAN)).stdout
    assert "No changes: both exports hold the same records." in out
    assert "Changes per file" not in out  # no table of zeros
    changed = cli("diff", str(CLEAN), str(FLAWED)).stdout
    assert "No changes" not in changed and "Changes per file" in changed


def test_a_class_school_typo_lands_on_the_reference_cell(tmp_path: Path) -> None:
    """The plan's root (RL303 for the classes whose school is missing) is reported at the
    class's schoolSourcedId, the cell RL200 names, so it follows from RL200 instead of
    standing as a second problem on a column classes.csv does not have."""
    import json

    export = copy(tmp_path)
    classes = (export / "classes.csv").read_text()
    (export / "classes.csv").write_text(classes.replace('"101","SY2027', '"1O1","SY2027'))
    doc = json.loads(cli("check", str(export), "--format", "json").stdout)
    rl303 = [f for f in doc["findings"] if f["code"] == "RL303"]
    assert [(f["file"], f["line"], f["column"], f["value"]) for f in rl303] == [
        ("classes.csv", 2, "schoolSourcedId", "1O1")
    ]
    assert rl303[0]["cause"]["code"] == "RL200"
