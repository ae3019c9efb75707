"""roles.csv against users.csv after the hash screen (crossfile.roles): the same findings
as comparing every string, on the cases the screen must let through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from roster_lint.examples import materialise
from roster_lint.findings import Findings
from roster_lint.load import load_export
from roster_lint.validate.crossfile import roles


def _found(tmp: Path, patch: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out = Findings()
    roles.run(load_export(str(materialise("base-1.2", patch, tmp))), out)
    df = out.frame().filter(pl.col("code").is_in(["RL270", "RL271", "RL272", "RL274"]))
    return sorted((r["code"], r["file"], r["line"], r["value"]) for r in df.iter_rows(named=True))


def _set(file: str, line: int, column: str, value: str) -> dict[str, Any]:
    return {"op": "set", "file": file, "line": line, "column": column, "value": value}


def test_a_clean_export_has_no_role_findings(tmp_path: Path) -> None:
    assert _found(tmp_path, []) == []


def test_each_role_rule_is_found_past_the_screen(tmp_path: Path) -> None:
    patch = [
        _set("roles.csv", 2, "userSourcedId", "ghost"),  # tch1: no role left
        _set("roles.csv", 3, "roleType", "secondary"),  # stu1: roles, none primary
        _set("users.csv", 4, "primaryOrgSourcedId", "sch9"),  # stu2: not a role's org
        {"op": "append", "file": "roles.csv", "copy_line": 4, "values": {"sourcedId": "r2"}},
    ]
    assert _found(tmp_path, patch) == [
        ("RL270", "users.csv", 2, "tch1"),
        ("RL271", "users.csv", 3, "stu1"),
        ("RL272", "roles.csv", 4, "primary"),
        ("RL272", "roles.csv", 5, "primary"),
        ("RL274", "users.csv", 4, "sch9"),
    ]


def test_deleted_rows_and_blank_ids_are_judged_as_before(tmp_path: Path) -> None:
    patch = [
        _set("roles.csv", 3, "status", "tobedeleted"),  # stu1's only role is going
        _set("users.csv", 2, "status", "tobedeleted"),  # a deleted user is not judged
        _set("roles.csv", 2, "userSourcedId", ""),
        _set("users.csv", 4, "sourcedId", ""),  # a blank id matches the blank role's
    ]
    assert _found(tmp_path, patch) == [("RL270", "users.csv", 3, "stu1")]
