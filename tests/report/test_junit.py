"""JUnit XML: a suite per rule run (passing ones too), one failure per error-level finding,
notes, caps."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from roster_lint.catalogue import catalogue
from roster_lint.options import Options
from roster_lint.report.junit import check_junit, rules_run
from tests.report.test_outputs_support import finding, result_with


def _suites(root: ET.Element) -> dict[str, ET.Element]:
    return {s.get("name", "").split()[0]: s for s in root.findall("testsuite")}


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
    suites = _suites(root)
    # every rule run has its suite; the findings' codes are among them
    assert {"RL400", "RL401", "RL402"} <= set(suites)
    assert suites["RL400"].get("failures") == "2"
    assert suites["RL401"].get("failures") == "0"
    notes = suites["RL401"].find("system-out")
    assert notes is not None and "classes.csv" in (notes.text or "")
    total = sum(int(s.get("tests", "0")) for s in suites.values())
    assert root.get("tests") == str(total)


def test_no_findings_is_one_passing_case_per_rule_run(tmp_path: Path) -> None:
    root = _parse(check_junit(result_with(tmp_path, [])))
    run = [r.code for r in rules_run(Options())]
    suites = _suites(root)
    assert sorted(suites) == sorted(run)
    assert root.findall(".//failure") == []
    for code, suite in suites.items():
        cases = suite.findall("testcase")
        assert [(c.get("classname"), suite.get("failures")) for c in cases] == [
            (f"roster-lint.{code}", "0")
        ]
    assert root.get("tests") == str(len(run))


def test_a_rule_keeps_its_suite_from_failing_to_passing(tmp_path: Path) -> None:
    """The dashboard case: yesterday RL200 failed, today it passes; its suite is in both."""
    failing = [finding("RL200", "error", file="users.csv", line=3)]
    before = _suites(_parse(check_junit(result_with(tmp_path / "a", failing))))
    after = _suites(_parse(check_junit(result_with(tmp_path / "b", []))))
    assert before["RL200"].get("failures") == "1"
    assert after["RL200"].get("failures") == "0"
    assert before.keys() == after.keys()


def test_rules_run_follow_select_ignore_and_previous() -> None:
    everything = {r.code for r in catalogue().rules}
    diff_rules = {r.code for r in catalogue().rules if r.group == "diff"}
    assert {r.code for r in rules_run(Options())} == everything - diff_rules
    with_previous = {r.code for r in rules_run(Options(previous="yesterday"))}
    assert with_previous == everything
    selected = {r.code for r in rules_run(Options(select=["RL2"], ignore=["RL200"]))}
    assert selected == {c for c in everything - diff_rules if c.startswith("RL2")} - {"RL200"}
    assert {r.code for r in rules_run(Options(), ("diff",))} == diff_rules


def test_select_limits_the_suites(tmp_path: Path) -> None:
    result = result_with(tmp_path, [finding("RL200", "error", file="users.csv", line=3)])
    result.options.select = ["RL200"]
    assert sorted(_suites(_parse(check_junit(result)))) == ["RL200"]


def test_cap_adds_one_summary_failure(tmp_path: Path) -> None:
    rows = [finding("RL400", "error", file="users.csv", line=i) for i in range(2, 9)]
    root = _parse(check_junit(result_with(tmp_path, rows), max_cases=3))
    failures = root.findall(".//failure")
    assert len(failures) == 4
    assert "4 more" in (failures[-1].get("message") or "")
