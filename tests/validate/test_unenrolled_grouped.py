"""Students without an enrollment (RL242) over more than GROUP_LIMIT rows are grouped before
their messages are made (students._without_enrollments, grouped.add_by_line): the findings
must be those of every row grouped, which `--output rows:` still makes (it wants every
row), and the rows it lists must be the grouped count."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.cli_run import run_cli
from tests.findings.damage import damaged_copy

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _students_dropped(every: int) -> Any:
    """enrollments.csv without the student rows of every `every`-th student (by id)."""

    def step(df: pl.DataFrame) -> pl.DataFrame:
        if not {"userSourcedId", "role"} <= set(df.columns):
            return df
        user = pl.col("userSourcedId").str.replace_all(r"\D", "").cast(pl.Int64, strict=False)
        dropped = (pl.col("role") == "student") & ((user % every) == 3)
        return df.filter(~dropped.fill_null(False))

    return step


def _run(capsys: pytest.CaptureFixture[str], export: Path, *args: str) -> str:
    run = run_cli(capsys, "check", str(export), *args)
    assert run.code in (0, 1), run.err
    return run.out


@pytest.mark.parametrize(("every", "grouped"), [(7, True), (500, False)])
def test_unenrolled_grouped_early_equals_every_row(
    every: int, grouped: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = damaged_copy(SAMPLES / "district", tmp_path / "x", _students_dropped(every))
    rows_csv = tmp_path / "rows.csv"
    early = _run(capsys, export, "--format", "json")
    every_row = _run(capsys, export, "--format", "json", "--output", f"rows:{rows_csv}")
    assert early == every_row
    assert _run(capsys, export) == _run(capsys, export, "--output", f"rows:{rows_csv}")
    found = [f for f in json.loads(early)["findings"] if f["code"] == "RL242"]
    listed = pl.read_csv(rows_csv, infer_schema=False).filter(pl.col("code") == "RL242")
    assert sum(f.get("count", 1) for f in found) == listed.height > 0
    if grouped:
        (one,) = found
        assert one["count"] > 20 and one["lines"] == sorted(one["lines"])
        assert one["line"] == one["lines"][0] == int(listed["line"].cast(pl.Int64).min())
        assert one["message"].endswith(f"student '{one['sourced_id']}' has no enrollment.")
    else:
        assert 0 < len(found) <= 20 and all(f.get("count", 1) == 1 for f in found)
