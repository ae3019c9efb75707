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


def test_enrollment_of_a_user_listed_twice_reads_the_first_row(tmp_path: Path) -> None:
    """An id listed twice: the enrollment sees the first row (here skipped), whatever the
    second one (an account)."""
    copy = {"op": "append", "file": "users.csv", "copy_line": 3, "values": {"role": "student"}}
    plan = plan_of(tmp_path, [_set(3, "role", "aide"), copy])
    assert act(plan, "enrollment", "k1_stu1") == ("skip", ["enrollment-user-not-provisioned"])
    assert act(plan, "enrollment", "k1_stu2") == ("enroll", [])
    assert plan.licences_new == 1
