""" "Fix first" as data (report/fix_first.py): one line per rule x file x column where the
sync loses something, per rule x file where it loses nothing, naming the file and columns,
with the total and the first lines; the findings stay unfolded."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.console import Console

from roster_lint import api
from roster_lint.predict.model import RootCause
from roster_lint.report import html, markdown, text
from roster_lint.report.fix_first import FIX_FIRST, FIX_LINES, FixItem, fix_first
from tests.report.test_html_fixtures import finding, make_plan, make_result
from tests.report.test_html_fixtures import parse_html as parse

ROOT = Path(__file__).resolve().parents[2]
FLAWED = ROOT / "sample_exports" / "district-flawed"


def data(items: list[FixItem]) -> list[tuple[Any, ...]]:
    """What a reader needs from each line: rule, file, columns, rows, lines to edit."""
    return [(it.code, it.file, it.columns, it.rows, it.lines, it.more_lines) for it in items]


def err(code: str, line: int | None, **kw: Any) -> dict[str, Any]:
    return finding(code, "error", line, **kw)


def test_one_rule_in_one_column_is_one_line(tmp_path: Path) -> None:
    rows = [err("RL103", n, column="email") for n in (70, 12, 41, 40, 50, 60)]
    items, more = fix_first(make_result(tmp_path, rows))
    assert data(items) == [("RL103", "users.csv", ("email",), 6, (12, 40, 41), True)]
    assert more == 0
    assert [it.findings for it in items] == [6]
    assert items[0].cost == "6 rows"


def test_one_costless_rule_in_several_columns_of_a_file_is_one_line(tmp_path: Path) -> None:
    """Nothing lost by the sync: the columns of one rule and file are one fix, one line
    naming them (seven race columns with `TRUE` took seven of the ten lines before)."""
    rows = [err("RL103", n, column="email") for n in (70, 12, 41, 40, 50, 60)]
    rows.append(err("RL103", 5, column="role"))
    rows.append(err("RL103", 9, file="classes.csv", column="classType"))
    items, more = fix_first(make_result(tmp_path, rows))
    assert data(items) == [
        ("RL103", "users.csv", ("email", "role"), 7, (5, 12, 40), True),
        ("RL103", "classes.csv", ("classType",), 1, (9,), False),
    ]
    assert ([it.findings for it in items], more) == ([7, 1], 0)
    assert (items[0].subject, items[0].cost) == ("users.csv email, role", "7 values")
    f = "academicSessions.csv"
    rows = [err("RL120", 3, file=f, column="beginDate"), err("RL120", 3, file=f, column="endDate")]
    items, _ = fix_first(make_result(tmp_path, rows))
    assert [(it.code, it.subject, it.lines, it.at) for it in items] == [
        ("RL120", "academicSessions.csv beginDate, endDate", (3,), "line 3"),
    ]


def test_a_grouped_finding_shows_its_first_lines_and_its_rows(tmp_path: Path) -> None:
    grouped = err("RL131", 2, column="grades", count=50, lines=list(range(2, 22)))
    items, _ = fix_first(make_result(tmp_path, [grouped]))
    assert data(items) == [("RL131", "users.csv", ("grades",), 50, (2, 3, 4), True)]


def test_header_findings_of_a_rule_and_file_are_one_line(tmp_path: Path) -> None:
    rows = [err("RL030", 1, column=c) for c in ("grades", "enabledUser", "a", "b")]
    rows.append(err("RL030", 1, file="classes.csv", column="periods"))
    items, _ = fix_first(make_result(tmp_path, rows))
    assert data(items) == [
        ("RL030", "users.csv", ("a", "b", "enabledUser", "grades"), 4, (1,), False),
        ("RL030", "classes.csv", ("periods",), 1, (1,), False),
    ]
    assert [(it.header, it.at) for it in items] == [(True, ""), (True, "")]
    assert items[0].subject == "users.csv header (a, b, enabledUser and 1 more)"
    # a header's columns are what to edit, not rows
    assert [it.cost for it in items] == ["4 columns", "1 column"]


def test_the_cap_counts_folded_lines(tmp_path: Path) -> None:
    # 30 rows of one rule and column: one line, however many rows
    one = [err("RL103", n, column="email") for n in range(2, 32)]
    items, more = fix_first(make_result(tmp_path, one))
    assert (len(items), more, items[0].rows) == (1, 0, 30)
    # FIX_FIRST + 5 files: the cap holds and says how many more
    many = [err("RL103", 2, file=f"f{i:02d}.csv", column="c") for i in range(FIX_FIRST + 5)]
    items, more = fix_first(make_result(tmp_path, many))
    assert (len(items), more) == (FIX_FIRST, 5)


def test_a_plan_root_cause_without_a_finding_is_listed(tmp_path: Path) -> None:
    items, _ = fix_first(make_result(tmp_path, [], make_plan()))
    assert [(it.name, it.file, it.columns, it.lost["user"]) for it in items] == [
        ("school-missing-nces-id", None, (), 1)
    ]
    assert items[0].subject == "(export)"


def _school_cause(line: int, users: int) -> RootCause:
    name = "school-missing-nces-id"
    return RootCause(
        name, "school", f"s{line}", "S", {"user": users}, "No NCES ID.", "orgs.csv", line
    )


def test_a_grouped_finding_carries_the_loss_of_every_row_it_counts(tmp_path: Path) -> None:
    """30 schools without an NCES ID are one grouped RL304 (first 20 lines listed): the
    sync's loss by each school is that finding's, on its listed lines and past them, and
    "Fix first" has one line for them, not the first school's loss plus a second line of
    the rest.  A school before the finding's first line is not one of its rows."""
    grouped = err(
        "RL304",
        3,
        file="orgs.csv",
        column="identifier",
        name="school-missing-nces-id",
        count=30,
        lines=list(range(3, 23)),
    )
    causes = [_school_cause(n, u) for n, u in ((3, 1), (10, 20), (32, 300), (2, 4000))]
    plan = dataclasses.replace(make_plan(hostile=False), root_causes=causes)
    items, _ = fix_first(make_result(tmp_path, [grouped], plan))
    assert [(it.code, it.file, it.columns, it.lost["user"]) for it in items] == [
        ("RL304", "orgs.csv", (), 4000),  # line 2: no finding stands for it
        ("RL304", "orgs.csv", ("identifier",), 321),
    ]


def test_a_file_level_line_costs_the_file_not_a_row(tmp_path: Path) -> None:
    items, _ = fix_first(make_result(tmp_path, [err("RL050", None, file="manifest.csv")]))
    assert [(it.subject, it.cost, it.at) for it in items] == [("manifest.csv", "whole file", "")]


def test_line_numbers_have_no_thousands_separator(tmp_path: Path) -> None:
    items, _ = fix_first(make_result(tmp_path, [err("RL103", n, column="x") for n in (1324, 2129)]))
    assert items[0].at == "lines 1324, 2129"  # "1,324, 2,129" would read as four lines


def test_flawed_sample_as_data() -> None:
    result = api.check(str(FLAWED))
    items, more = fix_first(result, None)
    top = [(it.code, it.file, it.columns, it.lines) for it in items[:6]]
    assert top == [
        ("RL304", "orgs.csv", ("identifier",), (5,)),
        ("RL200", "classes.csv", ("courseSourcedId",), (441,)),
        ("RL200", "users.csv", ("orgSourcedIds",), (1636,)),
        ("RL152", "users.csv", ("orgSourcedIds",), (987,)),
        # one rule twice in one file, each losing an enrollment: one line per column
        ("RL200", "enrollments.csv", ("userSourcedId",), (12080,)),
        ("RL200", "enrollments.csv", ("classSourcedId",), (14154,)),
    ]
    assert more == 0
    keys = [(it.code, it.file, it.columns) for it in items]
    assert len(keys) == len(set(keys))  # never the same rule, file and column twice
    _matches_findings(result, items)


@pytest.mark.parametrize(
    "export", ["v1p1_Test_minimal_data_set", "v1p2_full_dataset", "v1p1_Test_full_data_set"]
)
def test_small_corpus_exports_fold_one_row_findings(corpus: Path, export: str) -> None:
    result = api.check(str(corpus / "moodle-enrol_oneroster" / export))
    items, _ = fix_first(result, None)
    folded = [it for it in items if it.findings > 1 and not it.header]
    assert folded  # these exports have several one-row findings of one rule in one column
    _matches_findings(result, items)


def _matches_findings(result: api.CheckResult, items: list[FixItem]) -> None:
    """Each folded cell line stands for exactly its rule's root findings in that column: the
    same first lines; the findings (JSON) are still one per row."""
    roots = result.findings.filter(pl.col("cause_code").is_null())
    for it in items:
        if it.header or not it.columns or it.code == "":
            continue
        mine = roots.filter(
            (pl.col("code") == it.code)
            & (pl.col("file").cast(pl.String) == it.file)
            & pl.col("column").cast(pl.String).is_in(it.columns)
            & (pl.col("line") != 1)
        )
        lines = sorted({n for n in mine["line"].to_list() if n is not None})
        assert mine.height >= it.findings, it
        one_row_errors = mine.filter(
            (pl.col("count").fill_null(1) > 1) | (pl.col("severity") != "error")
        ).is_empty()
        if one_row_errors:  # every one is listed (a warning only when the sync loses by it)
            assert (it.findings, it.lines) == (mine.height, tuple(lines[:FIX_LINES])), it
    doc = result.to_json()
    assert len(doc["findings"]) == result.findings.height  # nothing folded there


def _section(out: str) -> list[str]:
    """The "Fix first" items of a text report, each wrapped item joined into one line."""
    head = out.split("\n\n", 1)[0].splitlines()
    assert head[0].startswith("Fix first")
    items: list[str] = []
    for line in head[1:]:
        if line.lstrip()[:1].isdigit():
            items.append(line.strip())
        elif items and not line.lstrip().startswith("…"):
            items[-1] += " " + line.strip()
    return items


def test_every_format_names_the_rule_file_column_and_lines(tmp_path: Path) -> None:
    rows = [err("RL103", n, column="<b>email</b>") for n in (12, 40, 41, 50)]
    rows.append(err("RL120", 3, file="academicSessions.csv", column="endDate"))
    result = make_result(tmp_path, rows)
    items, _ = fix_first(result)
    buf = io.StringIO()
    text.render_check(result, Console(file=buf, width=80))
    shown = _section(buf.getvalue())
    assert len(shown) == len(items)
    for line, it in zip(shown, items, strict=True):
        assert line.split(". ", 1)[1].startswith(f"{it.code} {it.name}  {it.subject}: "), line
        assert line.endswith(it.at)
    md = markdown.check_markdown(result)
    assert "<b>" not in md
    assert md.count("`RL103` rule-rl103 **users.csv &lt;b&gt;email&lt;/b&gt;**: 4 rows") == 1
    doc = parse(html.render_check_html(result))
    lis = doc.find("ol", class_="fix-first").find_all("li")
    assert [li.find("strong", class_="subject").text() for li in lis] == [
        it.subject for it in items
    ]
    assert doc.find_all("b") == []  # the column from the data is text, not markup


def test_rows_are_the_roots_own_not_what_follows_on_the_same_row() -> None:
    """RL232 on classes.csv:294 has RL310 following from it on the same row: one row to
    edit, not two (the consequence still weighs in the ranking)."""
    result = api.check(str(FLAWED))
    items, _ = fix_first(result, None)
    own = result.findings.filter(pl.col("cause_code").is_null())
    for it in items:
        if not it.columns or it.header or it.file is None:
            continue
        mine = own.filter(
            (pl.col("code") == it.code)
            & (pl.col("file").cast(pl.String) == it.file)
            & pl.col("column").cast(pl.String).is_in(it.columns)
        )
        assert it.rows == mine["count"].sum(), it
    by_code = {it.code: it for it in items}
    assert (by_code["RL232"].rows, by_code["RL232"].weight) == (1, 2)
