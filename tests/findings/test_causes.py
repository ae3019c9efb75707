"""Findings that follow from another (contract, added 2026-12): the links declared in the
catalogue (`follows`), each with a finding that follows and one that does not."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint.catalogue import LINK_KEYS, Link, Rule, _check_links, _links, catalogue
from roster_lint.examples import materialise
from roster_lint.findings import Findings
from tests.cli_run import run_cli

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
LINKS = [(r, link) for r in catalogue().rules for link in r.follows]


def _fields(on: str, link: Link, match: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """(cause hit, consequence hit) that match on `on` exactly when `match`."""
    f = link.file or "users.csv"
    other = "other.csv"
    if on == "cell":
        return {"file": f, "line": 5, "column": "c"}, {
            "file": f,
            "line": 5 if match else 6,
            "column": "c",
        }
    if on == "row":
        return {"file": f, "line": 5, "column": "a"}, {
            "file": f,
            "line": 5 if match else 6,
            "column": "b",
        }
    if on == "record":
        return {"file": f, "line": 5, "sourced_id": "x"}, {
            "file": f,
            "line": 9,
            "sourced_id": "x" if match else "y",
        }
    if on == "column":
        return {"file": f, "line": 5, "column": "c"}, {
            "file": f,
            "line": 9,
            "column": "c" if match else "d",
        }
    if on == "related":
        return {"file": f, "line": 5, "sourced_id": "u1"}, {
            "file": other,
            "line": 9,
            "related_file": f,
            "related_value": "u1" if match else "u2",
        }
    if on == "file":
        return {"file": f, "line": None}, {"file": f if match else other, "line": 9}
    if on == "related-file":
        return {"file": f, "line": None}, {
            "file": other,
            "line": 9,
            "related_file": f if match else other,
        }
    assert on == "export"
    cause_file = f if match or link.file is None else other
    return {"file": cause_file, "line": 3, "column": link.column}, {
        "file": "classes.csv",
        "line": 9,
    }


def _linked(rule: Rule, link: Link, match: bool) -> dict[str, Any]:
    out = Findings()
    cause, cons = _fields(link.on, link, match)
    if link.column is not None:  # a link limited to the cause's column
        cause = {**cause, "column": link.column}
    if link.on == "export" and not match and link.file is None:
        out.one(rule.code, **cons)  # no cause at all
    else:
        out.one(link.code, **cause)
        out.one(rule.code, **cons)
    (row,) = [r for r in out.frame().to_dicts() if r["code"] == rule.code]
    return row


@pytest.mark.parametrize(
    ("rule", "link"), LINKS, ids=[f"{r.code}-follows-{k.code}-on-{k.on}" for r, k in LINKS]
)
def test_declared_link(rule: Rule, link: Link) -> None:
    linked = _linked(rule, link, match=True)
    assert linked["cause_code"] == link.code
    assert _linked(rule, link, match=False)["cause_code"] is None


def test_every_key_is_covered_by_the_generic_test() -> None:
    assert {k.on for _, k in LINKS} <= set(LINK_KEYS)


def test_issue_links_are_declared() -> None:
    declared = {(r.code, k.code) for r, k in LINKS}
    for pair in [
        ("RL200", "RL152"),
        ("RL303", "RL200"),
        ("RL303", "RL152"),
        ("RL222", "RL152"),
        ("RL222", "RL200"),
        ("RL313", "RL200"),
        ("RL319", "RL200"),
        ("RL320", "RL200"),
        ("RL325", "RL162"),
        ("RL332", "RL131"),
        ("RL310", "RL231"),
        ("RL020", "RL021"),
        ("RL231", "RL021"),
        ("RL304", "RL252"),
    ]:
        assert pair in declared, pair


def test_a_chain_names_its_root() -> None:
    out = Findings()
    out.one("RL152", file="users.csv", line=9, column="orgSourcedIds", sourced_id="u9")
    out.one("RL200", file="users.csv", line=9, column="orgSourcedIds", sourced_id="u9")
    out.one("RL303", file="users.csv", line=9, column="orgSourcedIds")
    out.one(
        "RL222",
        file="enrollments.csv",
        line=40,
        column="schoolSourcedId",
        related_file="users.csv",
        related_value="u9",
    )
    by_code = {r["code"]: r for r in out.frame().to_dicts()}
    assert by_code["RL152"]["cause_code"] is None
    for code in ("RL200", "RL303", "RL222"):
        cause = {k: by_code[code][f"cause_{k}"] for k in ("code", "file", "line", "sourced_id")}
        assert cause == {"code": "RL152", "file": "users.csv", "line": 9, "sourced_id": "u9"}


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ([{"code": "RL999", "on": "cell"}], None),  # an unknown code is caught in _check_links
        ([{"code": "RL200", "on": "nearby"}], "bad code or key"),
        ([{"code": "RL200"}], "each follows entry"),
        ("RL200", "must be a list"),
    ],
)
def test_catalogue_rejects_bad_links(raw: Any, error: str | None) -> None:
    if error is None:
        links = _links(raw, "here")
        cat = catalogue()
        rule = cat["RL303"]
        broken = dict(cat.by_code)
        broken["RL303"] = Rule(**{**rule.__dict__, "follows": links})
        with pytest.raises(ValueError, match="not a rule"):
            _check_links(broken)
        return
    with pytest.raises(ValueError, match=error):
        _links(raw, "here")


def test_catalogue_rejects_a_cycle() -> None:
    cat = catalogue()
    broken = dict(cat.by_code)
    r152 = cat["RL152"]
    broken["RL152"] = Rule(**{**r152.__dict__, "follows": (Link("RL303", "cell"),)})
    with pytest.raises(ValueError, match="follows it back"):
        _check_links(broken)


def test_flawed_sample_folds_under_roots(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "check", str(SAMPLES / "district-flawed"), "--format", "json")
    doc = json.loads(run.out)
    causes = {
        (f["code"], f["file"], f["line"]): (f["cause"]["code"], f["cause"]["line"])
        for f in doc["findings"]
        if "cause" in f
    }
    # a school id with a space: one root (RL152), the rest under it
    assert causes[("RL200", "users.csv", 987)] == ("RL152", 987)
    assert causes[("RL303", "users.csv", 987)] == ("RL152", 987)
    assert causes[("RL222", "enrollments.csv", 6884)] == ("RL152", 987)
    assert causes[("RL313", "classes.csv", 441)] == ("RL200", 441)
    assert causes[("RL319", "enrollments.csv", 12080)] == ("RL200", 12080)
    assert causes[("RL320", "enrollments.csv", 14154)] == ("RL200", 14154)
    assert causes[("RL325", "users.csv", 1548)] == ("RL162", 1548)
    assert causes[("RL332", "users.csv", 122)] == ("RL131", 122)
    roots = {(f["code"], f["line"]) for f in doc["findings"] if "cause" not in f}
    assert ("RL152", 987) in roots and ("RL131", 122) in roots
    # the exit code still reflects every finding (RL303 is an error)
    assert run.code == 1


def test_text_shows_a_consequence_under_its_root_at_its_severity(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "check", str(SAMPLES / "district-flawed"))
    text = run.out
    # RL152 is a warning, but RL303 (an error) follows from it: shown as an error
    assert "ERROR   RL152 list-separator-damaged" in text
    assert "WARNING RL152" not in text
    block = text.split("ERROR   RL152", 1)[1].split("\n\n", 1)[0]
    assert "↳ RL222" in block
    # RL303's only finding follows from RL152: no group of its own
    assert "RL303 school-not-in-orgs  (" not in text


def test_html_shows_consequences_under_their_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "r.html"
    run_cli(capsys, "check", str(SAMPLES / "district-flawed"), "--output", f"html:{page}")
    html = page.read_text("utf-8")
    assert 'id="rule-RL303"' not in html  # every RL303 follows from another finding
    section = html.split('id="rule-RL152"', 1)[1].split("</details>", 1)[0]
    assert "sev-error" in section  # shown at its worst consequence's severity
    assert section.count('class="consequence"') >= 3
    assert "<strong>RL303</strong>" in section and "<strong>RL200</strong>" in section


def test_rows_of_previous_export_are_not_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "rows.csv"
    run = run_cli(
        capsys,
        "check",
        str(SAMPLES / "district-flawed"),
        "--previous",
        str(SAMPLES / "district-yesterday"),
        "--format",
        "json",
        "--output",
        f"rows:{rows}",
    )
    doc = json.loads(run.out)
    listed = rows.read_text("utf-8").splitlines()[1:]
    assert sum(f["count"] for f in doc["findings"]) == len(listed)


def _sample_edited(
    tmp_path: Path, file: str, column: str, edit: Callable[[int, list[str], str], str]
) -> Path:
    """The sample district with `file`'s `column` rewritten: each data row's value becomes
    edit(row number from 1, the row, the value)."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "district", export)
    path = export / file
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    col = rows[0].index(column)
    for n, row in enumerate(rows[1:], 1):
        row[col] = edit(n, row, row[col])
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return export


def _school_identifier(tmp_path: Path, value: str) -> Path:
    """The sample district with school 101's orgs.identifier set to `value`."""
    return _sample_edited(
        tmp_path, "orgs.csv", "identifier", lambda _, row, v: value if row[0] == "101" else v
    )


@pytest.mark.parametrize(
    ("identifier", "cause"),
    [("67891400101", ("RL252", 3)), ("", None)],  # lost its leading zero / left blank
)
def test_a_school_id_that_lost_its_zero_is_the_root(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    identifier: str,
    cause: tuple[str, int] | None,
) -> None:
    run = run_cli(
        capsys, "check", str(_school_identifier(tmp_path, identifier)), "--format", "json"
    )
    doc = json.loads(run.out)
    (nces,) = [f for f in doc["findings"] if f["code"] == "RL304"]
    assert (nces["file"], nces["line"], nces["column"]) == ("orgs.csv", 3, "identifier")
    got = (nces["cause"]["code"], nces["cause"]["line"]) if "cause" in nces else None
    assert got == cause
    assert any(f["code"] == "RL252" for f in doc["findings"]) == (cause is not None)


def test_a_one_dot_zero_file_is_the_root_of_its_header_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """classes.csv written as OneRoster 1.0 (RL070): its missing 1.1 column and the broken
    header are what that costs; a header broken in another file has its own root."""
    patch = [
        {
            "op": "rename_header",
            "file": "classes.csv",
            "column": "termSourcedIds",
            "to": "termSourcedId",
        },
        {"op": "drop_column", "file": "classes.csv", "column": "periods"},  # as 1.0 had none
        {"op": "rename_header", "file": "users.csv", "column": "middleName", "to": "middlename"},
    ]
    path = materialise("base-1.1", patch, tmp_path)
    doc = json.loads(run_cli(capsys, "check", str(path), "--format", "json").out)
    cause = {
        (f["code"], f["file"], f.get("column")): f["cause"]["code"] if "cause" in f else None
        for f in doc["findings"]
    }
    assert cause[("RL070", "classes.csv", "termSourcedId")] is None
    assert cause[("RL030", "classes.csv", "periods")] == "RL070"
    assert cause[("RL322", "classes.csv", None)] == "RL070"
    # users.csv: a misspelt header, no 1.0 column there
    assert cause[("RL033", "users.csv", "middleName")] is None
    assert cause[("RL322", "users.csv", None)] == "RL033"


def _grouped_links(cause_lines: range, cons_lines: list[int]) -> list[Any]:
    """RL304 rows following RL252 rows on one cell (orgs.csv identifier): the cause of each
    RL304 finding (None for a root), as the frame gives it."""
    out = Findings()
    for n in cause_lines:
        out.one("RL252", file="orgs.csv", line=n, column="identifier", sourced_id=f"s{n}")
    for n in cons_lines:
        out.one("RL304", file="orgs.csv", line=n, column="identifier", sourced_id=f"s{n}")
    rows = [r for r in out.frame().to_dicts() if r["code"] == "RL304"]
    return [(r["line"], r["count"], r["cause_code"], r["cause_line"]) for r in rows]


def test_a_grouped_cause_stands_for_every_row_it_counts() -> None:
    """More than 20 schools whose NCES IDs lost their zero: one grouped RL252 (first at
    line 2, the district) with the one grouped RL304 (first at line 3) under it, as one
    school reads (the cell key matched the first lines only, and 21 schools read as two
    roots)."""
    assert _grouped_links(range(2, 40), list(range(3, 40))) == [(3, 37, "RL252", 2)]
    # on a listed line, not the first
    assert _grouped_links(range(2, 40), [7]) == [(7, 1, "RL252", 2)]


def test_a_grouped_cause_reaches_only_the_lines_it_lists() -> None:
    # before its first line
    assert _grouped_links(range(10, 40), [5]) == [(5, 1, None, None)]
    # past the 20 it lists: which rows there it counts is not kept, so it stays a root
    assert _grouped_links(range(2, 40), [35]) == [(35, 1, None, None)]
    # between listed lines of a cause that lists every row
    assert _grouped_links(range(2, 12, 2), [5]) == [(5, 1, None, None)]


def test_a_grouped_cause_holds_its_records_by_line() -> None:
    """RL310 follows RL231 on the record: a grouped RL231 keeps its first row's sourcedId,
    so a class on one of its listed lines is matched by the line (same file, same line:
    the same record)."""
    out = Findings()
    for n in range(2, 32):
        out.one("RL231", file="classes.csv", line=n, column="sourcedId", sourced_id=f"k{n}")
    out.one("RL310", file="classes.csv", line=5, sourced_id="k5")
    out.one("RL310", file="classes.csv", line=40, sourced_id="k40")  # not one of its rows
    rows = [r for r in out.frame().to_dicts() if r["code"] == "RL310"]
    assert [(r["line"], r["cause_code"], r["cause_line"]) for r in rows] == [
        (5, "RL231", 2),
        (40, None, None),
    ]


@pytest.mark.parametrize(
    ("code", "column", "linked"),
    [("RL103", "primary", True), ("RL103", "status", False), ("RL103", None, False)],
)
def test_a_link_with_a_column_takes_causes_in_that_column_only(
    code: str, column: str | None, linked: bool
) -> None:
    """`TRUE` in enrollments.csv primary is why no class has a primary teacher (RL232
    follows it); `Active` in its status column is not."""
    out = Findings()
    out.one(code, file="enrollments.csv", line=2, column=column)
    out.one("RL232", file="classes.csv", line=2, column="sourcedId", sourced_id="k1")
    (row,) = [r for r in out.frame().to_dicts() if r["code"] == "RL232"]
    assert (row["cause_code"] == code) is linked


def test_a_teacher_role_in_another_case_is_the_root_of_the_classes_it_loses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every teacher enrollment with role `Teacher` (RL105): no class has a teacher, and
    the sync skips every class; the role's case is the root, not 582 classes."""
    export = _sample_edited(
        tmp_path, "enrollments.csv", "role", lambda _, r, v: "Teacher" if v == "teacher" else v
    )
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    by_code = {f["code"]: f for f in doc["findings"]}
    assert (by_code["RL105"]["column"], "cause" in by_code["RL105"]) == ("role", False)
    assert by_code["RL231"]["cause"]["code"] == "RL105"
    assert by_code["RL310"]["cause"]["code"] == "RL105"  # through RL231, named by its root


def test_a_user_role_in_another_case_is_the_root_of_the_users_it_loses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """users.csv role `Teacher` (RL103) gets no account (RL302): the case is the root;
    an `aide` (an intended filter) stays a root of its own."""
    export = _sample_edited(
        tmp_path, "users.csv", "role", lambda _, r, v: "Teacher" if v == "teacher" else v
    )
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    not_provisioned = {
        f["value"]: f.get("cause", {}).get("code") for f in doc["findings"] if f["code"] == "RL302"
    }
    assert not_provisioned == {"Teacher": "RL103", "aide": None, "parent": None}


def test_a_school_type_in_another_case_is_one_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """orgs.csv type `School`: RL103 (the case) and RL336 (so not a school: its users are
    lost) see one cell; RL336 sits under RL103, which carries the loss."""
    export = _sample_edited(
        tmp_path, "orgs.csv", "type", lambda _, r, v: "School" if v == "school" else v
    )
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    invalid = [f for f in doc["findings"] if f["code"] == "RL336"]
    assert len(invalid) == 4
    assert {(f["cause"]["code"], f["cause"]["line"]) for f in invalid} == {
        ("RL103", f["line"]) for f in invalid
    }


def test_a_session_end_past_its_year_is_the_root_of_its_overlaps(corpus: Path) -> None:
    """ClassLink's sandbox: Q1 ends 2019-11-09 (a year typo) -- past the school year
    (RL265) and so over its siblings (RL264, three times): one root."""
    from roster_lint import api

    result = api.check(str(corpus / "mockroster" / "classlink_sandbox_2019"))
    overlaps = result.findings.filter(pl.col("code") == "RL264").to_dicts()
    assert len(overlaps) == 3
    assert {(f["cause_code"], f["cause_line"]) for f in overlaps} == {("RL265", 3)}


def test_a_padded_school_id_is_the_root_of_what_it_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """enrollments.csv schoolSourcedId `101 ` on 50 rows: RL150 (the spaces) is the root;
    RL200 (no such org), RL220 (not the class's school) and RL222 (not the user's org)
    see the same cells and sit under it."""
    export = _sample_edited(
        tmp_path, "enrollments.csv", "schoolSourcedId", lambda n, r, v: v + " " if n <= 50 else v
    )
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    on_cell = {
        f["code"]: f.get("cause", {}).get("code")
        for f in doc["findings"]
        if (f["file"], f["column"]) == ("enrollments.csv", "schoolSourcedId")
    }
    assert on_cell == {"RL150": None, "RL200": "RL150", "RL220": "RL150", "RL222": "RL150"}


@pytest.mark.parametrize(("missing", "linked"), [("orgSourcedIds", True), ("middleName", False)])
def test_users_without_a_school_follow_a_missing_org_column(missing: str, linked: bool) -> None:
    """No orgSourcedIds column (a OneRoster 1.0 users.csv): every user has no school
    (RL330), because of the column; another missing column is not why."""
    out = Findings()
    out.one("RL030", file="users.csv", line=1, column=missing)
    for n in range(2, 30):
        out.one("RL330", file="users.csv", line=n, column="orgSourcedIds", sourced_id=f"u{n}")
    (row,) = [r for r in out.frame().to_dicts() if r["code"] == "RL330"]
    assert (row["count"], row["cause_code"] == "RL030") == (28, linked)


def test_a_one_dot_two_role_is_told_where_it_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OneRoster 1.2 writes roles in roles.csv (users.csv has no role column): a role
    that gets no account (RL302) is located at its roles.csv row, so a `Teacher` there is
    one root with its RL103 and the users it loses are RL103's."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "district-v12", export)
    roles = export / "roles.csv"
    with roles.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    role = rows[0].index("role")
    for r in rows[1:]:
        r[role] = "Teacher" if r[role] == "teacher" else r[role]
    with roles.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    located = {
        f["value"]: (f["file"], f["column"], f.get("cause", {}).get("code"))
        for f in doc["findings"]
        if f["code"] == "RL302"
    }
    assert located == {
        "Teacher": ("roles.csv", "role", "RL103"),
        "aide": ("roles.csv", "role", None),
        "parent": ("roles.csv", "role", None),
    }


def _cut(tmp_path: Path, file: str, size: int, sample: str = "district") -> Path:
    """A sample export with `file` cut to its first `size` bytes (inside a record)."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / sample, export)
    path = export / file
    path.write_bytes(path.read_bytes()[:size])
    return export


@pytest.mark.parametrize(
    ("file", "size", "consequences"),
    [
        # a short last row: the classes and students after the cut lose their enrollments
        ("enrollments.csv", 300_000, {"RL020", "RL231", "RL234", "RL242", "RL310"}),
        # inside a quoted value: RL021 too
        ("enrollments.csv", 300_010, {"RL020", "RL021", "RL231", "RL234", "RL242", "RL310"}),
        # users.csv: the teachers and students after the cut are unknown to enrollments.csv
        ("users.csv", 200_000, {"RL020", "RL021", "RL200", "RL310", "RL319"}),
        # orgs.csv: the schools after the cut, each its own RL303, all under the cut
        ("orgs.csv", 400, {"RL020", "RL021", "RL200", "RL303"}),
        # OneRoster 1.2's roles.csv: the users after the cut have no role, so no account
        ("district-v12/roles.csv", 12_000, {"RL020", "RL021", "RL270", "RL302"}),
    ],
)
def test_a_file_cut_off_is_the_root_of_what_the_cut_loses(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    size: int,
    consequences: set[str],
) -> None:
    sample, _, file = file.rpartition("/")
    export = _cut(tmp_path, file, size, sample or "district")
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    (cut,) = [f for f in doc["findings"] if f["code"] == "RL028"]
    assert cut["file"] == file and "cause" not in cut
    under = {f["code"] for f in doc["findings"] if f.get("cause", {}).get("code") == "RL028"}
    assert under == consequences
    roots = {f["code"] for f in doc["findings"] if "cause" not in f and f["severity"] == "error"}
    assert roots == {"RL028"}


def test_a_one_dot_two_user_without_a_role_row_is_the_root_of_its_lost_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1.2 user whose roles.csv rows are gone (RL270) gets no account: RL302 (role '')
    follows it, shown at the user's row, not at a role column 1.2's users.csv lacks."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "district-v12", export)
    roles = export / "roles.csv"
    lines = roles.read_text("utf-8").splitlines(keepends=True)
    roles.write_text("".join(x for x in lines if ',"10005",' not in x), "utf-8")
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    (lost,) = [f for f in doc["findings"] if f["code"] == "RL302" and f["file"] == "users.csv"]
    assert (lost["line"], lost["column"], lost["cause"]["code"]) == (7, None, "RL270")


def test_a_file_joined_to_itself_is_the_root_of_its_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """enrollments.csv with its first 199 rows appended again under a second header: one
    RL029, the duplicate ids and enrollments under it, no check of the header's words."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "district", export)
    path = export / "enrollments.csv"
    text = path.read_text("utf-8")
    path.write_text(text + "\n" + "".join(text.splitlines(keepends=True)[:200]), "utf-8")
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    by_code = {f["code"]: f for f in doc["findings"]}
    assert by_code["RL029"]["line"] == text.count("\n") + 2 and "cause" not in by_code["RL029"]
    assert {c for c, f in by_code.items() if f.get("cause", {}).get("code") == "RL029"} == {
        "RL210",
        "RL212",
    }
    assert {c for c, f in by_code.items() if "cause" not in f and f["severity"] == "error"} == {
        "RL029"
    }


@pytest.mark.parametrize("file", ["orgs.csv", "users.csv", "enrollments.csv", "classes.csv"])
@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_file_on_another_separator_is_the_one_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str, sep: str
) -> None:
    """A file saved with semicolons (Excel in a comma-decimal locale) or tabs: RL013 at its
    header, and every error it causes (missing columns, the file not processed, the schools,
    classes and enrollments that lose it, ragged rows) under it."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "district", export)
    path = export / file
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=sep, lineterminator="\n").writerows(rows)
    doc = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    (root,) = [f for f in doc["findings"] if f["code"] == "RL013"]
    assert (root["file"], root["line"], root["value"]) == (
        file,
        1,
        {";": "semicolons", "\t": "tabs"}[sep],
    )
    errors = {f["code"] for f in doc["findings"] if "cause" not in f and f["severity"] == "error"}
    assert errors == {"RL013"}
