"""The not-documented note on teachers whose classes are all skipped: how many accounts
it counts (teachers in users.csv who get an account, whatever their enrollment rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.predict.helpers import not_documented_count, plan_of


def _count(notes: list[str]) -> int:
    return not_documented_count(notes, "teacher-without-created-class")


def _teacher(uid: str, role: str = "teacher") -> dict[str, Any]:
    return {
        "op": "append",
        "file": "users.csv",
        "copy_line": 2,
        "values": {"sourcedId": uid, "role": role},
    }


def _enrol(cid: str, uid: str, primary: str = "true") -> dict[str, Any]:
    values = {
        "sourcedId": f"{cid}_{uid}",
        "classSourcedId": cid,
        "userSourcedId": uid,
        "primary": primary,
    }
    return {"op": "append", "file": "enrollments.csv", "copy_line": 2, "values": values}


# k1 is skipped (its course is missing); k2 is created (tch2 teaches it).
BASE = [
    {"op": "set", "file": "classes.csv", "line": 2, "column": "courseSourcedId", "value": "nope"},
    {
        "op": "append",
        "file": "classes.csv",
        "copy_line": 2,
        "values": {"sourcedId": "k2", "courseSourcedId": "c1"},
    },
    _teacher("tch2"),
    _teacher("aide1", role="aide"),  # no account: not counted
    _enrol("k1", "tch2"),
    _enrol("k2", "tch2"),  # one created class: not lost
    _enrol("k1", "aide1"),
    _enrol("k1", "ghost"),  # not in users.csv: no account to keep
]


@pytest.mark.parametrize(
    ("extra", "want"),
    [
        ([], 1),  # tch1 (only k1)
        ([_teacher("tch1")], 2),  # tch1 listed twice in users.csv: two accounts kept
        ([_enrol("k2", "tch1", primary="false")], 0),  # tch1 also teaches k2
    ],
)
def test_teachers_whose_classes_are_all_skipped(
    tmp_path: Path, extra: list[dict[str, Any]], want: int
) -> None:
    plan = plan_of(tmp_path, BASE + extra)
    assert _count(plan.notes) == want
