"""api.release_unread_columns: frees what no later stage reads, and changes no output.

The plan and the profile findings read a known set of columns; --redact reads every
personal one.  Dropping the rest must leave check, plan and redacted outputs identical.
"""

from __future__ import annotations

import json

import pytest

from roster_lint import api
from roster_lint.report.json_report import check_document
from roster_lint.report.plan_json import plan_json_text
from roster_lint.report.redact import Redactor
from tests.conftest import ROOT

SAMPLES = ["district", "district-flawed", "district-v12"]


def _no_release(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "release_unread_columns", lambda export, keep=frozenset(): None)


@pytest.mark.parametrize("name", SAMPLES)
def test_check_and_plan_documents_identical(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(ROOT / "sample_exports" / name)
    slim = api.check(path)
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
    slim = api.check(path)
    with monkeypatch.context() as m:
        _no_release(m)
        full = api.check(path)
    red_slim = Redactor([slim.export]).apply(check_document(slim))
    red_full = Redactor([full.export]).apply(check_document(full))
    assert red_slim == red_full


def test_unread_columns_are_dropped_and_needed_ones_kept() -> None:
    export = api.load(str(ROOT / "sample_exports" / "district"))
    rows = {name: t.rows for name, t in export.tables.items()}
    api.release_unread_columns(export)
    enr = export.tables["enrollments.csv"]
    assert {"beginDate", "endDate", "dateLastModified"}.isdisjoint(enr.df.columns)
    assert {"sourcedId", "classSourcedId", "userSourcedId", "role", "primary"} <= set(
        enr.df.columns
    )
    users = export.tables["users.csv"].df.columns
    assert {"givenName", "email", "orgSourcedIds", "role", "password"} <= set(users)
    assert {name: t.rows for name, t in export.tables.items()} == rows
    assert enr.header[-1] == "endDate"  # the header as read stays for the reports
