"""--previous: what exists already (issue 11) and issue 13 items 7 and 8.

Each test fails on the engine before its fix (scenarios in the style of test_scenarios)."""

from __future__ import annotations

import json
from pathlib import Path

from roster_lint import api
from roster_lint.predict.model import Plan
from tests.predict.helpers import act, cell, make, plan_of

# Yesterday's export had other sourcedIds for the same (class, user) enrollments.
REGENERATED = [cell("enrollments.csv", line, "sourcedId", f"old{line}") for line in (2, 3, 4)]


def detail(plan: Plan, entity: str, ident: str) -> dict[str, object]:
    a = plan.actions
    rows = a.filter((a["entity"] == entity) & (a["id"] == ident))
    assert rows.height == 1
    out: dict[str, object] = json.loads(rows["detail"][0])
    return out


# --- issue 11: plan --previous shows what exists already as unchanged / update ----------
def test_existing_class_is_unchanged_or_updated_not_created(tmp_path: Path) -> None:
    k2 = {"op": "append", "file": "classes.csv", "copy_line": 2, "values": {"sourcedId": "k2"}}
    plan = plan_of(tmp_path, [k2], previous=[])
    assert act(plan, "class", "k1") == ("unchanged", [])
    assert act(plan, "class", "k2")[0] == "skip"  # new, and no primary teacher (SK-C3)
    renamed = plan_of(tmp_path / "b", [cell("classes.csv", 2, "title", "Math 7 (1)")], previous=[])
    assert act(renamed, "class", "k1") == ("update", [])
    # A class new since yesterday is still created.
    new = plan_of(tmp_path / "c", previous=[cell("classes.csv", 2, "sourcedId", "k0")])
    assert act(new, "class", "k1")[0] == "create"


# --- issue 13 item 7: regenerated enrollment ids ---------------------------------------
def test_regenerated_enrollment_ids_are_the_same_enrollments(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, previous=REGENERATED)
    for eid in ("k1_tch1", "k1_stu1", "k1_stu2"):
        assert act(plan, "enrollment", eid) == ("unchanged", [])
    a = plan.actions
    assert a.filter(a["id"].is_in(["old2", "old3", "old4"])).height == 0
    assert not [f for f in plan.followups if f.kind == "remove-enrollment"]
    assert plan.licences_new == 0


def test_regenerated_ids_and_one_dropped_pair(tmp_path: Path) -> None:
    drop = [{"op": "delete", "file": "enrollments.csv", "line": 4}]
    plan = plan_of(tmp_path, drop, previous=REGENERATED)
    assert act(plan, "enrollment", "old4") == ("retain", ["enrollment-dropped-not-unenrolled"])
    assert [f.id for f in plan.followups if f.kind == "remove-enrollment"] == ["k1"]
    assert act(plan, "enrollment", "k1_stu1") == ("unchanged", [])


def test_diff_rows_and_sync_agree_on_dropped_enrollments(tmp_path: Path) -> None:
    old = make(tmp_path, REGENERATED, name="old")
    new = make(tmp_path, [{"op": "delete", "file": "enrollments.csv", "line": 4}], name="new")
    result = api.diff(old, new)
    fd = result.file("enrollments.csv")
    assert fd is not None and fd.key == ("classSourcedId", "userSourcedId")
    assert fd.removed.select("sourcedId", "line", "action").rows() == [("old4", 4, "retain")]
    dropped = [g for g in result.sync if g.reason == "enrollment-dropped-not-unenrolled"]
    assert [(g.count, g.will) for g in dropped] == [(1, False)]
    assert fd.added.height == 0


# --- issue 13 item 8: an existing class loses its primary teacher -----------------------
def test_existing_class_without_primary_teacher_is_kept(tmp_path: Path) -> None:
    no_primary = [cell("enrollments.csv", 2, "primary", "false")]
    plan = plan_of(tmp_path, no_primary, previous=[])
    assert act(plan, "class", "k1") == ("unchanged", [])
    nd = "existing-class-without-primary-teacher"
    assert detail(plan, "class", "k1")["not_documented"] == [nd]
    for eid in ("k1_stu1", "k1_stu2"):
        assert act(plan, "enrollment", eid) == ("unchanged", [])
        assert detail(plan, "enrollment", eid)["not_documented"] == [nd]
    assert any(nd in n for n in plan.notes)
    assert not [c for c in plan.root_causes if c.reason == "class-without-primary-teacher"]
    # Without --previous it is a new class: not created (SK-C3), its students skipped.
    fresh = plan_of(tmp_path / "b", no_primary)
    assert act(fresh, "class", "k1") == ("skip", ["class-without-primary-teacher"])
    assert act(fresh, "enrollment", "k1_stu1") == ("skip", ["enrollment-class-not-created"])


def test_existing_class_without_teacher_still_skips_for_other_reasons(tmp_path: Path) -> None:
    patch = [
        cell("enrollments.csv", 2, "primary", "false"),
        cell("users.csv", 3, "role", "guardian"),  # stu1 gets no account (SK-A3)
    ]
    plan = plan_of(tmp_path, patch, previous=[])
    assert act(plan, "enrollment", "k1_stu1") == ("skip", ["enrollment-user-not-provisioned"])
    assert act(plan, "enrollment", "k1_stu2") == ("unchanged", [])


def test_why_shows_the_missing_primary_teacher_of_a_kept_class(tmp_path: Path) -> None:
    """The class is kept (not documented) though it has no primary teacher: `why` shows the
    step as not judged (null: the vendor is silent) and names the choice, from the plan's
    detail, instead of showing it as passed."""
    now = make(tmp_path, [cell("enrollments.csv", 2, "primary", "false")])
    opts = api.Options(previous=make(tmp_path, [], name="prev"))
    result = api.why(now, "class", "k1", opts)
    assert result.action == "unchanged"
    steps = {s["step"]: s for s in result.trace}
    teacher = steps["primary teacher"]
    nd = "existing-class-without-primary-teacher"
    assert teacher["ok"] is None
    assert teacher["data"]["set_aside"] == {nd: "class-without-primary-teacher"}
    assert nd in teacher["detail"]
    assert steps["decision"]["ok"] is True
    # Without --previous the same class is skipped for that reason, and nothing is set aside.
    fresh = api.why(now, "class", "k1")
    assert (fresh.action, fresh.reasons) == ("skip", ["class-without-primary-teacher"])
    assert fresh.step("primary teacher")["ok"] is False
    assert "set_aside" not in fresh.step("primary teacher")["data"]
