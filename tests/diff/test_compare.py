"""compare(): rows added, removed and changed per file, keyed and counted exactly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from roster_lint.diff import FileDiff, compare, rows
from roster_lint.diff.rows import ID_KEY, PAIR_KEY, compare_tables
from roster_lint.model import LINE, Table
from roster_lint.options import Options
from tests.diff.helpers import export, ids, plan_of

EMPTY = plan_of([])


def test_identical_exports_have_no_changes(tmp_path: Path) -> None:
    old, new = export(tmp_path, "a", []), export(tmp_path, "b", [])
    result = compare(old, new, EMPTY, Options())
    assert result.totals == {"added": 0, "removed": 0, "changed": 0}
    assert {f.status for f in result.files} == {"compared"}
    assert all(f.key == ID_KEY for f in result.files)
    assert result.warnings.height == 0
    assert result.manifest_changes == []


def test_users_added_removed_and_changed_columns(tmp_path: Path) -> None:
    old = export(tmp_path, "a", [])
    new = export(
        tmp_path,
        "b",
        [
            {"op": "delete", "file": "users.csv", "line": 4},  # stu2 leaves
            {"op": "set", "file": "users.csv", "line": 3, "column": "email", "value": "a@x.org"},
            {"op": "set", "file": "users.csv", "line": 3, "column": "givenName", "value": "Al"},
            {"op": "set", "file": "users.csv", "line": 2, "column": "email", "value": "t@x.org"},
            {"op": "append", "file": "users.csv", "copy_line": 3, "values": {"sourcedId": "stu9"}},
        ],
    )
    users = compare(old, new, EMPTY, Options()).file("users.csv")
    assert users is not None
    assert ids(users.added) == ["stu9"] and users.added["line"].to_list() == [4]
    assert ids(users.removed) == ["stu2"] and users.removed["line"].to_list() == [4]
    changed = users.changed.to_dicts()
    assert [(r["sourcedId"], r["line_old"], r["line"], r["columns"]) for r in changed] == [
        ("tch1", 2, 2, ["email"]),
        ("stu1", 3, 3, ["givenName", "email"]),
    ]
    assert users.column_changes == {"email": 2, "givenName": 1}
    assert list(users.column_changes) == ["email", "givenName"]  # most changed first


def test_values_are_compared_exactly(tmp_path: Path) -> None:
    old = export(tmp_path, "a", [])
    new = export(
        tmp_path,
        "b",
        [
            {
                "op": "set",
                "file": "users.csv",
                "line": 3,
                "column": "email",
                "value": "alan.turing@example.org ",
            },
            {"op": "set", "file": "users.csv", "line": 4, "column": "grades", "value": "7"},
            {
                "op": "set",
                "file": "orgs.csv",
                "line": 3,
                "column": "name",
                "value": "EXAMPLE MIDDLE SCHOOL",
            },
        ],
    )
    result = compare(old, new, EMPTY, Options())
    users, orgs = result.file("users.csv"), result.file("orgs.csv")
    assert users is not None and orgs is not None
    assert users.column_changes == {"email": 1, "grades": 1}
    assert ids(orgs.changed) == ["sch1"]


def test_regenerated_enrollment_ids_are_matched_by_class_and_user(tmp_path: Path) -> None:
    old = export(tmp_path, "a", [])
    regenerated = [
        {"op": "set", "file": "enrollments.csv", "line": n, "column": "sourcedId", "value": f"e{n}"}
        for n in (2, 3, 4)
    ]
    new = export(
        tmp_path,
        "b",
        [
            *regenerated,
            {
                "op": "set",
                "file": "enrollments.csv",
                "line": 4,
                "column": "endDate",
                "value": "2026-01-30",
            },
        ],
    )
    enr = compare(old, new, EMPTY, Options()).file("enrollments.csv")
    assert enr is not None
    assert enr.key == PAIR_KEY
    assert enr.added.height == 0 and enr.removed.height == 0
    # the regenerated sourcedId is not a change; the moved end date is
    assert [(r["userSourcedId"], r["sourcedId"], r["columns"]) for r in enr.changed.to_dicts()] == [
        ("stu2", "e4", ["endDate"])
    ]


def test_a_few_new_enrollment_ids_keep_the_sourcedid_key(tmp_path: Path) -> None:
    old = export(tmp_path, "a", [])
    new = export(
        tmp_path,
        "b",
        [{"op": "set", "file": "enrollments.csv", "line": 3, "column": "sourcedId", "value": "x"}],
    )
    enr = compare(old, new, EMPTY, Options()).file("enrollments.csv")
    assert enr is not None and enr.key == ID_KEY
    assert ids(enr.added) == ["x"] and ids(enr.removed) == ["k1_stu1"]


def test_missing_files_get_a_status_not_rows(tmp_path: Path) -> None:
    old = export(tmp_path, "a", [{"op": "remove", "file": "courses.csv"}])
    new = export(tmp_path, "b", [{"op": "remove", "file": "enrollments.csv"}])
    result = compare(old, new, EMPTY, Options())
    courses, enr = result.file("courses.csv"), result.file("enrollments.csv")
    assert courses is not None and enr is not None
    assert (courses.status, courses.rows_old, courses.rows_new) == ("new-file", None, 1)
    assert (enr.status, enr.rows_old, enr.rows_new) == ("vanished", 3, None)
    assert enr.counts == {"added": 0, "removed": 0, "changed": 0}


def test_a_dropped_sourcedid_column_cannot_be_matched(tmp_path: Path) -> None:
    old = export(tmp_path, "a", [])
    new = export(
        tmp_path, "b", [{"op": "drop_column", "file": "courses.csv", "column": "sourcedId"}]
    )
    courses = compare(old, new, EMPTY, Options()).file("courses.csv")
    assert courses is not None
    assert (courses.status, courses.key, courses.header_removed) == ("no-key", (), ["sourcedId"])


def test_unreadable_side_is_reported_not_compared() -> None:
    df = pl.DataFrame({"sourcedId": ["a"], LINE: [2]})
    good = Table("users.csv", "users.csv", df, ["sourcedId"])
    bad = Table("users.csv", "users.csv", df.clear(), ["sourcedId"], readable=False)
    fd = compare_tables("users.csv", good, bad)
    assert (fd.status, fd.rows_old, fd.rows_new) == ("unreadable", 1, None)


def test_repeated_keys_are_counted_and_not_multiplied(tmp_path: Path) -> None:
    old = export(tmp_path, "a", [])
    new = export(tmp_path, "b", [{"op": "append", "file": "users.csv", "copy_line": 3}])
    users = compare(old, new, EMPTY, Options()).file("users.csv")
    assert users is not None
    assert (users.duplicate_keys_old, users.duplicate_keys_new) == (0, 1)
    assert users.counts == {"added": 0, "removed": 0, "changed": 0}


def test_records_carry_the_plan_action(tmp_path: Path) -> None:
    old = export(tmp_path, "a", [])
    new = export(
        tmp_path,
        "b",
        [
            {"op": "delete", "file": "users.csv", "line": 4},
            {"op": "append", "file": "users.csv", "copy_line": 3, "values": {"sourcedId": "stu9"}},
        ],
    )
    plan = plan_of(
        [
            ("user", "stu2", "retain", ["user-removed-not-deleted"]),
            ("user", "stu9", "create", []),
            ("enrollment", "stu9", "enroll", []),  # another entity's id must not leak in
        ]
    )
    users = compare(old, new, plan, Options()).file("users.csv")
    assert users is not None
    assert users.removed.select("sourcedId", "action", "reasons").to_dicts() == [
        {"sourcedId": "stu2", "action": "retain", "reasons": ["user-removed-not-deleted"]}
    ]
    assert users.added.select("sourcedId", "action").to_dicts() == [
        {"sourcedId": "stu9", "action": "create"}
    ]


def _table(ids_: pl.Series, extra: pl.Series) -> Table:
    df = pl.DataFrame({"sourcedId": ids_, "status": extra}).with_row_index(LINE, offset=2)
    return Table("users.csv", "users.csv", df.with_columns(pl.col(LINE).cast(pl.Int64)), [])


def test_counts_are_exact_at_scale() -> None:
    n = 300_000
    base = pl.int_range(0, n, eager=True).cast(pl.String)
    old = _table(base, pl.repeat("a", n, eager=True))
    kept = base.slice(1_000)  # the first 1,000 ids leave
    fresh = pl.int_range(n, n + 500, eager=True).cast(pl.String)
    new_ids = pl.concat([kept, fresh])
    status = pl.Series(["b" if i % 7 == 0 else "a" for i in range(new_ids.len())])
    fd = compare_tables("users.csv", old, _table(new_ids, status))
    changed_kept = sum(1 for i in range(n - 1_000) if i % 7 == 0)
    assert fd.counts == {"added": 500, "removed": 1_000, "changed": changed_kept}
    assert fd.column_changes == {"status": changed_kept}


def test_hash_collisions_never_pair_different_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = export(tmp_path, "a", [])
    new = export(
        tmp_path,
        "b",
        [
            {"op": "delete", "file": "users.csv", "line": 4},
            {"op": "set", "file": "users.csv", "line": 3, "column": "email", "value": "a@x.org"},
            {"op": "append", "file": "users.csv", "copy_line": 3, "values": {"sourcedId": "stu9"}},
            {"op": "append", "file": "users.csv", "copy_line": 2},  # tch1 again
        ],
    )

    def summary(fd: FileDiff) -> tuple[object, ...]:
        return (
            ids(fd.added),
            ids(fd.removed),
            fd.changed.select("sourcedId", "columns").rows(),
            fd.duplicate_keys_new,
        )

    honest = compare_tables("users.csv", old.tables["users.csv"], new.tables["users.csv"])
    # Every key hashes alike: only the exact re-check on the key text can tell them apart.
    monkeypatch.setattr(rows, "key_hash", lambda key: pl.lit(0, pl.UInt64).alias(rows.HASH))
    colliding = compare_tables("users.csv", old.tables["users.csv"], new.tables["users.csv"])
    assert summary(colliding) == summary(honest) == (["stu9"], ["stu2"], [("stu1", ["email"])], 1)


def test_null_keys_never_match() -> None:
    def table(values: list[str | None]) -> Table:
        df = pl.DataFrame({"sourcedId": values, "status": ["a"] * len(values)}, strict=False)
        df = df.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
        return Table("users.csv", "users.csv", df, ["sourcedId", "status"])

    fd = compare_tables("users.csv", table([None, "a"]), table(["a", None]))
    assert (fd.added["line"].to_list(), fd.removed["line"].to_list()) == ([3], [2])
    assert fd.changed.height == 0
