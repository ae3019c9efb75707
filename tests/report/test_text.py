"""The terminal report for `check`: grouping, hostile values, width, colour, determinism."""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from roster_lint.report import text
from tests.report.test_html_fixtures import (
    HOSTILE,
    finding,
    findings_frame,
    hostile_rows,
    make_plan,
    make_result,
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LOCATION = re.compile(r"^\s+(\S+\.csv:\d+)", re.M)


def render(result: object, *, width: int = 80, terminal: bool = False) -> str:
    buf = io.StringIO()
    if terminal:
        console = Console(file=buf, width=width, force_terminal=True, color_system="truecolor")
    else:  # what a pipe or a file gets: rich decides, as in the CLI
        console = Console(file=buf, width=width)
    text.render_check(result, console)  # type: ignore[arg-type]
    return buf.getvalue()


def many_rows() -> list[dict[str, object]]:
    rows = [finding("RL150", "warning", 2 + i, column="grades", value=f"{i}") for i in range(8)]
    rows += [finding("RL010", "info", None, file="manifest.csv")]
    rows += [finding("RL200", "error", 9, file="classes.csv", value="k9")]
    rows += [finding("RL120", "error", 3, value="x"), finding("RL120", "error", 4, value="y")]
    return rows


def test_groups_errors_first_then_code_with_capped_examples() -> None:
    groups = text.group_findings(findings_frame(many_rows()), text.EXAMPLES_PER_RULE)
    assert [(g.code, g.severity, g.count) for g in groups] == [
        ("RL120", "error", 2),
        ("RL200", "error", 1),
        ("RL150", "warning", 8),
        ("RL010", "info", 1),
    ]
    rl150 = groups[2]
    assert [r["line"] for r in rl150.examples] == [2, 3, 4, 5, 6]
    assert rl150.more == 3


def test_report_shows_at_most_five_locations_per_rule(tmp_path: Path) -> None:
    result = make_result(tmp_path, many_rows())
    full = render(result)
    fix_first, out = full.split("\n\n", 1)  # "Fix first", then the groups
    assert fix_first.startswith("Fix first")
    # the errors' roots before anything else, one line per rule x file x column
    items, _ = text.fix_first(result)
    assert [(it.code, it.file, it.rows, it.lines) for it in items] == [
        ("RL120", "users.csv", 2, (3, 4)),
        ("RL200", "classes.csv", 1, (9,)),
    ]
    assert re.findall(r"^ +\d+\. (RL\d{3})", fix_first, re.M) == ["RL120", "RL200"]
    locations = LOCATION.findall(out)
    assert locations == [
        "users.csv:3",
        "users.csv:4",
        "classes.csv:9",
        *[f"users.csv:{n}" for n in range(2, 7)],
    ]
    assert "… and 3 more" in out
    assert out.index("RL120") < out.index("RL200") < out.index("RL150") < out.index("RL010")


@pytest.mark.parametrize("terminal", [False, True])
def test_hostile_values_are_printed_as_text(tmp_path: Path, terminal: bool) -> None:
    out = ANSI.sub("", render(make_result(tmp_path, hostile_rows()), terminal=terminal))
    for value in HOSTILE:
        assert value in out, value  # rich markup like [red]x[/red] is not interpreted
    assert "[b]note[/b]" in out
    # an escape sequence or bidi override from the data is shown, not sent to the terminal
    assert "\\u001b[31mred\\u202e" in out
    raw = render(make_result(tmp_path, hostile_rows()), terminal=terminal)
    assert "\x1b[31mred" not in raw and "\u202e" not in raw


def test_lines_fit_80_columns_without_trailing_spaces(tmp_path: Path) -> None:
    rows = [*hostile_rows(), finding("RL300", "error", 5, value="v" * 300, message="m " * 90)]
    out = render(make_result(tmp_path, rows, make_plan()))
    for line in out.splitlines():
        assert len(line) <= 80, line
        assert line == line.rstrip(), repr(line)


def test_no_colour_when_not_a_terminal_or_no_color(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = make_result(tmp_path, many_rows())
    assert "\x1b[" not in render(result, terminal=False)
    assert re.search(r"\x1b\[[0-9;]*3[1-6]m", render(result, terminal=True))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not re.search(r"\x1b\[[0-9;]*3[1-6]m", render(result, terminal=True))


def test_zero_findings(tmp_path: Path) -> None:
    result = make_result(tmp_path, [])
    out = render(result)
    assert not re.search(r"RL\d{3}", out)
    assert LOCATION.findall(out) == []
    assert "Summary: 0 errors, 0 warnings, 0 info" in out
    assert "Exit status 0" in out
    assert "OneRoster 1.1" in out


def test_exit_status_line_follows_fail_on(tmp_path: Path) -> None:
    rows = [finding("RL150", "warning", 2)]
    assert "Exit status 0" in render(make_result(tmp_path, rows, fail_on="error"))
    assert "Exit status 1" in render(make_result(tmp_path, rows, fail_on="warning"))
    assert "Exit status 0" in render(make_result(tmp_path, rows, fail_on="never"))


def test_sync_preview_is_three_lines_of_totals(tmp_path: Path) -> None:
    plan = make_plan()
    lines = text.sync_preview(plan)
    assert len(lines) == 3
    totals = lines[1][1].plain
    assert "users: 2 create, 9 skip" in totals
    assert "classes: 1 split" in totals
    out = render(make_result(tmp_path, [], plan))
    assert "roster-lint plan" in out
    assert "Sync preview" not in render(make_result(tmp_path, []))


def test_render_is_deterministic(tmp_path: Path) -> None:
    result = make_result(tmp_path, [*hostile_rows(), *many_rows()], make_plan())
    assert render(result, terminal=True) == render(result, terminal=True)


@pytest.fixture(scope="module")
def base_result(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_result(tmp_path_factory.mktemp("base"), [])


@settings(max_examples=40, deadline=None)
@given(value=st.text(max_size=30), message=st.text(max_size=30))
def test_no_data_reaches_the_terminal_as_control_codes(
    base_result: Any, value: str, message: str
) -> None:
    rows = [finding("RL120", "error", 3, value=value, message=message, column=value)]
    out = render(dataclasses.replace(base_result, findings=findings_frame(rows)), terminal=True)
    plain = ANSI.sub("", out)  # rich's own styling is the only escape sequence allowed
    assert not [c for c in plain if unicodedata.category(c) in ("Cc", "Cf") and c != "\n"]
