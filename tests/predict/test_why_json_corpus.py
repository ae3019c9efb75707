"""why agrees with plan for every entity; plan JSON shape; course-map init; the corpus."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from roster_lint import api
from roster_lint.errors import UsageError
from roster_lint.load import load_export
from roster_lint.predict.model import ACTIONS
from roster_lint.predict.why import explain_entity
from tests.cli_run import run_cli
from tests.predict.helpers import make

DAMAGED = [
    {"op": "set", "file": "users.csv", "line": 4, "column": "grades", "value": "08"},
    {"op": "set", "file": "enrollments.csv", "line": 3, "column": "userSourcedId", "value": "x"},
    {
        "op": "append",
        "file": "users.csv",
        "copy_line": 3,
        "values": {"sourcedId": "par1", "role": "parent", "username": "p"},
    },
]


NOT_AS_IS = ("skip", "retain", "unenroll", "split", "needs-mapping", "unverified")


def _agree(path: str, opts: api.Options) -> int:
    export = load_export(path)
    plan = api.plan(path, opts)
    n = 0
    for entity, ident, action, reasons in plan.actions.select(
        "entity", "id", "action", "reasons"
    ).iter_rows():
        why = explain_entity(export, plan, entity, ident).to_json()
        assert (why["action"], why["reasons"]) == (action, list(reasons)), (entity, ident)
        assert set(why) == {"entity", "id", "action", "reasons", "trace"}
        assert all(set(s) == {"step", "ok", "detail"} for s in why["trace"])
        failed = [s for s in why["trace"] if s["ok"] is False]
        # a step fails exactly when the entity is not synced as it stands
        assert bool(failed) == (action in NOT_AS_IS), why
        assert why["trace"][-1]["ok"] == (action not in ("skip", "retain"))
        n += 1
    return n


def test_why_agrees_with_plan_for_every_entity(tmp_path: Path) -> None:
    prev = make(tmp_path, [], name="prev")
    now = make(tmp_path, [*DAMAGED, {"op": "delete", "file": "enrollments.csv", "line": 2}])
    assert _agree(now, api.Options(previous=prev)) >= 9
    assert _agree(now, api.Options(mode="provisioning")) >= 9


def test_why_finds_users_by_username_and_email_and_rejects_unknown(tmp_path: Path) -> None:
    path = make(tmp_path)
    export, plan = load_export(path), api.plan(path)
    assert explain_entity(export, plan, "user", "grace.hopper").id == "stu2"
    assert explain_entity(export, plan, "user", "grace.hopper@example.org").id == "stu2"
    with pytest.raises(UsageError):
        explain_entity(export, plan, "user", "nobody")
    with pytest.raises(UsageError):
        explain_entity(export, plan, "teacher", "tch1")


def test_plan_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make(tmp_path, DAMAGED)
    run = run_cli(capsys, "plan", path, "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert {"profile", "mode", "totals", "actions"} <= set(doc)
    assert (doc["profile"], doc["mode"]) == ("summit-k12", "full")
    for a in doc["actions"]:
        assert set(a) == {"entity", "id", "action", "reasons", "detail"}
        assert a["action"] in ACTIONS[a["entity"]]
        assert isinstance(a["detail"], dict)
        if a["action"] in ("skip", "retain"):
            assert a["reasons"]
        if a["entity"] == "user" and a["action"] == "create":
            assert a["detail"]["summit_role"] in ("Student", "Teacher", "School Admin")
    counted: dict[str, dict[str, int]] = {}
    for a in doc["actions"]:
        counted.setdefault(a["entity"], {}).setdefault(a["action"], 0)
        counted[a["entity"]][a["action"]] += 1
    assert counted == doc["totals"]
    assert run_cli(capsys, "plan", path, "--format", "json").out == run.out  # deterministic


def test_why_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make(tmp_path)
    ok = run_cli(capsys, "why", path, "enrollment", "k1_stu1", "--format", "json")
    assert ok.code == 0 and json.loads(ok.out)["action"] == "enroll"
    bad = run_cli(capsys, "why", path, "user", "nobody")
    assert bad.code == 2 and bad.err.startswith("roster-lint: ")


def test_course_map_init_neutralises_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make(
        tmp_path,
        [
            {
                "op": "set",
                "file": "courses.csv",
                "line": 2,
                "column": "title",
                "value": '=HYPERLINK("x")',
            }
        ],
    )
    out = tmp_path / "map.csv"
    run = run_cli(capsys, "course-map", "init", path, "-o", str(out))
    assert run.code == 0, run.err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [
        {
            "courseSourcedId": "c1",
            "title": '\'=HYPERLINK("x")',
            "courseCode": "02052",
            "grades": "07",
            "school": "sch1",
            "schoolName": "Example Middle School",
            "classes": "1",
        }
    ]
    # the file it wrote is a valid --course-map: every course listed is mapped
    plan = api.plan(path, api.Options(course_map=str(out)))
    assert plan.actions.filter(plan.actions["entity"] == "course")["action"].to_list() == ["mapped"]


@pytest.mark.parametrize("text", [None, "", "title\nx\n", 'courseSourcedId\n"c1\n'])
def test_bad_course_map_is_usage_error(tmp_path: Path, text: str | None) -> None:
    p = tmp_path / "map.csv"
    if text is not None:
        p.write_text(text, encoding="utf-8")
    path = make(tmp_path)
    with pytest.raises(UsageError):
        api.plan(path, api.Options(course_map=str(p)))


def test_profile_findings_in_check(tmp_path: Path) -> None:
    path = make(
        tmp_path,
        [{"op": "set", "file": "orgs.csv", "line": 3, "column": "identifier", "value": ""}],
    )
    f = api.check(path).findings
    mine = f.filter(f["code"] == "RL304").select("file", "line", "column", "sourced_id").rows()
    assert mine == [("orgs.csv", 3, "identifier", "sch1")]


def test_classlink_sandbox(corpus: Path) -> None:
    path = str(corpus / "mockroster" / "classlink_sandbox_2019")
    plan = api.plan(path)
    totals = plan.totals()
    assert totals["user"] == {"create": 180}
    assert totals["school"] == {"sync": 3}
    assert totals["class"] == {"create": 64, "split": 8}  # the README's 8 mixed-grade classes
    assert sum(totals["enrollment"].values()) == 305
    assert plan.licences_new == 139
    assert _agree(path, api.Options()) == plan.actions.height
