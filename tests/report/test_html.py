"""The HTML report: escaping, self-containment, caps, charts, determinism."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.report import diff_json, html
from tests.report.test_html_fixtures import (
    HOSTILE,
    Node,
    finding,
    findings_frame,
    hostile_rows,
    make_plan,
    make_result,
    parse_html,
)


def page(text: str) -> Node:
    return parse_html(text)


def plan_data(doc: Node) -> dict[str, Any]:
    raw = doc.find("script", id="plan-data", type="application/json").text()
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data: dict[str, Any] = json.loads(raw)
    return data


def entity_rows(doc: Node, entity: str) -> list[list[str]]:
    for ent in plan_data(doc)["entities"]:
        if ent["entity"] == entity:
            rows: list[list[str]] = ent["rows"]
            return rows
    raise AssertionError(f"no {entity} table data")


@pytest.fixture
def hostile_html(tmp_path: Path) -> str:
    return html.render_check_html(make_result(tmp_path, hostile_rows(), make_plan()))


def test_hostile_values_are_text_not_elements(hostile_html: str) -> None:
    doc = page(hostile_html)
    scripts = doc.find_all("script")
    # ours and the JSON data only: no injected script
    assert [s.attrs.get("type") for s in scripts] == ["application/json", None]
    assert doc.find_all("img") == []
    assert not [n for n in doc.iter() if any(k.startswith("on") for k in n.attrs)]
    values = [n.text() for n in doc.find_all("code", class_="value")]
    for value in HOSTILE:
        assert value in values, value
    assert "{{ 7*7 }}" in doc.text() and "[red]x[/red]" in doc.text()
    user_ids = [r[0] for r in entity_rows(doc, "user")]
    assert set(HOSTILE) <= set(user_ids)  # JSON data round-trips the hostile ids
    # names and labels from the data (school name, root cause) are escaped too
    assert "<b>Oak</b>" in doc.text()
    assert doc.find_all("b") == []


def test_page_is_self_contained(hostile_html: str) -> None:
    low = hostile_html.lower()
    assert "http://" not in low and "https://" not in low  # even with a URL in the data
    assert not re.search(r"[a-z]+://", low)  # no URL of any scheme (file:, ftp:, ...)
    doc = page(hostile_html)
    assert doc.find_all("link") == [] and doc.find_all("iframe") == []
    assert [n for n in doc.iter() if "src" in n.attrs] == []
    hrefs = [n.attrs["href"] or "" for n in doc.iter() if "href" in n.attrs]
    assert hrefs and all(h.startswith("#") for h in hrefs)
    css = doc.find("style").text()
    assert "url(" not in css and "@import" not in css
    assert doc.find("meta", name="viewport")


def test_csp_forbids_requests_and_allows_only_our_script(hostile_html: str) -> None:
    doc = page(hostile_html)
    csp = doc.find("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"] or ""
    assert "default-src 'none'" in csp
    ours = next(s for s in doc.find_all("script") if "type" not in s.attrs).text()
    digest = base64.b64encode(hashlib.sha256(ours.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


def test_render_is_deterministic(tmp_path: Path) -> None:
    result = make_result(tmp_path, hostile_rows(), make_plan())
    assert html.render_check_html(result) == html.render_check_html(result)
    plan = make_plan(extra_users=50)
    assert html.render_plan_html(plan, result) == html.render_plan_html(plan, result)


def test_zero_findings_report(tmp_path: Path) -> None:
    doc = page(html.render_check_html(make_result(tmp_path, [])))
    assert doc.find("section", id="findings")
    assert doc.find_all("details", class_="rule") == []
    assert doc.find("p", class_="ok")
    cards = doc.find("section", id="summary").find_all("div", class_="card")
    assert [c.find("span", class_="big").text() for c in cards[:4]] == ["0", "0", "0", "exit 0"]
    assert doc.find_all("section", id="plan") == []  # no plan: no plan section or data
    assert doc.find_all("script", id="plan-data") == []


def test_findings_grouped_with_explanations_and_capped(tmp_path: Path) -> None:
    rows = [finding("RL150", "warning", 2 + i, value=str(i)) for i in range(150)]
    rows.append(finding("RL120", "error", 3))
    doc = page(html.render_check_html(make_result(tmp_path, rows)))
    groups = doc.find_all("details", class_="rule")
    assert [g.attrs["id"] for g in groups] == ["rule-RL120", "rule-RL150"]
    shown = groups[1].find("table", class_="findings").find("tbody").find_all("tr")
    assert len(shown) == html.MAX_FINDINGS_PER_RULE
    assert groups[1].find("p", class_="note")


def test_plan_tables_capped_problems_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "MAX_ROWS_PER_ENTITY", 100)
    plan = make_plan(extra_users=300)
    doc = page(html.render_plan_html(plan))
    rows = entity_rows(doc, "user")
    assert len(rows) == 100
    skips = sum(1 for r in rows if r[1] == "skip")
    assert skips == 9 and all(r[1] == "skip" for r in rows[:skips])
    box = doc.find("section", id="plan-user")
    assert "100" in box.find("p", class_="note").text()
    assert "311" in box.find("p", class_="note").text()
    # small entities are complete: no note
    assert doc.find("section", id="plan-class").find_all("p", class_="note") == []
    assert [r[4] for r in entity_rows(doc, "class")] == ["classs.csv:2"]


def test_audience_charts_from_the_audience_frame(tmp_path: Path) -> None:
    doc = page(html.render_plan_html(make_plan()))
    charts = doc.find_all("figure", class_="chart")
    assert [c.find("figcaption").text() for c in charts] == ["By school", "By role", "By grade"]

    def bars(chart: Node) -> list[tuple[str, str, str]]:
        return [
            (
                r.find("span", class_="bar-label").text(),
                r.find("rect").attrs["width"] or "",
                r.find("span", class_="bar-value").text(),
            )
            for r in chart.find_all("li", class_="bar-row")
        ]

    assert bars(charts[1]) == [("Student", "100.0", "157"), ("Teacher", "7.64", "12")]
    assert [b[0] for b in bars(charts[2])] == ["KG", "07", "12", "(no grade)"]
    assert bars(charts[0])[0][2] == "162"


def test_many_schools_are_summed_beyond_the_cap() -> None:
    import polars as pl

    plan = make_plan()
    n = html.MAX_BARS + 5
    plan.audience = pl.DataFrame(
        {
            "school": [f"s{i:03d}" for i in range(n)],
            "school_name": [f"School {i}" for i in range(n)],
            "summit_role": ["Student"] * n,
            "grade": ["05"] * n,
            "users": list(range(1, n + 1)),
        }
    )
    doc = page(html.render_plan_html(plan))
    school = doc.find_all("figure", class_="chart")[0]
    assert len(school.find_all("rect")) == html.MAX_BARS
    assert school.find("span", class_="bar-label").text() == f"School {n - 1}"
    assert "5 more schools with 15 users" in school.find("p").text()


def test_plan_report_with_findings_and_followups(tmp_path: Path) -> None:
    result = make_result(tmp_path, [finding("RL120", "error", 3)])
    doc = page(html.render_plan_html(make_plan(), result))
    assert doc.find("details", id="rule-RL120")
    followups = doc.find("section", id="followups").find("tbody").find_all("tr")
    assert [[td.text() for td in tr.find_all("td")][:3] for tr in followups] == [
        ["map-course", "course", "c1"]
    ]
    reasons = doc.find("table", class_="reasons").find("tbody").find_all("tr")
    assert [tr.find_all("td")[2].find("code").text() for tr in reasons] == [
        "role-not-provisioned",
        "enrollment-user-not-provisioned",
        "school-missing-nces-id",
        "school-missing-nces-id",
    ]


def test_diff_rendered_generically(monkeypatch: pytest.MonkeyPatch) -> None:
    doc_in = {
        "tool": {"name": "roster-lint"},
        "files": [
            {"file": "users.csv", "added": 1, "records": {"added": [{"givenName": HOSTILE[0]}]}},
            {"file": "orgs.csv", "removed": 2, "records": {"added": []}},
        ],
        "warnings": [{"code": "RL900", "note": HOSTILE[6]}, {"code": "RL901", "extra": 1}],
        "ids": ["a", "b"],
        "empty": {},
    }
    monkeypatch.setattr(diff_json, "diff_document", lambda diff: doc_in)
    out = html.render_diff_html(object())  # type: ignore[arg-type]
    assert not re.search(r"[a-z]+://", out.lower())
    doc = page(out)
    sections = doc.find_all("section")
    assert [s.find("h2").text() for s in sections] == ["tool", "files", "warnings", "ids", "empty"]
    # objects with nested parts: one block each, titled by their plain fields
    blocks = sections[1].find_all("details", class_="block")
    assert [b.find("summary").text() for b in blocks] == [
        "file: users.csv · added: 1",
        "file: orgs.csv · removed: 2",
    ]
    added = blocks[0].find("table")
    assert [th.text() for th in added.find_all("th")] == ["givenName"]
    assert [td.text() for td in added.find_all("td")] == [HOSTILE[0]]
    # flat objects: one table, columns in first-seen order
    warnings = sections[2].find("table")
    assert [th.text() for th in warnings.find_all("th")] == ["code", "note", "extra"]
    assert [li.text() for li in sections[3].find_all("li")] == ["a", "b"]
    assert len(doc.find_all("script")) == 1  # ours only
    assert html.render_diff_html(object()) == out  # type: ignore[arg-type]


def test_backticks_become_code_and_stay_escaped(tmp_path: Path) -> None:
    rows = [
        finding("RL120", "error", 3, message="value `<script>alert(3)</script>` is `odd`"),
        finding("RL121", "error", 4, message="one ` backtick <b>x</b>"),
    ]
    doc = page(html.render_check_html(make_result(tmp_path, rows)))
    cells = [tr.find_all("td")[4] for tr in doc.find_all("tr") if len(tr.find_all("td")) == 5]
    assert [c.text() for c in cells] == [
        "value <script>alert(3)</script> is odd",
        "one ` backtick <b>x</b>",
    ]
    assert [c.text() for c in cells[0].find_all("code")] == ["<script>alert(3)</script>", "odd"]
    assert len(doc.find_all("script")) == 1 and doc.find_all("b") == []


def test_real_export_report_explains_every_rule(corpus: Path, tmp_path: Path) -> None:
    from roster_lint import api
    from roster_lint.report import text

    result = api.check(str(corpus / "moodle-enrol_oneroster" / "v1p1_Test_full_data_set"))
    out = html.render_check_html(result)
    assert not re.search(r"[a-z]+://", out.lower())
    doc = page(out)
    # A rule whose every finding follows from another (RL313 under RL202 here: courses.csv
    # is absent) is shown under its root, not as a group of its own.
    roots = result.findings.filter(result.findings["cause_code"].is_null())
    codes = sorted(set(roots["code"].to_list()))
    groups = doc.find_all("details", class_="rule")
    assert sorted(g.attrs["id"] or "" for g in groups) == [f"rule-{c}" for c in codes]
    assert all(g.find("dl", class_="explain") for g in groups)  # every code is catalogued
    shown = sum(len(g.find("tbody").find_all("tr")) for g in groups)
    assert shown == result.findings.height  # a small export: nothing capped
    groups_text = text.group_findings(result.findings, text.EXAMPLES_PER_RULE, result.plan)
    assert [g.code for g in groups_text] == [(g.attrs["id"] or "")[5:] for g in groups]


@pytest.fixture(scope="module")
def base_result(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_result(tmp_path_factory.mktemp("base"), [], make_plan(hostile=False))


@settings(max_examples=30, deadline=None)
@given(value=st.text(max_size=40))
def test_any_value_round_trips_as_text(base_result: Any, value: str) -> None:
    plan = make_plan(hostile=False)
    plan.actions = plan.actions.with_columns(
        pl.when(pl.col("id") == "stu1").then(pl.lit(value)).otherwise(pl.col("id")).alias("id")
    )
    findings = findings_frame([finding("RL120", "error", 3, value=value, message="m")])
    result = dataclasses.replace(base_result, findings=findings, plan=plan)
    doc = page(html.render_check_html(result))
    assert doc.find("code", class_="value").text() == value
    assert value in [r[0] for r in entity_rows(doc, "user")]
    assert len(doc.find_all("script")) == 2
