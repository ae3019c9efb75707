"""The HTML report: escaping, self-containment, caps, charts, determinism."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import itertools
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
    """The page's embedded data, unpacked as report.js unpacks it."""
    el = doc.find("script", id="plan-data", type="application/json")
    raw = el.text()
    assert "<" not in raw and ">" not in raw and "&" not in raw
    if el.attrs.get("data-encoding") == "gzip-base64":
        raw = gzip.decompress(base64.b64decode(raw)).decode("utf-8")
    data: dict[str, Any] = json.loads(raw)
    for e in data["entities"]:
        e["line"] = list(itertools.accumulate(e["line"]))
        if "email" in e:
            e["email"] = [
                f"{u}@{data['domains'][m]}" if isinstance(m, int) else m
                for u, m in zip(e["username"], e["email"], strict=True)
            ]
    return data


def entity_rows(doc: Node, entity: str) -> list[list[str]]:
    """Rows as [id, action, reasons, school id, where, detail in words]."""
    data = plan_data(doc)
    for e in data["entities"]:
        if e["entity"] == entity:
            rows = []
            for i, ident in enumerate(e["id"]):
                f = data["files"][e["file"][i]]
                rows.append(
                    [
                        ident,
                        data["actions"][e["action"][i]],
                        ", ".join(data["reasonSets"][e["reasons"][i]]),
                        data["schools"][e["school"][i]][0],
                        f"{f}:{e['line'][i]}" if e["line"][i] else f,
                        e["details"][e["detail"][i]],
                    ]
                )
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
    totals = {e["entity"]: (len(e["id"]), e["total"]) for e in plan_data(doc)["entities"]}
    assert totals["user"] == (100, 311)  # report.js says "holds 100 of the 311"
    assert totals["class"] == (1, 1)  # small entities are complete
    assert [r[4] for r in entity_rows(doc, "class")] == ["classs.csv:2"]


def test_big_data_is_gzipped_and_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    from roster_lint.report import html_plan

    plan = make_plan(extra_users=50)
    plain = entity_rows(page(html.render_plan_html(plan, generated="t")), "user")
    monkeypatch.setattr(html_plan, "GZIP_OVER", 0)
    out = html.render_plan_html(plan, generated="t")
    doc = page(out)
    el = doc.find("script", id="plan-data")
    assert el.attrs.get("data-encoding") == "gzip-base64"
    assert entity_rows(doc, "user") == plain
    assert html.render_plan_html(plan, generated="t") == out  # gzip without a timestamp


def test_report_names_exports_and_time_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roster_lint import api

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    exp = api.load_for_plan("sample_exports/district")
    prev = api.load_for_plan("sample_exports/district-yesterday")
    plan = api.plan_export(exp, api.Options(), prev)
    out = html.render_plan_html(plan, export=exp, previous=prev)
    meta = page(out).find("dl", class_="meta")
    terms = dict(
        zip(
            [d.text() for d in meta.find_all("dt")],
            [d.text() for d in meta.find_all("dd")],
            strict=True,
        )
    )
    assert terms["Export"] == "sample_exports/district"
    assert terms["Previous export"] == "sample_exports/district-yesterday"
    assert terms["Mode · profile"] == f"{plan.mode} · {plan.profile}"
    assert terms["Made"].startswith("2026-12-01 00:00 UTC by roster-lint")
    assert html.render_plan_html(plan, export=exp, previous=prev) == out


def test_skipped_users_keep_school_name_grade_and_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from roster_lint import api

    exp = api.load_for_plan("sample_exports/district-flawed")
    plan = api.plan_export(exp, api.Options(), None)
    data = plan_data(page(html.render_plan_html(plan, export=exp)))
    users = next(e for e in data["entities"] if e["entity"] == "user")
    i = users["id"].index("10928")  # skipped: school 103 has no NCES ID
    assert data["actions"][users["action"][i]] == "skip"
    assert data["schools"][users["school"][i]] == ["103", "Oakridge Middle School"]
    assert users["grade"][i] == "06" and users["name"][i]
    assert users["details"][users["detail"][i]] == "not synced at Oakridge Middle School (103)"
    assert all("{" not in d for e in data["entities"] for d in e["details"])  # words, not JSON


def test_audience_charts_from_the_audience_frame(tmp_path: Path) -> None:
    doc = page(html.render_plan_html(make_plan()))
    charts = doc.find_all("figure", class_="chart")
    assert [c.find("figcaption").text() for c in charts] == [
        "By school (a person at two schools in both)",
        "By role (each person once)",
        "By grade (students; staff apart)",
    ]

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
    # students by grade; staff apart, not "(no grade)"
    assert [b[0] for b in bars(charts[2])] == ["KG", "07", "12", "staff"]
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
    assert [[td.text() for td in tr.find_all("td")][:2] for tr in followups] == [
        ["map-course", "course c1"]
    ]
    reasons = doc.find("table", id="first-reason").find("tbody").find_all("tr")
    assert [tr.find_all("td")[2].find("code").text() for tr in reasons] == [
        "role-not-provisioned",
        "enrollment-user-not-provisioned",
        "school-missing-nces-id",
        "school-missing-nces-id",
    ]
    assert [tr.find_all("td")[3].text() for tr in reasons] == ["8", "1", "1", "1"]


def test_diff_page_in_words_sync_first(monkeypatch: pytest.MonkeyPatch) -> None:
    doc_in = {
        "tool": {"name": "roster-lint", "version": "9"},
        "old": {"path": "old-export", "oneroster_version": "1.1"},
        "new": {"path": HOSTILE[0], "oneroster_version": "1.1"},
        "settings": {"max_shrink": 0.2},
        "summary": {"added": 1, "removed": 1, "changed": 1, "warnings": 0},
        "files": [
            {
                "file": "users.csv",
                "status": "compared",
                "key_note": "matched by sourcedId",
                "added": 1,
                "removed": 1,
                "changed": 1,
                "records": {
                    "added": [{"sourcedId": HOSTILE[6], "line": 4, "action": "create"}],
                    # a transfer's removed half: no action of its own
                    "removed": [{"sourcedId": "u9", "line": 9, "action": None, "reasons": []}],
                    "changed": [
                        {
                            "sourcedId": "u1",
                            "line_old": 2,
                            "line": 3,
                            "columns": ["orgSourcedIds", "email"],
                            "values": {"orgSourcedIds": {"old": "101", "new": "104"}},
                            "action": "transfer",
                            "reasons": ["user-transfer"],
                        }
                    ],
                },
            },
        ],
        "sync": {
            "available": True,
            "will": [
                {"action": "transfer", "count": 1, "message": "1 user moves", "source": "SK-A6"}
            ],
            "will_not": [
                {
                    "action": "retain",
                    "count": 7,
                    "message": "7 users kept",
                    "reason": "x",
                    "source": "SK-A7",
                }
            ],
        },
    }
    monkeypatch.setattr(diff_json, "diff_document", lambda diff: doc_in)
    out = html.render_diff_html(object(), generated="t")  # type: ignore[arg-type]
    assert not re.search(r"[a-z]+://", out.lower())
    doc = page(out)
    ids = [s.attrs.get("id") for s in doc.find_all("section") if s.attrs.get("id")]
    assert ids[:4] == ["summary", "will-not", "will", "records"]  # the sync first
    text = doc.text()
    for generic in ("max_shrink", "key_note", "available", "tool"):
        assert generic not in text, generic
    assert "action: · reasons:" not in text
    meta = [d.text() for d in doc.find("dl", class_="meta").find_all("dd")]
    assert meta[1].startswith(HOSTILE[0])
    tables = doc.find("section", class_="file").find_all("table")
    rows = {
        t.find("tbody").find("td").text(): [td.text() for td in t.find_all("td")] for t in tables
    }
    assert rows["u1"][2].startswith("orgSourcedIds: 101 → 104")  # old -> new, when given
    assert "email" in rows["u1"][2]  # a column without values still named
    assert rows["u9"][3].startswith("nothing for this id")  # the removed half, in words
    assert HOSTILE[6] in rows
    assert len(doc.find_all("script")) == 1  # ours only
    assert html.render_diff_html(object(), generated="t") == out  # type: ignore[arg-type]


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
