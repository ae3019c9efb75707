"""Cross-file behaviour the catalogue examples cannot express on their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.examples import materialise
from roster_lint.findings import Findings
from roster_lint.load import load_export
from roster_lint.model import ID_HASH_SEED, LINE, Export
from roster_lint.validate import crossfile
from roster_lint.validate.crossfile.common import (
    repeated,
    repeats,
    row_hash,
)
from roster_lint.validate.crossfile.facts import user_role_hashes, user_roles
from roster_lint.validate.crossfile.hierarchy import ancestors, cycles
from roster_lint.validate.crossfile.references import _hints

ORG_SCH2 = {
    "op": "append",
    "file": "orgs.csv",
    "copy_line": 3,
    "values": {"sourcedId": "sch2", "identifier": "060000100002"},
}


def check(tmp: Path, patch: list[dict[str, Any]], base: str = "base-1.1") -> pl.DataFrame:
    out = Findings()
    crossfile.run(load_export(str(materialise(base, patch, tmp))), out)
    return out.frame()


def hits(df: pl.DataFrame, code: str) -> list[tuple[Any, ...]]:
    return [
        (r["file"], r["line"], r["column"], r["value"], r["related_value"])
        for r in df.filter(pl.col("code") == code).iter_rows(named=True)
    ]


# --- references ---------------------------------------------------------------------------


def test_list_reference_reports_only_the_missing_item(tmp_path: Path) -> None:
    df = check(
        tmp_path,
        [
            {
                "op": "set",
                "file": "users.csv",
                "line": 3,
                "column": "orgSourcedIds",
                "value": "sch1,sch9",
            }
        ],
    )
    assert hits(df, "RL200") == [("users.csv", 3, "orgSourcedIds", "sch9", "sch9")]


def test_reference_is_exact_a_padded_id_does_not_match(tmp_path: Path) -> None:
    # SK-F2: " sch1" is not "sch1", even though a person reads them alike.
    df = check(
        tmp_path,
        [
            {
                "op": "set",
                "file": "classes.csv",
                "line": 2,
                "column": "schoolSourcedId",
                "value": " sch1",
            }
        ],
    )
    assert ("classes.csv", 2, "schoolSourcedId", " sch1", " sch1") in hits(df, "RL200")


def test_hints_fold_case_and_spaces() -> None:
    target = pl.DataFrame({"sourcedId": ["S1", "k1", ""]})
    got = dict(_hints(target).iter_rows())
    assert got == {"s1": "S1", "k1": "k1"}


def test_delta_target_downgrades_to_warning(tmp_path: Path) -> None:
    df = check(
        tmp_path,
        [
            {"op": "manifest", "property": "file.users", "value": "delta"},
            {
                "op": "set",
                "file": "enrollments.csv",
                "line": 3,
                "column": "userSourcedId",
                "value": "stu9",
            },
        ],
    )
    assert hits(df, "RL200") == []
    assert hits(df, "RL201") == [("enrollments.csv", 3, "userSourcedId", "stu9", "stu9")]
    assert set(df.filter(pl.col("code") == "RL201")["severity"]) == {"warning"}


def test_missing_target_file_without_manifest_entry(tmp_path: Path) -> None:
    df = check(
        tmp_path,
        [
            {"op": "remove", "file": "courses.csv"},
            {"op": "manifest", "property": "file.courses", "delete": True},
        ],
    )
    assert hits(df, "RL202") == [("classes.csv", 2, "courseSourcedId", "c1", "c1")]
    assert hits(df, "RL200") == []


def test_enrollment_school_must_be_a_school(tmp_path: Path) -> None:
    df = check(
        tmp_path,
        [
            {
                "op": "set",
                "file": "enrollments.csv",
                "line": 4,
                "column": "schoolSourcedId",
                "value": "d1",
            }
        ],
    )
    assert ("enrollments.csv", 4, "schoolSourcedId", "d1", "d1") in hits(df, "RL204")


# --- duplicates, enrollments, classes -----------------------------------------------------


def test_deleted_primary_teacher_does_not_count(tmp_path: Path) -> None:
    second = {
        "op": "append",
        "file": "enrollments.csv",
        "copy_line": 2,
        "values": {"sourcedId": "k1_tch1_old", "status": "tobedeleted"},
    }
    assert hits(check(tmp_path, [second]), "RL230") == []


def test_no_primary_is_confirmed_on_the_ids_when_class_hashes_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Teachers are counted per class hash; with every id hashing alike, class k2 (no
    # enrollments) would share k1's teacher without primary=true: only k1 may be reported.
    patch = [
        {"op": "set", "file": "enrollments.csv", "line": 2, "column": "primary", "value": "false"},
        {"op": "append", "file": "classes.csv", "copy_line": 2, "values": {"sourcedId": "k2"}},
    ]
    expected = [("classes.csv", 2, "sourcedId", "k1", "k1")]
    assert hits(check(tmp_path / "a", patch), "RL232") == expected

    def alike(self: Export, name: str, column: str) -> pl.Series:
        return pl.Series(column, [0] * self.tables[name].rows, dtype=pl.UInt64())

    monkeypatch.setattr(Export, "id_hash", alike)
    assert hits(check(tmp_path / "b", patch), "RL232") == expected


def test_enrollment_of_a_user_only_roles_csv_knows_is_unresolved(tmp_path: Path) -> None:
    # The references screen enrollments with their (user, org) pairs; in 1.2 roles.csv
    # gives ghost an org although users.csv has no ghost: still an unresolved reference.
    patch = [
        {"op": "set", "file": "roles.csv", "line": 3, "column": "userSourcedId", "value": "ghost"},
        {
            "op": "set",
            "file": "enrollments.csv",
            "line": 3,
            "column": "userSourcedId",
            "value": "ghost",
        },
        {
            "op": "set",
            "file": "enrollments.csv",
            "line": 2,
            "column": "classSourcedId",
            "value": "k9",
        },
    ]
    df = check(tmp_path, patch, base="base-1.2")
    assert sorted(hits(df, "RL200")) == [
        ("enrollments.csv", 2, "classSourcedId", "k9", "k9"),
        ("enrollments.csv", 3, "userSourcedId", "ghost", "ghost"),
        ("roles.csv", 3, "userSourcedId", "ghost", "ghost"),
    ]


def test_enrollment_role_uses_roles_csv_in_1_2(tmp_path: Path) -> None:
    patch = [
        {"op": "set", "file": "enrollments.csv", "line": 3, "column": "role", "value": "teacher"}
    ]
    df = check(tmp_path, patch, base="base-1.2")
    assert [(h[0], h[1], h[2]) for h in hits(df, "RL221")] == [("enrollments.csv", 3, "role")]


def test_enrollment_school_in_user_roles_1_2(tmp_path: Path) -> None:
    patch = [
        ORG_SCH2,
        {"op": "set", "file": "roles.csv", "line": 3, "column": "orgSourcedId", "value": "sch2"},
    ]
    df = check(tmp_path, patch, base="base-1.2")
    assert hits(df, "RL222") == [("enrollments.csv", 3, "schoolSourcedId", "sch1", "stu1")]


def test_course_of_a_grandparent_org_is_accepted(tmp_path: Path) -> None:
    patch = [
        {
            "op": "append",
            "file": "orgs.csv",
            "copy_line": 2,
            "values": {"sourcedId": "st1", "type": "state", "identifier": ""},
        },
        {"op": "set", "file": "orgs.csv", "line": 2, "column": "parentSourcedId", "value": "st1"},
        {"op": "set", "file": "courses.csv", "line": 2, "column": "orgSourcedId", "value": "st1"},
    ]
    assert hits(check(tmp_path, patch), "RL233") == []


def test_multi_role_username_is_still_reported_on_every_row(tmp_path: Path) -> None:
    twin = {
        "op": "append",
        "file": "users.csv",
        "copy_line": 2,
        "values": {
            "sourcedId": "tch1_admin",
            "role": "administrator",
            "email": "ada.admin@example.org",
        },
    }
    df = check(tmp_path, [twin])
    assert [(h[1], h[3]) for h in hits(df, "RL213")] == [(2, "ada.lovelace"), (5, "ada.lovelace")]
    assert set(df.filter(pl.col("code") == "RL213")["severity"]) == {"warning"}


def test_missing_columns_are_skipped_not_crashed(tmp_path: Path) -> None:
    patch = [
        {"op": "drop_column", "file": "enrollments.csv", "column": "role"},
        {"op": "drop_column", "file": "users.csv", "column": "grades"},
        {"op": "drop_column", "file": "orgs.csv", "column": "parentSourcedId"},
        {"op": "drop_column", "file": "academicSessions.csv", "column": "parentSourcedId"},
        {"op": "drop_column", "file": "classes.csv", "column": "sourcedId"},
    ]
    df = check(tmp_path, patch)
    assert "RL221" not in df["code"].to_list()


def test_unreadable_table_is_left_to_the_loader(tmp_path: Path) -> None:
    export = load_export(str(materialise("base-1.1", [], tmp_path)))
    export.tables["users.csv"].readable = False
    out = Findings()
    crossfile.run(export, out)
    assert out.frame()["code"].to_list() == []


@pytest.mark.parametrize(("base", "file"), [("base-1.1", "users.csv"), ("base-1.2", "roles.csv")])
def test_user_role_hashes_are_the_hashes_of_user_roles(
    tmp_path: Path, base: str, file: str
) -> None:
    # Shared users.csv hashes for its rows, fresh ones for roles.csv's: row for row, with
    # a blank role left out.
    patch = [{"op": "set", "file": file, "line": 3, "column": "role", "value": ""}]
    export = load_export(str(materialise(base, patch, tmp_path)))
    roles = user_roles(export)
    expected = roles.select(pl.col("userSourcedId").hash(seed=ID_HASH_SEED)).to_series()
    assert roles.height > 1
    assert user_role_hashes(export).equals(expected)


# --- hierarchy and hashing -----------------------------------------------------------------


def test_cycles_find_only_the_loop_not_its_tail() -> None:
    got = cycles({"a": "b", "b": "c", "c": "b", "x": "x", "t": "a"})
    assert sorted(got) == ["b", "c", "x"]
    assert got["b"] == ["b", "c"]
    assert got["x"] == ["x"]


def test_ancestors_stop_at_a_cycle() -> None:
    df = pl.DataFrame({"sourcedId": ["s", "d", "st"], "parentSourcedId": ["d", "st", "d"]})
    assert ancestors(df)["s"] == ["d", "st"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "A", "b", "c ", "", "dd"]), max_size=30))
def test_repeated_matches_a_plain_count(values: list[str]) -> None:
    df = pl.DataFrame({"v": values}).with_row_index(LINE)
    got = sorted(repeated(df, pl.col("v"))[LINE].to_list())
    want = [i for i, v in enumerate(values) if values.count(v) > 1]
    assert got == want


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["k1", "k2"]), st.sampled_from(["u1", "u2", ""])), max_size=25
    )
)
def test_repeated_on_row_hashes_matches_a_plain_count(pairs: list[tuple[str, str]]) -> None:
    df = pl.DataFrame(
        {"c": [p[0] for p in pairs], "u": [p[1] for p in pairs]},
        schema={"c": pl.String, "u": pl.String},
    ).with_row_index(LINE)
    got = repeated(df, pl.struct("c", "u"), hashed=row_hash(df, "c", "u"))
    want = [i for i, p in enumerate(pairs) if pairs.count(p) > 1]
    assert sorted(got[LINE].to_list()) == want


def test_row_hash_depends_on_column_order() -> None:
    # ("a", "b") and ("b", "a") must not collide by construction (seeded per column).
    df = pl.DataFrame({"x": ["a", "b"], "y": ["b", "a"]})
    assert row_hash(df, "x", "y").n_unique() == 2


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 7, 2**63]), max_size=30),
    st.sampled_from([(pl.UInt32(), 32), (pl.UInt64(), 64), (pl.Int64(), 63)]),
)
def test_repeats_are_the_values_seen_twice(
    values: list[int], kind: tuple[pl.DataType, int]
) -> None:
    dtype, bits = kind
    values = [v % 2**bits for v in values]
    got = repeats(pl.Series("h", values, dtype=dtype))
    assert got.dtype == dtype
    assert sorted(got.to_list()) == sorted({v for v in values if values.count(v) > 1})


def test_repeats_sorts_with_polars_not_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    # numpy's AVX-512 sort costs 0.28 s for 7.3M u32 on the benchmark's CPU, polars' 0.21 s
    # (docs/performance.md, branch checkfast3): repeats must not go back to it.
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("repeats sorted with numpy")

    monkeypatch.setattr(np, "sort", refused)
    got = repeats(pl.Series("h", [3, 1, 3, 2, 1, 3], dtype=pl.UInt32))
    assert got.dtype == pl.UInt32
    assert sorted(got.to_list()) == [1, 3]


def test_repeats_sorts_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # polars' parallel sort took 0.21 s of CPU for 7.3M u32 against 0.12 s on one thread
    # (docs/performance.md, branch checkfast5): repeats sorts on one.
    sort = pl.Series.sort
    asked: list[object] = []

    def recorded(self: pl.Series, *args: object, **kwargs: object) -> pl.Series:
        asked.append(kwargs.get("multithreaded", True))
        return sort(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.Series, "sort", recorded)
    got = repeats(pl.Series("h", [3, 1, 3, 2, 1, 3, 3], dtype=pl.UInt32))
    assert sorted(got.to_list()) == [1, 3]
    assert asked == [False]


def _is_in_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("rows probed for candidates")

    monkeypatch.setattr(pl.Series, "is_in", refused)


def test_repeated_probes_nothing_when_no_u64_hash_repeats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The whole u64 hashes are sorted: three hashes that share their low 32 bits (what
    # was sorted before) but not the rest are no candidates, and no row is probed
    # (docs/performance.md, branch checkfast6).
    df = pl.DataFrame({"v": ["a", "b", "c"]}).with_row_index(LINE)
    hashed = pl.Series("h", [5, 5 + 2**32, 5 + 2**40], dtype=pl.UInt64)
    _is_in_refused(monkeypatch)
    got = repeated(df, pl.col("v"), hashed=hashed)
    assert got.height == 0
    assert got.columns == [LINE, "v", "key"]
    assert got.schema["key"] == pl.String


def test_repeated_on_a_shared_hash_still_compares_the_values() -> None:
    # A u64 hash repeated by two different values (a collision, forced here) makes them
    # candidates only: the exact comparison keeps the real duplicates alone.
    df = pl.DataFrame({"v": ["a", "b", "a", "c"]}).with_row_index(LINE)
    hashed = pl.Series("h", [9, 9, 9, 4], dtype=pl.UInt64)
    got = repeated(df, pl.col("v"), hashed=hashed)
    assert got[LINE].to_list() == [0, 2]
    assert got["key"].to_list() == ["a", "a"]
