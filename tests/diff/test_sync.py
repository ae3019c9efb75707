"""sync_groups(): what the sync will and will not do, counted from the plan's actions."""

from __future__ import annotations

from roster_lint.diff.sync import sync_groups
from tests.diff.helpers import plan_of


def test_groups_follow_the_sync_behaviours() -> None:
    plan = plan_of(
        [
            ("user", "a", "retain", ["user-removed-not-deleted"]),
            ("user", "b", "retain", ["user-removed-not-deleted"]),
            ("user", "c", "transfer", ["user-transfer"]),
            ("user", "d", "create", ["admin-created-as-school-admin"]),
            ("user", "e", "create", []),
            ("user", "f", "unchanged", []),
            ("user", "g", "skip", ["role-not-provisioned"]),
            ("course", "c9", "needs-mapping", ["new-course-needs-mapping"]),
            ("class", "k1", "skip", ["course-not-mapped", "class-without-primary-teacher"]),
            ("class", "k2", "retain", ["class-gone"]),  # a reason this table does not know
            ("enrollment", "e1", "unenroll", ["enrollment-tobedeleted"]),
            ("enrollment", "e2", "retain", ["enrollment-dropped-not-unenrolled"]),
            ("enrollment", "e3", "transfer", ["enrollment-transfer"]),
        ]
    )
    got = [(g.will, g.entity, g.action, g.reason, g.count, g.source) for g in sync_groups(plan)]
    assert got == [
        (True, "user", "create", None, 2, "SK-A1"),
        (True, "user", "transfer", "user-transfer", 1, "SK-A6"),
        (True, "enrollment", "transfer", "enrollment-transfer", 1, "SK-E2"),
        (True, "enrollment", "unenroll", "enrollment-tobedeleted", 1, "SK-E3"),
        (False, "user", "retain", "user-removed-not-deleted", 2, "SK-A7"),
        (False, "course", "needs-mapping", "new-course-needs-mapping", 1, "SK-C2"),
        (False, "class", "retain", None, 1, "plan"),
        (False, "class", "skip", "course-not-mapped", 1, "SK-C2"),
        (False, "enrollment", "retain", "enrollment-dropped-not-unenrolled", 1, "SK-E4"),
    ]


def test_an_empty_plan_has_no_groups() -> None:
    assert sync_groups(plan_of([])) == []


def test_existing_classes_are_not_counted_as_created() -> None:
    """The plan says `unchanged`/`update` for what exists already (issue 11): only the
    new class is a create, and an unchanged one is no news."""
    plan = plan_of(
        [
            ("class", "k1", "unchanged", []),
            ("class", "k2", "create", []),
            ("class", "k3", "update", []),
        ]
    )
    got = [(g.entity, g.action, g.count) for g in sync_groups(plan)]
    assert got == [("class", "create", 1), ("class", "update", 1)]
