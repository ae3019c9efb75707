"""A user's reasons and root reason (looked up from flag masks in decide_users)."""

from __future__ import annotations

from pathlib import Path

from tests.predict.helpers import act, plan_of


def _set(line: int, column: str, value: str) -> dict[str, object]:
    return {"op": "set", "file": "users.csv", "line": line, "column": column, "value": value}


def test_skipped_user_without_school_gets_sk_x3_last(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [_set(3, "orgSourcedIds", ""), _set(4, "role", "aide")])
    assert act(plan, "user", "stu1") == ("skip", ["school-not-in-orgs", "user-without-school"])
    assert act(plan, "user", "stu2") == ("skip", ["role-not-provisioned"])
    causes = {(c.reason, c.entity, c.id) for c in plan.root_causes}
    assert ("school-not-in-orgs", "school", "(no school)") in causes
    assert ("role-not-provisioned", "role", "aide") in causes


def test_notes_of_a_user_in_scope(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [_set(3, "email", ""), _set(3, "password", "abc")])
    assert act(plan, "user", "stu1") == ("create", ["user-missing-email", "password-too-short"])
