"""JUnit XML: a suite per rule, one failure per error-level finding, notes, caps."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from roster_lint.report.junit import check_junit
from tests.report.test_outputs_support import finding, result_with


def _parse(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    return root


def test_one_failure_per_error_finding(tmp_path: Path) -> None:
    rows = [
        finding("RL400", "error", file="users.csv", line=3, message="bad\x01 <value> & 'x'"),
        finding("RL400", "error", file="users.csv", line=4),
        finding("RL401", "warning", file="classes.csv", message="just a warning"),
        finding("RL402", "info", file="orgs.csv", line=2),
    ]
    root = _parse(check_junit(result_with(tmp_path, rows)))
    failures = root.findall(".//failure")
    assert len(failures) == 2
    assert sorted(
        c.get("name") or "" for c in root.iter("testcase") if c.find("failure") is not None
    ) == [
        "users.csv:3",
        "users.csv:4",
    ]
    assert failures[0].get("type", "").startswith("RL400")
    assert root.get("failures") == "2"
    suites = {s.get("name", "").split()[0]: s for s in root.findall("testsuite")}
    assert sorted(suites) == ["RL400", "RL401", "RL402"]
    assert suites["RL400"].get("failures") == "2"
    assert suites["RL401"].get("failures") == "0"
    notes = suites["RL401"].find("system-out")
    assert notes is not None and "classes.csv" in (notes.text or "")
    total = sum(int(s.get("tests", "0")) for s in suites.values())
    assert root.get("tests") == str(total)


def test_no_findings_is_one_passing_case(tmp_path: Path) -> None:
    root = _parse(check_junit(result_with(tmp_path, [])))
    assert len(list(root.iter("testcase"))) == 1
    assert root.findall(".//failure") == []


def test_cap_adds_one_summary_failure(tmp_path: Path) -> None:
    rows = [finding("RL400", "error", file="users.csv", line=i) for i in range(2, 9)]
    root = _parse(check_junit(result_with(tmp_path, rows), max_cases=3))
    failures = root.findall(".//failure")
    assert len(failures) == 4
    assert "4 more" in (failures[-1].get("message") or "")
