"""pipeline.release_unread_columns: frees what no later stage reads, and changes no output.

The plan and the profile findings read a known set of columns; --redact reads every
personal one.  Dropping the rest must leave check, plan and redacted outputs identical,
and only ever from the pipeline's working copy unless the caller hands the export over.
"""

from __future__ import annotations

import json

import pytest

from roster_lint import api, pipeline
from roster_lint.report.json_report import check_document
from roster_lint.report.plan_json import plan_json_text
from roster_lint.report.redact import Redactor
from tests.conftest import ROOT

SAMPLES = ["district", "district-flawed", "district-v12"]


def _no_release(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "release_unread_columns", lambda export, *readers: None)


@pytest.mark.parametrize("name", SAMPLES)
def test_check_and_plan_documents_identical(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(ROOT / "sample_exports" / name)
    slim = api.check(path, whole_export=False)
    slim_plan = plan_json_text(api.plan(path))
    with monkeypatch.context() as m:
        _no_release(m)
        full = api.check(path)
        full_plan = plan_json_text(api.plan(path))
    assert json.dumps(check_document(slim), sort_keys=True) == json.dumps(
        check_document(full), sort_keys=True
    )
    assert slim_plan == full_plan


def test_redacted_check_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(ROOT / "sample_exports" / "district-flawed")
    slim = api.check(path, whole_export=False)
    with monkeypatch.context() as m:
        _no_release(m)
        full = api.check(path)
    red_slim = Redactor([slim.export]).apply(check_document(slim))
    red_full = Redactor([full.export]).apply(check_document(full))
    assert red_slim == red_full


def test_unread_columns_are_dropped_and_needed_ones_kept() -> None:
    export = api.load(str(ROOT / "sample_exports" / "district"))
    rows = {name: t.rows for name, t in export.tables.items()}
    pipeline.slim_for_plan(export, api.outputs_read)
    enr = export.tables["enrollments.csv"]
    assert {"beginDate", "endDate", "dateLastModified"}.isdisjoint(enr.df.columns)
    assert {"sourcedId", "classSourcedId", "userSourcedId", "role", "primary"} <= set(
        enr.df.columns
    )
    users = export.tables["users.csv"].df.columns
    assert {"givenName", "email", "orgSourcedIds", "role", "password"} <= set(users)
    assert {name: t.rows for name, t in export.tables.items()} == rows
    assert enr.header[-1] == "endDate"  # the header as read stays for the reports


def test_check_returns_the_export_whole() -> None:
    path = str(ROOT / "sample_exports" / "district")
    loaded = api.load(path)
    result = api.check(path)
    for name, t in loaded.tables.items():
        assert result.export.tables[name].df.columns == t.df.columns
        assert result.export.tables[name].df.equals(t.df)


def test_the_pipeline_releases_columns_from_its_copy_only() -> None:
    export = api.load(str(ROOT / "sample_exports" / "district"))
    before = {name: t.df for name, t in export.tables.items()}
    done = pipeline.run_check(export, api.Options(), outputs_read=api.outputs_read)
    assert all(export.tables[name].df is df for name, df in before.items())  # untouched
    assert "beginDate" not in done.export.tables["enrollments.csv"].df.columns
    assert "beginDate" in export.tables["enrollments.csv"].df.columns


def test_an_export_handed_over_loses_its_unread_columns() -> None:
    export = api.load(str(ROOT / "sample_exports" / "district"))
    done = pipeline.run_check(export, api.Options(), owned=True)
    assert done.export is export
    assert "beginDate" not in export.tables["enrollments.csv"].df.columns
