"""Header mapping, header_ok, modes and the version judgement."""

from __future__ import annotations

from pathlib import Path

from roster_lint.examples import materialise
from roster_lint.model import LINE
from tests.load.helpers import findings, load


def export_of(tmp: Path, patch: list[dict[str, object]], base: str = "base-1.1") -> Path:
    return materialise(base, patch, tmp)


def test_recognisable_headers_are_mapped_to_canonical_names(tmp_path: Path) -> None:
    path = export_of(
        tmp_path,
        [
            {"op": "rename_header", "file": "users.csv", "column": "sourcedId", "to": "SourcedId"},
            {
                "op": "rename_header",
                "file": "users.csv",
                "column": "agentSourcedIds",
                "to": "agentSourceIds",
            },
            {"op": "add_column", "file": "users.csv", "column": "metadata.x", "value": "1"},
        ],
    )
    users = load(path).tables["users.csv"]
    assert users.df.columns[:2] == ["sourcedId", "status"]
    assert "agentSourcedIds" in users.df.columns and "metadata.x" in users.df.columns
    assert users.df.columns[-1] == LINE
    assert users.header[0] == "SourcedId"  # as read
    assert users.df["sourcedId"].to_list() == ["tch1", "stu1", "stu2"]
    assert not users.header_ok


def test_extra_columns_keep_header_ok(tmp_path: Path) -> None:
    path = export_of(
        tmp_path, [{"op": "add_column", "file": "orgs.csv", "column": "national_id", "value": "1"}]
    )
    export = load(path)
    assert export.tables["orgs.csv"].header_ok
    assert export.tables["orgs.csv"].df["national_id"].to_list() == ["1", "1"]
    assert findings(export, "RL031") == []  # SK-A5's documented column


def test_modes_from_the_manifest(tmp_path: Path) -> None:
    path = export_of(tmp_path, [{"op": "manifest", "property": "file.users", "value": "delta"}])
    export = load(path)
    assert export.tables["users.csv"].mode == "delta"
    assert export.tables["orgs.csv"].mode == "bulk"
    assert export.manifest["oneroster.version"] == "1.1"


def test_invalid_mode_leaves_mode_unset(tmp_path: Path) -> None:
    path = export_of(tmp_path, [{"op": "manifest", "property": "file.users", "value": ""}])
    export = load(path)
    assert export.tables["users.csv"].mode is None
    assert [(f["line"], f["value"]) for f in findings(export, "RL055")] == [(16, "")]


def test_headers_win_when_they_agree_against_the_manifest(tmp_path: Path) -> None:
    path = export_of(
        tmp_path,
        [{"op": "manifest", "property": "oneroster.version", "value": "1.1"}],
        base="base-1.2",
    )
    export = load(path)
    assert export.version == "1.2"
    assert findings(export, "RL030") == []  # read as 1.2, so no 1.1 columns are "missing"
    assert [f["value"] for f in findings(export, "RL071")] == ["1.1"]


def test_12_manifest_with_11_users(tmp_path: Path) -> None:
    path = export_of(
        tmp_path, [{"op": "manifest", "property": "oneroster.version", "value": "1.2"}]
    )
    export = load(path)
    assert export.version == "1.1"
    assert [(f["file"], f["value"]) for f in findings(export, "RL071")] == [("users.csv", "1.2")]


def test_no_manifest_version_from_headers(tmp_path: Path) -> None:
    path = export_of(tmp_path, [{"op": "remove", "file": "manifest.csv"}], base="base-1.2")
    export = load(path)
    assert export.version == "1.2" and export.manifest == {}
    assert all(t.mode is None for t in export.tables.values())
