"""RL3xx findings: where they point, which sourcedId and value they carry, what they count."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from roster_lint import api
from roster_lint.predict.findings import _n
from tests.predict.helpers import Patch, make

PARENT: Patch = [
    {
        "op": "append",
        "file": "users.csv",
        "copy_line": 3,
        "values": {"sourcedId": "par1", "role": "parent", "username": "p1", "grades": ""},
    },
    {
        "op": "append",
        "file": "users.csv",
        "copy_line": 3,
        "values": {"sourcedId": "par2", "role": "parent", "username": "p2", "grades": ""},
    },
]
ROWS = ["file", "line", "column", "sourced_id", "value"]


def rl3(path: str, opts: api.Options | None = None) -> pl.DataFrame:
    f = api.check(path, opts).findings
    return f.filter(pl.col("code").str.starts_with("RL3"))


def rows(f: pl.DataFrame, name: str) -> list[tuple[object, ...]]:
    return f.filter(pl.col("name") == name).select(ROWS).rows()


def test_role_not_provisioned_is_aggregated_with_the_role_as_value(tmp_path: Path) -> None:
    f = rl3(make(tmp_path, PARENT))
    assert rows(f, "role-not-provisioned") == [("users.csv", 5, "role", None, "parent")]


def test_school_not_in_orgs_carries_the_reference_as_written(tmp_path: Path) -> None:
    patch: Patch = [
        {"op": "set", "file": "users.csv", "line": 3, "column": "orgSourcedIds", "value": " sch1"}
    ]
    f = rl3(make(tmp_path, patch))
    assert rows(f, "school-not-in-orgs") == [("users.csv", 3, "orgSourcedIds", None, " sch1")]
    (msg,) = f.filter(pl.col("name") == "school-not-in-orgs")["message"]
    assert "' sch1'" in msg and "'sch1'" in msg  # quoted as written, and the near match


def test_school_missing_nces_id_points_at_its_own_row_and_cell(tmp_path: Path) -> None:
    patch: Patch = [
        {"op": "set", "file": "orgs.csv", "line": 3, "column": "identifier", "value": " "}
    ]
    f = rl3(make(tmp_path, patch))
    assert rows(f, "school-missing-nces-id") == [("orgs.csv", 3, "identifier", "sch1", " ")]


def test_users_of_v12_have_their_roles_schools_as_value() -> None:
    path = "sample_exports/district-v12"
    f = rl3(path)
    roles = pl.read_csv(f"{path}/roles.csv", infer_schema=False)
    several = (
        roles.group_by("userSourcedId")
        .agg(pl.col("orgSourcedId").unique())
        .filter(pl.col("orgSourcedId").list.len() > 1)
    )
    got = f.filter(pl.col("name") == "user-multiple-schools")
    assert got.height == several.height > 0
    expect = {u: sorted(o) for u, o in several.iter_rows()}
    assert {r["sourced_id"]: sorted(r["value"].split(",")) for r in got.iter_rows(named=True)} == (
        expect
    )
    assert got["column"].is_null().all()  # 1.2: not users.orgSourcedIds


def test_course_mapping_unverified_counts_courses() -> None:
    path = "sample_exports/district"
    f = rl3(path)
    courses = pl.read_csv(f"{path}/courses.csv", infer_schema=False).height
    (msg,) = f.filter(pl.col("name") == "course-mapping-unverified")["message"]
    assert re.match(rf"{courses:,} courses:", msg)


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [
        (1, "class", "1 class"),
        (126, "class", "126 classes"),
        (1, "enrollment", "1 enrollment"),
        (3357, "enrollment", "3,357 enrollments"),
    ],
)
def test_counts_agree_with_their_noun(n: int, noun: str, text: str) -> None:
    assert _n(n, noun) == text


def test_no_sample_message_has_a_broken_plural() -> None:
    bad = re.compile(r"\bclasss\b|\b1 \w+s (are|have)\b|\b1 (users|enrollments|classes)\b")
    for path in ("sample_exports/district-flawed", "sample_exports/district-v12"):
        msgs = rl3(path)["message"].to_list()
        assert msgs and not [m for m in msgs if bad.search(m)]


def test_v12_aides_and_parents_with_schools_in_roles_have_a_school() -> None:
    path = "sample_exports/district-v12"
    roles = pl.read_csv(f"{path}/roles.csv", infer_schema=False)
    with_org = set(roles.filter(pl.col("orgSourcedId") != "")["userSourcedId"])
    f = rl3(path).filter(pl.col("name") == "user-without-school")
    assert not with_org & set(f["sourced_id"].to_list())


def test_removed_user_follow_up_names_the_user_and_email(tmp_path: Path) -> None:
    prev = make(tmp_path, [], name="prev")
    now = make(tmp_path, [{"op": "delete", "file": "users.csv", "line": 4}])
    plan = api.plan(now, api.Options(previous=prev))
    (f,) = [f for f in plan.followups if f.kind == "delete-user"]
    assert f.id == "stu2"
    assert "Grace Hopper" in f.message and "grace.hopper@example.org" in f.message
