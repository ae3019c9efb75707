"""Issue 15, "output safety": no escape sequence from the data reaches a terminal, JUnit
stays XML, outputs never replace an input, course-map cells are no formulas."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from roster_lint.examples import materialise
from roster_lint.predict.coursemap import course_map_csv
from roster_lint.report.junit import _clean as junit_clean
from tests.cli_run import run_cli
from tests.hostile.helpers import SAMPLE, export_with, one_line_error

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
TITLE = "\x1b]0;pwned\x07"


def _hostile(tmp_path: Path) -> Path:
    """A school name and a user id carrying terminal escapes."""
    return materialise(
        "base-1.1",
        [
            {"op": "set", "file": "orgs.csv", "line": 3, "column": "name", "value": f"Mid{OSC52}"},
            {"op": "set", "file": "users.csv", "line": 3, "column": "username", "value": TITLE},
            {"op": "set", "file": "courses.csv", "line": 2, "column": "title", "value": OSC52},
        ],
        tmp_path / "in",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["plan"],
        ["course-map", "init"],
        ["why", "@", "school", "sch1"],
    ],
    ids=["check", "plan", "course-map", "why"],
)
def test_no_escape_reaches_the_terminal(
    args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export = str(_hostile(tmp_path))
    argv = [a if a != "@" else export for a in args]
    if "@" not in args:
        argv.append(export)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    run = run_cli(capsys, *argv)
    assert run.code in (0, 1), run.err
    assert "\x1b" not in run.out and "\x07" not in run.out
    assert "\x1b" not in run.err


def test_no_escape_in_diff_or_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = _hostile(tmp_path)
    run = run_cli(capsys, "diff", str(SAMPLE), str(export))
    assert "\x1b" not in run.out and "\x07" not in run.out
    bad = tmp_path / f"no{OSC52}such"
    err = run_cli(capsys, "check", str(bad))
    assert err.code == 2 and one_line_error(err.err)
    assert "\x1b" not in err.err and "\\u001b" in err.err


def test_junit_is_xml_whatever_the_data() -> None:
    text = "a\ufffe\uffff\x00\x1b\ud800b\U0001f600"
    doc = f"<r>{junit_clean(text)}</r>".encode("utf-8", "surrogatepass")
    root = ET.fromstring(doc.decode("utf-8", "replace"))
    assert root.text is not None and root.text.startswith("a") and "\U0001f600" in root.text


def test_junit_report_parses_with_hostile_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = materialise(
        "base-1.1",
        [{"op": "set", "file": "users.csv", "line": 3, "column": "role", "value": "x\ufffe\uffff"}],
        tmp_path / "in",
    )
    out = tmp_path / "r.xml"
    run = run_cli(capsys, "check", str(export), "--output", f"junit:{out}")
    assert run.code == 1
    ET.parse(out)  # raises on an XML-illegal character


# -- outputs that would replace an input -------------------------------------------------


def _digest(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_output_onto_an_export_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = export_with(tmp_path, {})
    before = _digest(export)
    for argv in (
        ["check", str(export), "--output", f"json:{export / 'courses.csv'}"],
        ["check", str(export), "--write-baseline", str(export / "users.csv")],
        ["plan", str(export), "--output", f"html:{export / 'orgs.csv'}"],
        ["course-map", "init", str(export), "-o", str(export / "courses.csv")],
        ["diff", str(SAMPLE), str(export), "--output", f"text:{export / 'classes.csv'}"],
    ):
        run = run_cli(capsys, *argv)
        assert run.code == 2 and one_line_error(run.err), (argv, run.err)
        assert "refusing" in run.err
    assert _digest(export) == before


def test_output_through_a_symlink_or_into_previous_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = export_with(tmp_path, {})
    previous = export_with(tmp_path, {}, name="yesterday")
    course_map = tmp_path / "map.csv"
    course_map.write_text("courseSourcedId\n")
    link = tmp_path / "innocent.json"
    link.symlink_to(export / "users.csv")
    before, before_prev = _digest(export), _digest(previous)
    for argv in (
        ["check", str(export), "--output", f"json:{link}"],
        [
            "check",
            str(export),
            "--previous",
            str(previous),
            "--output",
            f"json:{previous / 'users.csv'}",
        ],
        ["plan", str(export), "--course-map", str(course_map), "--output", f"json:{course_map}"],
    ):
        run = run_cli(capsys, *argv)
        assert run.code == 2 and "refusing" in run.err, (argv, run.err)
    assert _digest(export) == before and _digest(previous) == before_prev
    assert course_map.read_text() == "courseSourcedId\n"


def test_zip_export_itself_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = materialise("base-1.1", [{"op": "zip", "name": "e.zip"}], tmp_path / "in")
    data = target.read_bytes()
    run = run_cli(capsys, "check", str(target), "--output", f"json:{target}")
    assert run.code == 2 and "refusing" in run.err
    assert target.read_bytes() == data


def test_a_new_file_inside_the_export_folder_is_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = export_with(tmp_path, {})
    run = run_cli(capsys, "check", str(export), "--output", f"json:{export / 'report.json'}")
    assert run.code in (0, 1), run.err
    assert json.loads((export / "report.json").read_text())["findings"] is not None


# -- course-map init: CSV formula guard ----------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "=1+1",
        " =1+1",
        "\u3000=1+1",
        "\uff1d1+1",
        "\uff0bA1",
        "\uff0d2",
        "\uff20SUM(A1)",
        "\r=1",
        "-2",
        "@x",
        "\t=1",
    ],
)
def test_course_map_guards_formulas(title: str, tmp_path: Path) -> None:
    from roster_lint.load import load_export

    export = materialise(
        "base-1.1",
        [{"op": "set", "file": "courses.csv", "line": 2, "column": "title", "value": title}],
        tmp_path / "in",
    )
    text = course_map_csv(load_export(str(export)))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    # every row has the header's width: a CR did not split the record
    assert {len(r) for r in rows} == {len(rows[0])}
    titles = [r[1] for r in rows[1:]]
    assert "'" + title in titles
    assert all(
        not t.lstrip(" \u3000").startswith(("=", "\uff1d", "+", "-", "@"))
        for t in titles
        if not t.startswith("'")
    )
