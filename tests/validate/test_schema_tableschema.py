"""The frictionless Table Schemas: generated from files.toml and accepted by frictionless."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pytest

from roster_lint.examples import materialise
from roster_lint.spec import oneroster
from roster_lint.validate.schema.tableschema import data_package, table_schema


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_every_file_and_column_is_declared(version: str) -> None:
    spec = oneroster()
    pkg = data_package(version)
    assert {r["path"] for r in pkg["resources"]} == {f.name for f in spec.files_for(version)}
    for res in pkg["resources"]:
        names = [f["name"] for f in res["schema"]["fields"]]
        assert names == spec.files[res["path"]].header(version)
        frictionless.Schema.from_descriptor(res["schema"])  # a valid Table Schema


@pytest.mark.parametrize(("base", "version"), [("base-1.1", "1.1"), ("base-1.2", "1.2")])
def test_frictionless_accepts_the_base_export(base: str, version: str, tmp_path: Path) -> None:
    folder = materialise(base, [], tmp_path)
    pkg = data_package(version)
    pkg["resources"] = [r for r in pkg["resources"] if (folder / r["path"]).exists()]
    assert len(pkg["resources"]) >= 6
    (folder / "datapackage.json").write_text(json.dumps(pkg), encoding="utf-8")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "rowNumber", "fieldName", "note"])


def _errors(folder: Path, file: str, version: str) -> list[tuple[str, int, str]]:
    schema = frictionless.Schema.from_descriptor(table_schema(file, version))
    report = frictionless.validate(
        frictionless.Resource(path=file, basepath=str(folder), schema=schema)
    )
    return [(e[0], e[1], e[2]) for e in report.flatten(["type", "rowNumber", "fieldName"])]


def test_frictionless_flags_what_the_schema_declares(tmp_path: Path) -> None:
    folder = materialise(
        "base-1.1",
        [
            {
                "op": "set",
                "file": "classes.csv",
                "line": 2,
                "column": "classType",
                "value": "Scheduled",
            },
            {"op": "set", "file": "users.csv", "line": 3, "column": "grades", "value": "7"},
            {"op": "set", "file": "users.csv", "line": 4, "column": "givenName", "value": ""},
            {
                "op": "set",
                "file": "enrollments.csv",
                "line": 3,
                "column": "beginDate",
                "value": "9/5/2019",
            },
        ],
        tmp_path,
    )
    assert _errors(folder, "classes.csv", "1.1") == [("constraint-error", 2, "classType")]
    assert sorted(_errors(folder, "users.csv", "1.1")) == [
        ("constraint-error", 3, "grades"),
        ("constraint-error", 4, "givenName"),
    ]
    assert _errors(folder, "enrollments.csv", "1.1") == [("constraint-error", 3, "beginDate")]


def test_v12_allows_ext_values_only_where_extensible() -> None:
    fields = {f["name"]: f for f in table_schema("orgs.csv", "1.2")["fields"]}
    assert "ext:" in fields["type"]["constraints"]["pattern"]
    fields11 = {f["name"]: f for f in table_schema("orgs.csv", "1.1")["fields"]}
    assert "pattern" not in fields11["type"]["constraints"]
    with pytest.raises(ValueError):
        table_schema("roles.csv", "1.1")
