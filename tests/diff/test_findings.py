"""Each RL4xx warning fires on the broken-looking change and stays quiet on real change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roster_lint import api
from roster_lint.diff.findings import diff_findings
from roster_lint.diff.settings import DiffSettings, settings_from
from roster_lint.errors import UsageError
from roster_lint.findings import Findings
from roster_lint.spec import oneroster
from tests.diff.helpers import Patch, export, extra_users, folder

Row = dict[str, Any]


def run(tmp: Path, old: Patch, new: Patch, **diff: Any) -> list[Row]:
    out = Findings()
    opts = api.Options(profile={"diff": diff} if diff else {})
    diff_findings(export(tmp, "old", old), export(tmp, "new", new), opts, out)
    return out.frame().to_dicts()


def codes(rows: list[Row]) -> list[str]:
    return [r["code"] for r in rows]


def only(rows: list[Row], code: str) -> list[Row]:
    return [r for r in rows if r["code"] == code]


TWELVE = extra_users(3, 11)  # 3 base users + 9 = 12


def test_shrink_fires_beyond_the_limit(tmp_path: Path) -> None:
    hits = only(run(tmp_path, TWELVE, []), "RL400")
    assert [(h["file"], h["line"], h["value"], h["related_value"]) for h in hits] == [
        ("users.csv", None, "3", "12")
    ]


def test_shrink_within_the_limit_is_quiet(tmp_path: Path) -> None:
    assert "RL400" not in codes(run(tmp_path, TWELVE, extra_users(3, 9)))  # 12 -> 10


def test_max_shrink_is_configurable(tmp_path: Path) -> None:
    assert "RL400" in codes(run(tmp_path, TWELVE, extra_users(3, 9), max_shrink=0.1))


def test_small_files_need_min_rows_unless_emptied(tmp_path: Path) -> None:
    # 3 -> 2 users is 33% but below min_rows; 3 -> 0 is an emptied file.
    assert "RL400" not in codes(
        run(tmp_path, [], [{"op": "delete", "file": "users.csv", "line": 4}])
    )
    header = ",".join(oneroster().files["enrollments.csv"].header("1.1")) + "\n"
    header_only = [{"op": "write", "file": "enrollments.csv", "text": header}]
    hits = only(run(tmp_path / "e", [], header_only), "RL400")
    assert [(h["file"], h["value"], h["related_value"]) for h in hits] == [
        ("enrollments.csv", "0", "3")
    ]


def test_shrink_ignores_delta_files(tmp_path: Path) -> None:
    delta = [{"op": "manifest", "property": "file.users", "value": "delta"}]
    assert "RL400" not in codes(run(tmp_path, TWELVE, delta))


def test_vanished_file_fires(tmp_path: Path) -> None:
    hits = only(run(tmp_path, [], [{"op": "remove", "file": "enrollments.csv"}]), "RL401")
    assert [(h["file"], h["related_value"]) for h in hits] == [("enrollments.csv", "3")]


def test_vanished_is_quiet_for_a_delta_delivery(tmp_path: Path) -> None:
    new = [
        {"op": "remove", "file": "enrollments.csv"},
        {"op": "manifest", "property": "file.users", "value": "delta"},
    ]
    assert "RL401" not in codes(run(tmp_path, [], new))


def test_header_recased_renamed_or_gone(tmp_path: Path) -> None:
    new = [
        {"op": "rename_header", "file": "users.csv", "column": "email", "to": "Email"},
        {"op": "rename_header", "file": "users.csv", "column": "phone", "to": "telephone"},
        {"op": "drop_column", "file": "classes.csv", "column": "location"},
    ]
    hits = only(run(tmp_path, [], new), "RL402")
    assert [(h["file"], h["line"], h["column"], h["value"]) for h in hits] == [
        ("classes.csv", 1, "location", None),
        ("users.csv", 1, "email", "Email"),
        ("users.csv", 1, "phone", "telephone"),
    ]


def test_added_columns_are_not_header_changes(tmp_path: Path) -> None:
    new = [{"op": "add_column", "file": "users.csv", "column": "metadata.x", "value": "1"}]
    assert run(tmp_path, [], new) == []


def _rekey(file: str, lines: range, prefix: str) -> Patch:
    return [
        {"op": "set", "file": file, "line": n, "column": "sourcedId", "value": f"{prefix}{n}"}
        for n in lines
    ]


def test_id_scheme_change_fires_for_users_and_enrollments(tmp_path: Path) -> None:
    new = _rekey("users.csv", range(2, 5), "u") + _rekey("enrollments.csv", range(2, 5), "e")
    hits = only(run(tmp_path, [], new), "RL403")
    assert [(h["file"], h["column"], h["related_column"]) for h in hits] == [
        ("enrollments.csv", "sourcedId", "classSourcedId+userSourcedId+role"),
        ("users.csv", "sourcedId", "username"),
    ]
    assert (hits[1]["related_value"], hits[1]["value"]) == ("stu1", "u3")


def test_id_scheme_share_is_a_threshold(tmp_path: Path) -> None:
    one = _rekey("users.csv", range(2, 3), "u")  # 1 of 3 = 33%
    assert "RL403" not in codes(run(tmp_path, [], one))
    assert "RL403" in codes(run(tmp_path / "b", [], one, id_scheme_share=0.3))


def test_new_names_with_new_ids_are_not_a_scheme_change(tmp_path: Path) -> None:
    # Everyone replaced by different people: ids and usernames both change.
    new = _rekey("users.csv", range(2, 5), "u") + [
        {"op": "set", "file": "users.csv", "line": n, "column": "username", "value": f"n{n}"}
        for n in range(2, 5)
    ]
    assert "RL403" not in codes(run(tmp_path, [], new))


@pytest.mark.parametrize(("was", "now"), [("bulk", "delta"), ("delta", "bulk")])
def test_mode_flip_fires_both_ways(tmp_path: Path, was: str, now: str) -> None:
    old = [{"op": "manifest", "property": "file.orgs", "value": was}]
    new = [{"op": "manifest", "property": "file.orgs", "value": now}]
    hits = only(run(tmp_path, old, new), "RL404")
    assert [(h["file"], h["value"], h["related_column"], h["related_value"]) for h in hits] == [
        ("manifest.csv", now, "file.orgs", was)
    ]


def test_bulk_to_absent_is_not_a_mode_flip(tmp_path: Path) -> None:
    new = [
        {"op": "manifest", "property": "file.enrollments", "value": "absent"},
        {"op": "remove", "file": "enrollments.csv"},
    ]
    assert codes(run(tmp_path, [], new)) == ["RL401"]


def test_version_change_fires(tmp_path: Path) -> None:
    new = [{"op": "manifest", "property": "oneroster.version", "value": "1.2"}]
    hits = only(run(tmp_path, [], new), "RL405")
    assert [(h["value"], h["related_value"]) for h in hits] == [("1.2", "1.1")]


def test_check_previous_reports_them(tmp_path: Path) -> None:
    old = folder(tmp_path, "old", TWELVE)
    new = folder(tmp_path, "new", [{"op": "remove", "file": "enrollments.csv"}])
    result = api.check(new, api.Options(previous=old))
    found = set(result.findings["code"].to_list())
    assert {"RL400", "RL401"} <= found


def test_settings_defaults_and_errors() -> None:
    assert settings_from({}) == DiffSettings(max_shrink=0.2, min_rows=10, id_scheme_share=0.5)
    assert settings_from({"diff": {"max_shrink": 0.35}}).max_shrink == 0.35
    for bad in (
        {"max_shrink": 0},
        {"max_shrink": 1.5},
        {"max_shrink": "lots"},
        {"min_rows": -1},
        {"min_rows": 2.5},
        {"id_scheme_share": 1},
        {"shrink": 0.2},
    ):
        with pytest.raises(UsageError):
            settings_from({"diff": bad})
    with pytest.raises(UsageError):
        settings_from({"diff": "0.2"})


def test_id_scheme_check_reads_the_overlap_choose_key_measured(tmp_path: Path) -> None:
    # diff passes the sourcedId overlap rows.choose_key measured; it must be the overlap the
    # check would sample itself (same findings), and it must be what the check reads.
    from roster_lint.diff.rows import compare_tables

    new = _rekey("enrollments.csv", range(2, 5), "e")
    old_x, new_x = export(tmp_path, "old", []), export(tmp_path, "new", new)
    fd = compare_tables(
        "enrollments.csv", old_x.tables["enrollments.csv"], new_x.tables["enrollments.csv"]
    )
    assert fd.id_overlap == 0.0

    def rl403(overlap: dict[str, float] | None) -> list[tuple[str, str]]:
        out = Findings()
        diff_findings(old_x, new_x, api.Options(), out, overlap)
        return [(h["file"], h["value"]) for h in out.frame().to_dicts() if h["code"] == "RL403"]

    assert rl403({"enrollments.csv": fd.id_overlap}) == rl403(None) != []
    assert rl403({"enrollments.csv": 1.0}) == []  # every id said to be present: no change
