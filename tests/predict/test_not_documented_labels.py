"""Issue 13 item 11: every action a [not_documented] choice decides carries
`detail.not_documented` naming it, and each key a detail names is a profile choice."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from roster_lint.predict.model import Plan
from roster_lint.predict.profile import load_profile
from tests.predict.helpers import act, cell, not_documented_count, plan_of


def nd(plan: Plan, entity: str, ident: str) -> list[str]:
    rows = plan.actions.filter((pl.col("entity") == entity) & (pl.col("id") == ident))
    return list(json.loads(rows["detail"][0]).get("not_documented", []))


def test_class_whose_primary_teacher_gets_no_account(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [cell("users.csv", 2, "role", "aide")])
    assert act(plan, "class", "k1") == ("create", ["course-mapping-unverified"])
    assert nd(plan, "class", "k1") == ["primary-teacher-not-provisioned"]
    assert not_documented_count(plan.notes, "primary-teacher-not-provisioned") == 1
    # a provisioned primary teacher: nothing to label
    assert nd(plan_of(tmp_path / "ok"), "class", "k1") == []


def test_v12_user_with_several_primary_roles(tmp_path: Path) -> None:
    two = {
        "op": "append",
        "file": "roles.csv",
        "copy_line": 2,
        "values": {"sourcedId": "r_tch1b", "role": "teacher"},
    }
    plan = plan_of(tmp_path, [two], base="base-1.2")
    assert nd(plan, "user", "tch1") == ["several-primary-roles"]
    assert nd(plan, "user", "stu1") == []


def test_school_shared_as_tobedeleted(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [cell("orgs.csv", 3, "status", "tobedeleted")])
    assert nd(plan, "school", "sch1") == ["record-tobedeleted"]
    assert not_documented_count(plan.notes, "record-tobedeleted") == 1


def test_every_named_choice_is_the_profile_s(tmp_path: Path) -> None:
    patch = [
        cell("users.csv", 2, "role", "aide"),
        cell("orgs.csv", 3, "status", "tobedeleted"),
        cell("courses.csv", 2, "status", "tobedeleted"),
    ]
    plan = plan_of(tmp_path, patch)
    named = plan.actions["detail"].str.json_path_match("$.not_documented").drop_nulls()
    keys = {k for text in named for k in json.loads(text)}
    assert keys and keys <= set(load_profile().not_documented)


def test_class_whose_primary_is_written_in_another_case(tmp_path: Path) -> None:
    """`TRUE` (an Excel round trip): read as true, the class is created, and the choice
    is named on the class and counted in the notes."""
    plan = plan_of(tmp_path, [cell("enrollments.csv", 2, "primary", "TRUE")])
    assert act(plan, "class", "k1") == ("create", ["course-mapping-unverified"])
    assert nd(plan, "class", "k1") == ["primary-other-case"]
    assert not_documented_count(plan.notes, "primary-other-case") == 1
    # written exactly: nothing to label
    assert nd(plan_of(tmp_path / "ok"), "class", "k1") == []
