"""Baselines: keyed by (code, file, sourcedId) with counts; new defects still fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_lint.errors import UsageError
from roster_lint.report.baseline import apply_baseline, write_baseline
from tests.report.test_outputs_support import finding, result_with

TODAY = [
    finding("RL400", "error", file="users.csv", line=3, sourced_id="stu1"),
    finding("RL400", "error", file="users.csv", line=4, sourced_id="stu2"),
    finding("RL401", "warning", file="classes.csv"),
]


def _keys(result: object) -> list[tuple[str, str | None, str | None]]:
    df = result.findings  # type: ignore[attr-defined]
    return list(df.select("code", "file", "sourced_id").iter_rows())


def test_unchanged_export_passes(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    assert write_baseline(result_with(tmp_path / "a", TODAY), base) == 3
    again = apply_baseline(result_with(tmp_path / "b", TODAY), base)
    assert _keys(again) == [] and not again.failed


def test_moved_lines_still_match_but_new_defects_fail(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    write_baseline(result_with(tmp_path / "a", TODAY), base)
    tomorrow = [
        finding("RL400", "error", file="users.csv", line=9, sourced_id="stu1"),  # moved
        finding("RL400", "error", file="users.csv", line=10, sourced_id="stu1"),  # 2nd on stu1
        finding("RL400", "error", file="users.csv", line=11, sourced_id="stu3"),  # new record
        finding("RL401", "warning", file="classes.csv"),
    ]
    left = apply_baseline(result_with(tmp_path / "b", tomorrow), base)
    assert sorted(_keys(left)) == [
        ("RL400", "users.csv", "stu1"),
        ("RL400", "users.csv", "stu3"),
    ]
    assert left.failed


def test_baseline_file_is_stable_and_sorted(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_baseline(result_with(tmp_path / "x", TODAY), a)
    write_baseline(result_with(tmp_path / "y", list(reversed(TODAY))), b)
    assert a.read_bytes() == b.read_bytes()
    doc = json.loads(a.read_text("utf-8"))
    assert doc["roster-lint-baseline"] == 1
    assert [(e["code"], e["file"], e["sourced_id"], e["count"]) for e in doc["entries"]] == [
        ("RL400", "users.csv", "stu1", 1),
        ("RL400", "users.csv", "stu2", 1),
        ("RL401", "classes.csv", None, 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"roster-lint-baseline": 2, "entries": []}',
        '{"roster-lint-baseline": 1, "entries": [{"code": "RL1", "count": "2"}]}',
    ],
)
def test_bad_baseline_is_a_usage_error(text: str, tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match="--baseline"):
        apply_baseline(result_with(tmp_path, TODAY), path)
    with pytest.raises(UsageError, match="no such file"):
        apply_baseline(result_with(tmp_path / "m", TODAY), tmp_path / "missing.json")
