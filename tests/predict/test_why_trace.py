"""`why` traces: each step names the data that decided it (structured `data`, not prose)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roster_lint import api
from roster_lint.errors import UsageError
from roster_lint.load import load_export
from roster_lint.paths import rules_dir
from roster_lint.predict.model import WhyResult
from roster_lint.predict.why import STEPS, explain_entity
from tests.predict.helpers import Patch, make, plan_of


def why(
    tmp: Path,
    kind: str,
    ident: str,
    patch: Patch | None = None,
    *,
    previous: Patch | None = None,
    course_map: list[str] | None = None,
) -> WhyResult:
    prev = make(tmp, previous, name="prev") if previous is not None else None
    cmap = None
    if course_map is not None:
        tmp.mkdir(parents=True, exist_ok=True)
        p = tmp / "map.csv"
        p.write_text("courseSourcedId\n" + "".join(f"{c}\n" for c in course_map), "utf-8")
        cmap = str(p)
    path = make(tmp, patch)
    opts = api.Options(previous=prev, course_map=cmap)
    return explain_entity(load_export(path), api.plan(path, opts), kind, ident, opts)


def ok(w: WhyResult) -> dict[str, bool]:
    return {s["step"]: s["ok"] for s in w.trace}


NO_NCES: Patch = [{"op": "set", "file": "orgs.csv", "line": 3, "column": "identifier", "value": ""}]


def test_user_of_school_without_nces_shows_what_was_looked_at(tmp_path: Path) -> None:
    w = why(tmp_path, "user", "stu1", NO_NCES)
    assert (w.action, w.reasons) == ("skip", ["school-missing-nces-id"])
    names = [s["step"] for s in w.trace]
    assert names[: len(STEPS["user"])] == [s for s, _ in STEPS["user"]]  # the plan's order
    assert ok(w)["school has an NCES ID"] is False
    assert ok(w)["school in the Orgs file"] is True
    (school,) = w.step("school has an NCES ID")["data"]["schools"]
    assert school["id"] == "sch1" and school["name"] == "Example Middle School"
    assert (school["file"], school["line"], school["identifier"]) == ("orgs.csv", 3, "")
    assert school["absent_columns"] == ["national_id", "metadata.national_id"]
    assert school["nces_id"] is None  # the plan's school detail: no NCES ID found
    assert all(s["detail"] for s in w.trace)  # no empty detail


def test_national_id_column_is_shown_when_present(tmp_path: Path) -> None:
    patch: Patch = [
        *NO_NCES,
        {"op": "add_column", "file": "orgs.csv", "column": "national_id", "value": "060000100001"},
    ]
    w = why(tmp_path, "user", "stu1", patch)
    assert w.action == "create"
    (school,) = w.step("school has an NCES ID")["data"]["schools"]
    assert school["national_id"] == "060000100001" and school["nces_id"] == "060000100001"
    assert school["absent_columns"] == ["metadata.national_id"]


def test_school_missing_from_orgs_suggests_the_near_id(tmp_path: Path) -> None:
    patch = [
        {"op": "set", "file": "users.csv", "line": 3, "column": "orgSourcedIds", "value": " SCH1"}
    ]
    w = why(tmp_path, "user", "stu1", patch)
    assert ok(w)["school in the Orgs file"] is False
    (school,) = w.step("school in the Orgs file")["data"]["schools"]
    assert school == {"id": " SCH1", "file": None, "did_you_mean": ["sch1"]}
    assert "' SCH1'" in w.step("school in the Orgs file")["detail"]  # whitespace visible


def test_class_without_primary_teacher_names_the_non_primary_teachers(tmp_path: Path) -> None:
    patch = [
        {"op": "set", "file": "enrollments.csv", "line": 2, "column": "primary", "value": "false"}
    ]
    w = why(tmp_path, "class", "k1", patch)
    assert (w.action, w.reasons) == ("skip", ["class-without-primary-teacher"])
    data = w.step("primary teacher")["data"]
    assert [(t["enrollment"], t["user"], t["primary"]) for t in data["teachers"]] == [
        ("k1_tch1", "tch1", "false")
    ]
    assert ok(w)["primary teacher"] is False


def test_class_with_primary_teacher_names_them(tmp_path: Path) -> None:
    w = why(tmp_path, "class", "k1")
    data = w.step("primary teacher")["data"]
    assert [(t["enrollment"], t["line"], t["user"]) for t in data["teachers"]] == [
        ("k1_tch1", 2, "tch1")
    ]
    assert ok(w)["primary teacher"] is True
    assert w.step("school not skipped")["data"]["school"]["nces_id"] == "060000100001"
    assert w.step("one grade (no split)")["data"]["students"] == {"07": 2}


@pytest.mark.parametrize(
    ("course_map", "previous", "expect"),
    [
        (None, None, ("unverified", None, "unverified")),
        (["c1"], None, ("mapped", None, "listed in the course map")),
        (["zz"], None, ("needs-mapping", ["course-not-mapped"], "not listed in the course map")),
        (None, [], ("mapped", None, "present in --previous")),
        (
            None,
            [{"op": "set", "file": "courses.csv", "line": 2, "column": "sourcedId", "value": "c0"}],
            ("needs-mapping", ["new-course-needs-mapping"], "not in --previous"),
        ),
    ],
)
def test_course_mapping_says_how_it_was_decided(
    tmp_path: Path, course_map: list[str] | None, previous: Patch | None, expect: tuple[Any, ...]
) -> None:
    w = why(tmp_path, "class", "k1", course_map=course_map, previous=previous)
    data = w.step("course mapped, not new")["data"]
    action, reasons, how = expect
    assert data["course_action"] == action
    assert data["decided_by"].startswith(how)
    assert (data["course_map"] is None) == (course_map is None)
    assert ok(w)["course mapped, not new"] == (reasons is None)
    course = why(tmp_path / "c", "course", "c1", course_map=course_map, previous=previous)
    assert course.reasons == (
        reasons or ([] if action == "mapped" else ["course-mapping-unverified"])
    )


def test_enrollment_steps_show_class_user_and_status(tmp_path: Path) -> None:
    patch = [
        {
            "op": "set",
            "file": "enrollments.csv",
            "line": 3,
            "column": "status",
            "value": "tobedeleted",
        }
    ]
    w = why(tmp_path, "enrollment", "k1_stu1", patch)
    assert (w.action, w.reasons) == ("unenroll", ["enrollment-tobedeleted"])
    assert ok(w)["status"] is False and w.step("status")["data"] == {"status": "tobedeleted"}
    rec = w.step("record in the Enrollment file")["data"]
    assert (rec["line"], rec["class"], rec["user"], rec["role"]) == (3, "k1", "stu1", "student")
    assert w.step("class created")["data"]["action"] == "create"
    assert w.step("user gets an account")["data"]["action"] == "create"


def test_enrollment_of_missing_user_and_of_a_split_class(tmp_path: Path) -> None:
    patch = [
        {
            "op": "set",
            "file": "enrollments.csv",
            "line": 3,
            "column": "userSourcedId",
            "value": "STU1 ",
        },
        {"op": "set", "file": "users.csv", "line": 4, "column": "grades", "value": "08"},
    ]
    w = why(tmp_path, "enrollment", "k1_stu1", patch)
    assert ok(w)["user in the Users file"] is False
    assert w.step("user in the Users file")["data"]["user"]["did_you_mean"] == ["stu1"]
    # stu2 (grade 08) alone in k1 now: the class splits and stu2 goes to its grade class
    w2 = why(
        tmp_path / "b",
        "enrollment",
        "k1_stu2",
        [{"op": "set", "file": "users.csv", "line": 4, "column": "grades", "value": "08"}],
    )
    assert w2.step("grade class after a split")["data"]["grade_class"] == "k1-08"


def test_dropped_enrollment_and_transfer_with_previous(tmp_path: Path) -> None:
    drop = [{"op": "delete", "file": "enrollments.csv", "line": 4}]
    w = why(tmp_path, "enrollment", "k1_stu2", drop, previous=[])
    assert (w.action, w.reasons) == ("retain", ["enrollment-dropped-not-unenrolled"])
    rec = w.step("record in the Enrollment file")["data"]
    assert rec["in_enrollments_csv"] is False and (rec["class"], rec["user"]) == ("k1", "stu2")
    moved = [
        {
            "op": "append",
            "file": "orgs.csv",
            "copy_line": 3,
            "values": {
                "sourcedId": "sch2",
                "name": "Other Middle School",
                "identifier": "060000100002",
            },
        },
    ]
    w = why(
        tmp_path / "t",
        "user",
        "stu1",
        [
            *moved,
            {
                "op": "set",
                "file": "users.csv",
                "line": 3,
                "column": "orgSourcedIds",
                "value": "sch2",
            },
        ],
        previous=moved,
    )
    assert w.action == "transfer"
    data = w.step("still shared")["data"]
    assert (data["from"], data["to"]) == (["sch1"], ["sch2"])


def test_missing_email_is_a_warning_not_a_failed_step(tmp_path: Path) -> None:
    patch = [{"op": "set", "file": "users.csv", "line": 3, "column": "email", "value": ""}]
    w = why(tmp_path, "user", "stu1", patch)
    assert w.action == "create" and ok(w)["can sign in (e-mail)"] is True
    assert "user-missing-email" in w.step("can sign in (e-mail)")["data"]["warning"]


def test_unknown_ids_suggest_case_and_whitespace_variants(tmp_path: Path) -> None:
    path = make(tmp_path)
    export, plan = load_export(path), api.plan(path)
    with pytest.raises(UsageError) as exc:
        explain_entity(export, plan, "user", " STU1")
    assert "'stu1'" in str(exc.value)
    # usernames and e-mails are found in any case
    assert explain_entity(export, plan, "user", "Grace.Hopper").id == "stu2"
    assert explain_entity(export, plan, "user", "GRACE.HOPPER@example.org").id == "stu2"
    with pytest.raises(UsageError) as exc:
        explain_entity(export, plan, "user", " grace.hopper")
    assert "'stu2'" in str(exc.value)
    with pytest.raises(UsageError) as exc:
        explain_entity(export, plan, "class", "nothing-like-it")
    assert "did you mean" not in str(exc.value)


def test_school_trace(tmp_path: Path) -> None:
    w = why(tmp_path, "school", "sch1", NO_NCES)
    assert (w.action, ok(w)["NCES ID in identifier, national_id or sourcedId"]) == ("skip", False)
    first = w.step("in the Orgs file")["data"]
    assert (first["line"], first["name"], first["type"]) == (3, "Example Middle School", "school")
    assert w.step("NCES ID in identifier, national_id or sourcedId")["data"]["identifier"] == ""


def test_absent_but_referenced_id_is_traced_to_where_it_is_referenced(tmp_path: Path) -> None:
    patch = [
        {
            "op": "set",
            "file": "enrollments.csv",
            "line": 3,
            "column": "userSourcedId",
            "value": "u9",
        }
    ]
    path = make(tmp_path, patch)
    export, plan = load_export(path), api.plan(path)
    with pytest.raises(UsageError, match=r"user 'u9' is not in users.csv; enrollments.csv:3 "):
        explain_entity(export, plan, "user", "u9")


def test_steps_whose_data_cannot_be_read_are_unknown(tmp_path: Path) -> None:
    """A broken users.csv header: the user's other steps are null (?), never passed."""
    patch = [{"op": "rename_header", "file": "users.csv", "column": "role", "to": "Role"}]
    w = why(tmp_path, "user", "stu1", patch)
    assert w.reasons == ["header-breaks-sync"]
    assert ok(w)["in the Users file"] is False
    assert ok(w)["role gets an account"] is None and ok(w)["school has an NCES ID"] is None


ENROLLMENTS_CUT: Patch = [
    {
        "op": "write",
        "file": "enrollments.csv",
        "text": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,"
        "role,primary,beginDate,endDate\nk1_stu1,,,k1,sch1,stu1,student,false,2025-08-15,"
        "2025-12-19\nk1_tch1,,,k1,sch1,tch1,teach",
    }
]


def test_a_step_on_a_file_cut_off_says_where(tmp_path: Path) -> None:
    """enrollments.csv cut inside the teacher's enrollment (RL028): the class is skipped for
    want of a primary teacher, and the step that reads the file says where it was cut."""
    w = why(tmp_path, "class", "k1", ENROLLMENTS_CUT)
    assert (w.action, w.reasons) == ("skip", ["class-without-primary-teacher"])
    (step,) = [s for s in w.trace if s["step"] == "file processed"]
    assert step["data"]["cut_off"] == {"enrollments.csv": 3}
    whole = why(tmp_path / "whole", "class", "k1")
    (step,) = [s for s in whole.trace if s["step"] == "file processed"]
    assert "cut_off" not in step["data"]


def test_an_id_missing_from_a_file_cut_off_names_the_cut(tmp_path: Path) -> None:
    users = (rules_dir() / "examples" / "base-1.1" / "users.csv").read_text("utf-8")
    cut = users[: users.index("\nstu2,") + 10]  # inside stu2's row
    patch: Patch = [{"op": "write", "file": "users.csv", "text": cut}]
    with pytest.raises(UsageError, match=r"users\.csv ends in the middle of the record at line 4"):
        why(tmp_path, "user", "stu2", patch)


def test_the_plan_says_it_is_of_the_records_before_a_cut(tmp_path: Path) -> None:
    """One note per file cut off inside a record, naming the file and the line (RL028); none
    for a whole export."""
    cut = plan_of(tmp_path / "cut", ENROLLMENTS_CUT)
    told = [n for n in cut.notes if "(RL028)" in n]
    assert len(told) == 1 and told[0].startswith("enrollments.csv ") and " line 3:" in told[0]
    assert not [n for n in plan_of(tmp_path / "whole").notes if "(RL028)" in n]
