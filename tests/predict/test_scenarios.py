"""One scenario per SK behaviour, in both modes, with and without --previous.

(Each catalogue rule's own example also runs in tests/test_rule_examples.py; these cover
what the examples cannot: both modes, cascades, detail contents, history.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.predict.helpers import act, not_documented_count, plan_of

SET = "set"


def cell(file: str, line: int, column: str, value: str) -> dict[str, object]:
    return {"op": SET, "file": file, "line": line, "column": column, "value": value}


@pytest.mark.parametrize("mode", ["full", "provisioning"])
def test_accounts_a1_a3_in_both_modes(tmp_path: Path, mode: str) -> None:
    plan = plan_of(tmp_path, [cell("users.csv", 2, "role", "aide")], mode=mode)
    assert act(plan, "user", "stu1") == ("create", [])
    assert act(plan, "user", "tch1") == ("skip", ["role-not-provisioned"])
    detail = json.loads(plan.actions.filter(plan.actions["id"] == "stu1")["detail"][0])
    assert detail == {"schools": ["sch1"], "summit_role": "Student"}


@pytest.mark.parametrize("mode", ["full", "provisioning"])
def test_a5_school_without_nces_is_one_root_cause(tmp_path: Path, mode: str) -> None:
    plan = plan_of(tmp_path, [cell("orgs.csv", 3, "identifier", "12345")], mode=mode)
    assert act(plan, "school", "sch1") == ("skip", ["school-missing-nces-id"])
    for uid in ("tch1", "stu1", "stu2"):
        assert act(plan, "user", uid) == ("skip", ["school-missing-nces-id"])
    causes = [c for c in plan.root_causes if c.reason == "school-missing-nces-id"]
    assert len(causes) == 1 and causes[0].id == "sch1"
    assert causes[0].affected["user"] == 3 and causes[0].affected["school"] == 1
    if mode == "full":
        assert causes[0].affected["class"] == 1 and causes[0].affected["enrollment"] == 3


def test_a5_nces_in_sourced_id_f3(tmp_path: Path) -> None:
    patch = [
        cell("orgs.csv", 3, "identifier", ""),
        cell("orgs.csv", 3, "sourcedId", "060000100001"),
        cell("users.csv", 3, "orgSourcedIds", "060000100001"),
    ]
    plan = plan_of(tmp_path, patch)
    assert act(plan, "school", "060000100001")[0] == "sync"
    assert act(plan, "user", "stu1")[0] == "create"
    assert act(plan, "user", "stu2") == ("skip", ["school-not-in-orgs"])  # still sch1 (F2)


def test_a2_district_admin_followup(tmp_path: Path) -> None:
    patch = [
        cell("users.csv", 2, "role", "administrator"),
        cell("users.csv", 2, "orgSourcedIds", "d1"),
    ]
    plan = plan_of(tmp_path, patch)
    action, reasons = act(plan, "user", "tch1")
    assert action == "create"
    assert reasons[:2] == ["admin-created-as-school-admin", "district-admin-needs-request"]
    assert [f.id for f in plan.followups if f.kind == "district-admin-request"] == ["tch1"]


def test_v12_roles_primary_role_decides(tmp_path: Path) -> None:
    patch = [
        {
            "op": "append",
            "file": "roles.csv",
            "copy_line": 3,
            "values": {"sourcedId": "r_stu1b", "roleType": "secondary", "role": "parent"},
        },
        cell("roles.csv", 2, "role", "districtAdministrator"),
    ]
    plan = plan_of(tmp_path, patch, base="base-1.2")
    assert act(plan, "user", "stu1") == ("create", [])
    action, reasons = act(plan, "user", "tch1")
    assert action == "create" and "district-admin-needs-request" in reasons
    assert any("primary role" in n for n in plan.notes)


def test_c3_c4_e1_split_and_grade_class(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [cell("users.csv", 4, "grades", "08")])
    row = plan.actions.filter(plan.actions["id"] == "k1")
    assert row["action"][0] == "split"
    assert json.loads(row["detail"][0])["grades"] == {"07": 1, "08": 1}
    e = plan.actions.filter(plan.actions["id"] == "k1_stu2")
    assert json.loads(e["detail"][0])["grade_class"] == "k1-08"


def test_c3_no_primary_teacher_cascades_to_enrollments(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [cell("enrollments.csv", 2, "primary", "")])
    assert act(plan, "class", "k1") == ("skip", ["class-without-primary-teacher"])
    assert act(plan, "enrollment", "k1_stu1") == ("skip", ["enrollment-class-not-created"])
    assert act(plan, "user", "tch1")[0] == "create"  # accounts do not depend on classes


def test_c2_course_map_and_previous(tmp_path: Path) -> None:
    cmap = tmp_path / "map.csv"
    cmap.write_text("courseSourcedId,title\n=c2,x\n", encoding="utf-8")
    plan = plan_of(tmp_path, course_map=str(cmap))
    assert act(plan, "course", "c1") == ("needs-mapping", ["course-not-mapped"])
    assert act(plan, "class", "k1") == ("skip", ["course-not-mapped"])
    cmap.write_text("courseSourcedId\nc1\n", encoding="utf-8")
    assert act(plan_of(tmp_path / "b", course_map=str(cmap)), "course", "c1") == ("mapped", [])
    same = plan_of(tmp_path / "c", previous=[])
    assert act(same, "course", "c1") == ("mapped", [])
    assert act(plan_of(tmp_path / "d"), "class", "k1") == ("create", ["course-mapping-unverified"])


def test_p1_provisioning_skips_classes_and_enrollments(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, mode="provisioning")
    assert act(plan, "class", "k1") == ("skip", ["provisioning-mode"])
    assert act(plan, "enrollment", "k1_stu1") == ("skip", ["provisioning-mode"])
    assert act(plan, "course", "c1") == ("unverified", ["provisioning-mode"])
    assert plan.licences_new == 0
    assert any(f.kind == "provisioning-classes" for f in plan.followups)


def test_without_previous_nothing_is_transfer_unchanged_or_retain(tmp_path: Path) -> None:
    plan = plan_of(tmp_path)
    assert not set(plan.actions["action"]) & {"transfer", "unchanged", "retain", "update"}
    assert plan.licences_new == 2


@pytest.mark.parametrize("mode", ["full", "provisioning"])
def test_a6_a7_history(tmp_path: Path, mode: str) -> None:
    previous = [
        {
            "op": "append",
            "file": "orgs.csv",
            "copy_line": 3,
            "values": {"sourcedId": "sch2", "identifier": "060000100002"},
        },
        cell("users.csv", 3, "orgSourcedIds", "sch2"),
        cell("users.csv", 2, "givenName", "Augusta"),
        {"op": "append", "file": "users.csv", "copy_line": 4, "values": {"sourcedId": "stu3"}},
    ]
    plan = plan_of(tmp_path, previous=previous, mode=mode)
    assert act(plan, "user", "stu1") == ("transfer", ["user-transfer"])
    detail = json.loads(plan.actions.filter(plan.actions["id"] == "stu1")["detail"][0])
    assert (detail["from"], detail["to"]) == (["sch2"], ["sch1"])
    assert act(plan, "user", "tch1") == ("update", [])
    assert act(plan, "user", "stu2") == ("unchanged", [])
    assert act(plan, "user", "stu3") == ("retain", ["user-removed-not-deleted"])
    assert [f.id for f in plan.followups if f.kind == "delete-user"] == ["stu3"]


def test_e2_e3_e4_enrollment_history(tmp_path: Path) -> None:
    k2 = [
        {"op": "append", "file": "classes.csv", "copy_line": 2, "values": {"sourcedId": "k2"}},
        {
            "op": "append",
            "file": "enrollments.csv",
            "copy_line": 2,
            "values": {"sourcedId": "k2_tch1", "classSourcedId": "k2"},
        },
    ]
    previous = [
        *k2,
        cell("enrollments.csv", 3, "sourcedId", "k2_stu1"),
        cell("enrollments.csv", 3, "classSourcedId", "k2"),
    ]
    now = [*k2, cell("enrollments.csv", 4, "status", "tobedeleted")]
    plan = plan_of(tmp_path, now, previous=previous)
    assert act(plan, "enrollment", "k1_stu1") == ("transfer", ["enrollment-transfer"])
    assert act(plan, "enrollment", "k1_stu2") == ("unenroll", ["enrollment-tobedeleted"])
    assert act(plan, "enrollment", "k2_tch1") == ("unchanged", [])
    # the old k2 record is the transfer's source, not a retained enrollment
    assert plan.actions.filter(plan.actions["id"] == "k2_stu1").height == 0
    dropped = plan_of(
        tmp_path / "b", [{"op": "delete", "file": "enrollments.csv", "line": 4}], previous=[]
    )
    assert act(dropped, "enrollment", "k1_stu2") == (
        "retain",
        ["enrollment-dropped-not-unenrolled"],
    )
    assert dropped.licences_new == 0


def test_f1_header_breaks_sync_every_row_skips(tmp_path: Path) -> None:
    patch = [
        {"op": "rename_header", "file": "orgs.csv", "column": "identifier", "to": "Identifier"}
    ]
    plan = plan_of(tmp_path, patch)
    assert act(plan, "school", "sch1") == ("skip", ["header-breaks-sync"])
    assert act(plan, "user", "stu1") == ("skip", ["header-breaks-sync"])
    causes = [c for c in plan.root_causes if c.entity == "file"]
    assert [c.id for c in causes] == ["orgs.csv"]


@pytest.mark.parametrize(
    "missing", ["orgs.csv", "users.csv", "courses.csv", "classes.csv", "enrollments.csv"]
)
def test_missing_files_never_crash_and_say_so(tmp_path: Path, missing: str) -> None:
    plan = plan_of(tmp_path, [{"op": "remove", "file": missing}])
    assert any(n.startswith(missing) for n in plan.notes)
    skips = plan.actions.filter(plan.actions["action"].is_in(["skip", "retain"]))
    assert all(len(r) >= 1 for r in skips["reasons"])


def test_not_documented_is_visible(tmp_path: Path) -> None:
    patch = [cell("enrollments.csv", 3, "role", "proctor")]
    plan = plan_of(tmp_path, patch)
    assert act(plan, "enrollment", "k1_stu1") == ("skip", ["enrollment-role-not-enrolled"])
    detail = json.loads(plan.actions.filter(plan.actions["id"] == "k1_stu1")["detail"][0])
    assert detail["not_documented"] == ["enrollment-of-non-student"]
    assert not_documented_count(plan.notes, "enrollment-of-non-student") == 1


def test_x_warnings_never_change_the_prediction(tmp_path: Path) -> None:
    patch = [
        cell("users.csv", 3, "enabledUser", "maybe"),
        cell("users.csv", 4, "enabledUser", "false"),
        cell("users.csv", 4, "grades", "7"),
    ]
    plan = plan_of(tmp_path, patch)
    assert act(plan, "user", "stu1") == ("create", ["enabled-user-unrecognised"])
    assert act(plan, "user", "stu2") == ("create", ["user-disabled", "grade-format-inconsistent"])
    assert act(plan, "class", "k1")[0] == "create"  # 7 and 07 are one grade: no split
