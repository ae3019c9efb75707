"""One set of numbers: text, JSON, HTML, Markdown and SARIF plans of every sample export
(and `--previous` where the samples allow) show the counts of report/counts.py.

JSON and SARIF are parsed; text, HTML and Markdown are read back where they print the
counts (tables parsed by their columns, not searched for a number anywhere).  The counts
themselves are checked against the plan's actions, so a wrong function cannot agree with
itself: first reasons add up to the skip/retain totals, a person is counted once.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.console import Console

from roster_lint import api
from roster_lint.predict.model import Plan
from roster_lint.report import html, markdown, plan_json, plan_text, sarif
from roster_lint.report.counts import NOT_SYNCED, PlanCounts, plan_counts
from tests.report.test_html_fixtures import parse_html

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
CASES = [
    ("district", None),
    ("district-flawed", None),
    ("district-v12", None),
    ("district-yesterday", None),
    ("district", "district-yesterday"),
]


@cache
def planned(name: str, previous: str | None) -> tuple[Plan, PlanCounts]:
    exp = api.load_for_plan(str(SAMPLES / name))
    prev = api.load_for_plan(str(SAMPLES / previous)) if previous else None
    opts = api.Options(previous=str(SAMPLES / previous) if previous else None)
    plan = api.plan_export(exp, opts, prev)
    return plan, plan_counts(plan)


@pytest.fixture(params=CASES, ids=[f"{n}{'+prev' if p else ''}" for n, p in CASES])
def case(request: pytest.FixtureRequest) -> tuple[Plan, PlanCounts]:
    name, prev = request.param
    return planned(name, prev)


def first_reasons(c: PlanCounts) -> dict[tuple[str, str, str], int]:
    return {(r.entity, r.action, r.reason): r.count for r in c.first_reason}


def test_counts_follow_from_the_actions(case: tuple[Plan, PlanCounts]) -> None:
    plan, c = case
    assert c.by_action == plan.totals()
    not_synced = sum(n for e in c.by_action.values() for a, n in e.items() if a in NOT_SYNCED)
    assert sum(r.count for r in c.first_reason) == not_synced  # each record once
    assert sum(r.count for r in c.any_reason) >= not_synced
    people = plan.actions.filter(
        (pl.col("entity") == "user")
        & pl.col("action").is_in(["create", "transfer", "update", "unchanged"])
    ).height
    assert c.people == people == sum(c.by_role.values())  # a person once
    assert sum(c.by_grade.values()) + c.staff == c.people
    schools = plan.actions.filter(pl.col("entity") == "school")
    assert {s.school for s in c.schools} >= set(schools["id"].to_list())
    assert all(s.people == 0 for s in c.schools if s.action == "skip")


def test_json_shows_the_counts(case: tuple[Plan, PlanCounts]) -> None:
    plan, c = case
    doc = json.loads(plan_json.plan_json_text(plan))
    assert doc["totals"] == c.by_action
    assert doc["summary"]["counts"] == json.loads(json.dumps(c.to_json()))
    # and the actions listed agree with them
    firsts = Counter(
        (a["entity"], a["action"], (a["reasons"] or ["(no reason given)"])[0])
        for a in doc["actions"]
        if a["action"] in NOT_SYNCED
    )
    assert dict(firsts) == first_reasons(c)


def test_text_shows_the_counts(case: tuple[Plan, PlanCounts]) -> None:
    plan, c = case
    buf = io.StringIO()
    plan_text.render_plan(plan, Console(file=buf, width=400, color_system=None))
    text = buf.getvalue()
    rows = {}
    for line in text.splitlines():
        cells = [x.strip() for x in line.strip("│ ").split("│")]
        if len(cells) == 5 and cells[3].replace(",", "").isdigit():
            rows[(cells[0], cells[1], cells[2])] = int(cells[3].replace(",", ""))
    assert rows == first_reasons(c)
    if c.people:
        m = re.search(r"People who get an account \(each once\): ([\d,]+) \((.*)\)", text)
        assert m and int(m.group(1).replace(",", "")) == c.people
        roles = dict(x.rsplit(" ", 1) for x in m.group(2).split(", "))
        assert {r: int(n.replace(",", "")) for r, n in roles.items()} == c.by_role


def test_markdown_shows_the_counts(case: tuple[Plan, PlanCounts]) -> None:
    plan, c = case
    md = markdown.plan_markdown(plan)
    totals: dict[str, dict[str, int]] = {}
    firsts = {}
    for line in md.splitlines():
        cells = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].isdigit():
            totals.setdefault(cells[0], {})[cells[1]] = int(cells[2])
        if len(cells) == 4 and cells[3].isdigit():
            firsts[tuple(x.replace("\\", "") for x in cells[:3])] = int(cells[3])
    assert totals == c.by_action
    assert firsts == first_reasons(c)
    m = re.search(r"People who get an account \(each once\): \*\*(\d+)\*\*", md)
    assert m and int(m.group(1)) == c.people


def test_html_shows_the_counts(case: tuple[Plan, PlanCounts]) -> None:
    plan, c = case
    doc = parse_html(html.render_plan_html(plan, generated="t"))
    labels = {v: k for k, v in html.ENTITY_PLURAL.items()}
    rows = {}
    for table in doc.find_all("table", id="first-reason"):
        for tr in table.find("tbody").find_all("tr"):
            td = tr.find_all("td")
            key = (labels.get(td[0].text(), td[0].text()), td[1].text(), td[2].find("code").text())
            rows[key] = int(td[3].text().replace(",", ""))
    assert rows == first_reasons(c)
    people = doc.find("div", class_="people").find("span", class_="big").text()
    assert int(people.replace(",", "")) == c.people
    if c.people:
        role = doc.find("section", id="accounts").find_all("figure", class_="chart")[1]
        bars = {
            li.find("span", class_="bar-label").text(): int(
                li.find("span", class_="bar-value").text().replace(",", "")
            )
            for li in role.find_all("li", class_="bar-row")
        }
        assert bars == c.by_role
    schools = doc.find("table", class_="schools").find("tbody").find_all("tr")
    shown = [int(tr.find_all("td")[2].text().replace(",", "")) for tr in schools]
    assert shown == [s.people for s in c.schools]


def test_sarif_shows_the_counts(case: tuple[Plan, PlanCounts]) -> None:
    """One result per root cause, its count the records the plan says the cause affects."""
    plan, _ = case
    log: dict[str, Any] = sarif.plan_sarif(plan)
    results = log["runs"][0]["results"]
    assert len(results) == len(plan.root_causes)
    causes: Counter[str] = Counter()
    for rc in plan.root_causes:
        causes[rc.reason] += sum(rc.affected.values())
    got: Counter[str] = Counter()
    for r in results:
        got[r["ruleId"]] += int(r["properties"]["count"])
    assert got == causes
