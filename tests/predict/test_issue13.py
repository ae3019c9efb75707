"""Issue 13: the wrong predictions found on real exports and vendor-only scenarios.

Each test fails on the engine before its fix (scenarios in the style of test_scenarios)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_lint import api
from roster_lint.predict.model import Plan
from tests.predict.helpers import Patch, act, cell, make, not_documented_count, plan_of


def causes(plan: Plan) -> dict[tuple[str, str, str], dict[str, int]]:
    """(reason, entity, id) of each root cause -> how many of each entity it affects."""
    return {(c.reason, c.entity, c.id): c.affected for c in plan.root_causes}


# --- item 1: a null flag dropped (Kleene logic) ----------------------------------------
@pytest.mark.parametrize("school", ["HS99", "sch1 "])
def test_class_school_not_in_orgs_is_skipped(tmp_path: Path, school: str) -> None:
    plan = plan_of(tmp_path, [cell("classes.csv", 2, "schoolSourcedId", school)])
    assert act(plan, "class", "k1") == ("skip", ["class-school-skipped"])
    cause = causes(plan)[("school-not-in-orgs", "school", school)]
    assert cause["class"] == 1
    for eid in ("k1_stu1", "k1_stu2", "k1_tch1"):
        assert act(plan, "enrollment", eid)[0] == "skip"


# Each referenced record blanked or removed in turn, with the actions that depend on it.
DEPENDS: dict[str, tuple[Patch, list[tuple[str, str]]]] = {
    "class school blank": (
        [cell("classes.csv", 2, "schoolSourcedId", "")],
        [("class", "k1"), ("enrollment", "k1_stu1"), ("enrollment", "k1_stu2")],
    ),
    "class school removed": (
        [{"op": "delete", "file": "orgs.csv", "line": 3}],
        [("class", "k1"), ("enrollment", "k1_stu1"), ("enrollment", "k1_stu2")],
    ),
    "class course blank": (
        [cell("classes.csv", 2, "courseSourcedId", "")],
        [("class", "k1"), ("enrollment", "k1_stu1"), ("enrollment", "k1_stu2")],
    ),
    "class course removed": (
        [{"op": "delete", "file": "courses.csv", "line": 2}],
        [("class", "k1"), ("enrollment", "k1_stu1"), ("enrollment", "k1_stu2")],
    ),
    "enrollment user blank": (
        [cell("enrollments.csv", 3, "userSourcedId", "")],
        [("enrollment", "k1_stu1")],
    ),
    "enrollment user removed": (
        [{"op": "delete", "file": "users.csv", "line": 3}],
        [("enrollment", "k1_stu1")],
    ),
    "enrollment class blank": (
        [cell("enrollments.csv", 3, "classSourcedId", "")],
        [("enrollment", "k1_stu1")],
    ),
    "enrollment class removed": (
        [{"op": "delete", "file": "classes.csv", "line": 2}],
        [("enrollment", "k1_stu1"), ("enrollment", "k1_stu2")],
    ),
    "teacher user removed": (
        [{"op": "delete", "file": "users.csv", "line": 2}],
        [("class", "k1"), ("enrollment", "k1_stu1"), ("enrollment", "k1_stu2")],
    ),
}


@pytest.mark.parametrize("case", sorted(DEPENDS))
def test_no_create_or_enroll_depends_on_a_missing_record(tmp_path: Path, case: str) -> None:
    patch, dependants = DEPENDS[case]
    plan = plan_of(tmp_path, patch)
    a = plan.actions
    for entity, ident in dependants:
        rows = a.filter((a["entity"] == entity) & (a["id"] == ident))
        assert rows.height == 1, (case, entity, ident)
        assert rows["action"][0] == "skip", (case, entity, ident, rows["reasons"][0])
        assert list(rows["reasons"][0]), (case, entity, ident)


# --- item 3: only an administrator whose org is a district needs the request (SK-A2) ---
def test_department_admin_is_not_a_district_admin(tmp_path: Path) -> None:
    patch = [
        {
            "op": "append",
            "file": "orgs.csv",
            "copy_line": 3,
            "values": {"sourcedId": "dep1", "type": "department", "identifier": ""},
        },
        cell("users.csv", 2, "role", "administrator"),
        cell("users.csv", 2, "orgSourcedIds", "dep1"),
    ]
    plan = plan_of(tmp_path, patch)
    action, reasons = act(plan, "user", "tch1")
    assert action == "create"
    assert "admin-created-as-school-admin" in reasons
    assert "district-admin-needs-request" not in reasons
    assert [f.id for f in plan.followups if f.kind == "district-admin-request"] == []


# --- item 6: an org of type `School` (wrong case): the org type is the cause -----------
def test_org_type_wrong_case_names_the_type(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [cell("orgs.csv", 3, "type", "School")])
    assert act(plan, "school", "sch1") == ("skip", ["org-type-invalid"])
    for uid in ("tch1", "stu1", "stu2"):
        assert act(plan, "user", uid) == ("skip", ["org-type-invalid"])
    assert act(plan, "class", "k1") == ("skip", ["class-school-skipped"])
    found = causes(plan)
    assert ("org-type-invalid", "school", "sch1") in found
    assert found[("org-type-invalid", "school", "sch1")]["class"] == 1
    assert not [k for k in found if k[0] == "school-missing-nces-id"]


def test_org_type_wrong_case_is_labelled_not_documented(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [cell("orgs.csv", 3, "type", "School")])
    a = plan.actions
    for entity, ident in (("school", "sch1"), ("user", "stu1")):
        d = json.loads(a.filter((a["entity"] == entity) & (a["id"] == ident))["detail"][0])
        assert "org-type-other-case" in d["not_documented"], (entity, d)


# --- item 5: a broken users.csv header (full mode) is the classes' root cause -----------
def test_users_header_broken_skips_classes_for_the_file(tmp_path: Path) -> None:
    patch = [{"op": "rename_header", "file": "users.csv", "column": "role", "to": "Role"}]
    plan = plan_of(tmp_path, patch)
    assert act(plan, "user", "stu1") == ("skip", ["header-breaks-sync"])
    assert act(plan, "class", "k1") == ("skip", ["header-breaks-sync"])
    found = causes(plan)
    assert found[("header-breaks-sync", "file", "users.csv")]["class"] == 1
    assert not [k for k in found if k[0] == "class-without-primary-teacher"]
    codes = set(api.check(make(tmp_path, patch, name="chk")).findings["code"].to_list())
    assert "RL310" not in codes


# --- item 2: a transfer stays within the district (SK-A6); a school added is an update --
SCH2 = {
    "op": "append",
    "file": "orgs.csv",
    "copy_line": 3,
    "values": {"sourcedId": "sch2", "identifier": "060000100002"},
}


def test_move_to_another_district_is_not_a_transfer(tmp_path: Path) -> None:
    d2 = {
        "op": "append",
        "file": "orgs.csv",
        "copy_line": 2,
        "values": {"sourcedId": "d2", "identifier": "0600002"},
    }
    sch2_d2 = {**SCH2, "values": {**SCH2["values"], "parentSourcedId": "d2"}}  # type: ignore[dict-item]
    previous = [d2, sch2_d2, cell("users.csv", 3, "orgSourcedIds", "sch2")]
    plan = plan_of(tmp_path, [d2, sch2_d2], previous=previous)
    action, reasons = act(plan, "user", "stu1")
    assert action != "transfer" and "user-transfer" not in reasons
    # The same move within the district is a transfer.
    plan = plan_of(
        tmp_path / "same", [SCH2], previous=[SCH2, cell("users.csv", 3, "orgSourcedIds", "sch2")]
    )
    assert act(plan, "user", "stu1") == ("transfer", ["user-transfer"])


def test_a_second_school_added_is_an_update(tmp_path: Path) -> None:
    patch = [SCH2, cell("users.csv", 3, "orgSourcedIds", "sch1,sch2")]
    plan = plan_of(tmp_path, patch, previous=[SCH2])
    action, reasons = act(plan, "user", "stu1")
    assert action == "update" and "user-transfer" not in reasons


# --- item 12: an NCES PSS private-school id (8 characters) is an NCES ID ----------------
def test_private_school_pss_id_syncs_not_documented(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, [cell("orgs.csv", 3, "identifier", "A9901234")])
    assert act(plan, "school", "sch1") == ("sync", [])
    assert act(plan, "user", "stu1") == ("create", [])
    a = plan.actions
    d = json.loads(a.filter((a["entity"] == "school") & (a["id"] == "sch1"))["detail"][0])
    assert d["nces_id"] == "A9901234"
    assert "nces-private-school-id" in d["not_documented"]
    # Eight characters that are not a PSS id are still no NCES ID.
    plan = plan_of(tmp_path / "bad", [cell("orgs.csv", 3, "identifier", "12345678")])
    assert act(plan, "school", "sch1") == ("skip", ["school-missing-nces-id"])


# --- item 4: course-map init output is a valid --course-map (formula guard stripped) ----
@pytest.mark.parametrize("course", ["=c1", "+c1", "-c1", "@c1", " =c1", "'=c1", "'c1", "c1"])
def test_course_map_init_round_trips(tmp_path: Path, course: str) -> None:
    from roster_lint.load import load_export
    from roster_lint.predict.coursemap import course_map_csv, read_course_map

    patch = [
        cell("courses.csv", 2, "sourcedId", course),
        cell("classes.csv", 2, "courseSourcedId", course),
    ]
    cmap = tmp_path / "map.csv"
    cmap.write_text(course_map_csv(load_export(make(tmp_path, patch, name="src"))))
    assert read_course_map(str(cmap)) == {course}
    plan = plan_of(tmp_path, patch, course_map=str(cmap))
    assert act(plan, "course", course)[0] == "mapped"
    assert act(plan, "class", "k1")[0] == "create"


# --- item 13(a): a broken orgs.csv header does not count the district as a school ------
@pytest.mark.parametrize("column", ["type", "name"])
def test_orgs_header_broken_counts_only_schools(tmp_path: Path, column: str) -> None:
    patch = [{"op": "rename_header", "file": "orgs.csv", "column": column, "to": column.title()}]
    plan = plan_of(tmp_path, patch)
    schools = plan.actions.filter(plan.actions["entity"] == "school")
    assert schools["id"].to_list() == ["sch1"]
    assert act(plan, "school", "sch1") == ("skip", ["header-breaks-sync"])
    assert causes(plan)[("header-breaks-sync", "file", "orgs.csv")]["school"] == 1


# --- item 13(b): RL309 does not say "so 0 classes are created" when another skip decides --
def test_unverified_mapping_does_not_claim_it_decides_skipped_classes(tmp_path: Path) -> None:
    patch = [cell("enrollments.csv", 2, "primary", "false")]  # k1 skipped: no primary teacher
    f = api.check(make(tmp_path, patch)).findings
    (hit,) = f.filter(f["code"] == "RL309").to_dicts()
    assert (hit["file"], hit["line"]) == ("courses.csv", 2)
    assert "so 0 classes" not in hit["message"]
    assert "none of its classes is predicted as created" in hit["message"]
    # With a class created, the count is the classes created as if mapped.
    f = api.check(make(tmp_path, [], name="ok")).findings
    (hit,) = f.filter(f["code"] == "RL309").to_dicts()
    assert "so 1 class is predicted as created" in hit["message"]


# --- item 10: a student enrolled as the class's primary teacher (not documented) ---------
SWAPPED = [  # tch1's and stu1's user ids swapped in k1's enrollments
    cell("enrollments.csv", 2, "userSourcedId", "stu1"),
    cell("enrollments.csv", 3, "userSourcedId", "tch1"),
]


def test_student_as_primary_teacher_is_a_not_documented_root(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, SWAPPED)
    assert act(plan, "class", "k1") == ("skip", ["class-primary-teacher-is-student"])
    a = plan.actions
    d = json.loads(a.filter((a["entity"] == "class") & (a["id"] == "k1"))["detail"][0])
    assert d["not_documented"] == ["primary-teacher-is-student"]
    for eid in ("k1_tch1", "k1_stu1", "k1_stu2"):
        assert act(plan, "enrollment", eid) == ("skip", ["enrollment-class-not-created"])
    found = [c for c in plan.root_causes if c.reason == "class-primary-teacher-is-student"]
    assert [(c.entity, c.affected, c.file, c.line) for c in found] == [
        ("class", {"class": 1, "enrollment": 3}, "classes.csv", 2)
    ]
    assert not [c for c in plan.root_causes if c.reason == "class-without-primary-teacher"]
    # `why` does not tick "primary teacher".
    w = api.why(make(tmp_path, SWAPPED, name="why"), "class", "k1")
    (step,) = [s for s in w.to_json()["trace"] if s["step"] == "primary teacher"]
    assert step["ok"] is False
    codes = api.check(make(tmp_path, SWAPPED, name="chk")).findings
    rows = codes.filter(codes["code"] == "RL340").select("file", "line", "sourced_id").rows()
    assert rows == [("classes.csv", 2, "k1")]


def test_a_real_primary_teacher_beside_a_student_one_creates_the_class(tmp_path: Path) -> None:
    both = [
        cell("enrollments.csv", 3, "role", "teacher"),
        cell("enrollments.csv", 3, "primary", "true"),
    ]
    plan = plan_of(tmp_path, both)
    action, reasons = act(plan, "class", "k1")
    assert action == "create" and "class-primary-teacher-is-student" not in reasons


# --- item 2 (leftover): a move across districts is an update labelled not documented ----
def test_move_to_another_district_is_labelled_not_documented(tmp_path: Path) -> None:
    d2 = {
        "op": "append",
        "file": "orgs.csv",
        "copy_line": 2,
        "values": {"sourcedId": "d2", "identifier": "0600002"},
    }
    sch2_d2 = {**SCH2, "values": {**SCH2["values"], "parentSourcedId": "d2"}}  # type: ignore[dict-item]
    previous = [d2, sch2_d2, cell("users.csv", 3, "orgSourcedIds", "sch2")]
    plan = plan_of(tmp_path, [d2, sch2_d2], previous=previous)
    a = plan.actions
    row = a.filter((a["entity"] == "user") & (a["id"] == "stu1"))
    assert row["action"][0] == "update"
    assert json.loads(row["detail"][0])["not_documented"] == ["user-move-other-district"]
    assert not_documented_count(plan.notes, "user-move-other-district") == 1
    # Users who did not move, and a move within the district, carry no such label.
    stu2 = a.filter((a["entity"] == "user") & (a["id"] == "stu2"))["detail"][0]
    assert "not_documented" not in json.loads(stu2)
    plan = plan_of(
        tmp_path / "same", [SCH2], previous=[SCH2, cell("users.csv", 3, "orgSourcedIds", "sch2")]
    )
    a = plan.actions
    d = json.loads(a.filter((a["entity"] == "user") & (a["id"] == "stu1"))["detail"][0])
    assert "not_documented" not in d
