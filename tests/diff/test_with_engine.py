"""api.diff end to end, with the real plan engine: each change meets its sync behaviour."""

from __future__ import annotations

from pathlib import Path

from roster_lint import api
from tests.diff.helpers import folder

CHANGES = [
    {"op": "delete", "file": "enrollments.csv", "line": 4},  # k1_stu2 dropped (SK-E4)
    {"op": "delete", "file": "users.csv", "line": 4},  # stu2 removed (SK-A7)
    {"op": "set", "file": "enrollments.csv", "line": 3, "column": "status", "value": "tobedeleted"},
    {"op": "append", "file": "courses.csv", "copy_line": 2, "values": {"sourcedId": "c2"}},
]


def test_changes_meet_their_sync_behaviour(tmp_path: Path) -> None:
    old, new = folder(tmp_path, "old", []), folder(tmp_path, "new", CHANGES)
    result = api.diff(old, new)
    groups = {(g.entity, g.action, g.reason, g.count, g.will) for g in result.sync}
    assert {
        ("user", "retain", "user-removed-not-deleted", 1, False),
        ("enrollment", "retain", "enrollment-dropped-not-unenrolled", 1, False),
        ("enrollment", "unenroll", "enrollment-tobedeleted", 1, True),
        ("course", "needs-mapping", "new-course-needs-mapping", 1, False),
    } <= groups
    users, enr = result.file("users.csv"), result.file("enrollments.csv")
    assert users is not None and enr is not None
    assert users.removed.select("sourcedId", "action").rows() == [("stu2", "retain")]
    assert enr.removed.select("sourcedId", "action").rows() == [("k1_stu2", "retain")]
    assert enr.changed.select("sourcedId", "columns", "action").rows() == [
        ("k1_stu1", ["status"], "unenroll")
    ]
