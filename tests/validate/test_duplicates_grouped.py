"""Duplicate enrollments (RL212) and sourcedIds (RL210) over more than GROUP_LIMIT rows are
grouped before their messages are made (duplicates._add_duplicates): the result must be the
findings that grouping every row gives, which is what `--output rows:` still does (it wants
every row, so every message is made there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.cli_run import run_cli
from tests.findings.damage import damaged_copy

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _enrollments_repeated(every: int) -> Any:
    """enrollments.csv: every `every`-th row appended again, sourcedId and all (RL210 +
    RL212); the first row three times, so its group has more than two lines."""

    def step(df: pl.DataFrame) -> pl.DataFrame:
        if not {"classSourcedId", "userSourcedId", "role"} <= set(df.columns):
            return df
        again = df.gather_every(every)
        return pl.concat([df, again, df.head(1)])

    return step


def _run(capsys: pytest.CaptureFixture[str], export: Path, *args: str) -> str:
    run = run_cli(capsys, "check", str(export), *args)
    assert run.code in (0, 1), run.err
    return run.out


def _by_rule(findings: list[Any], code: str) -> list[Any]:
    return [f for f in findings if f["code"] == code and f["file"].endswith("enrollments.csv")]


@pytest.mark.parametrize(("src", "every"), [("district", 50), ("district-flawed", 7)])
def test_grouped_early_equals_every_row_grouped(
    src: str, every: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = damaged_copy(SAMPLES / src, tmp_path / "x", _enrollments_repeated(every))
    rows_csv = tmp_path / "rows.csv"
    early = _run(capsys, export, "--format", "json")
    every_row = _run(capsys, export, "--format", "json", "--output", f"rows:{rows_csv}")
    assert early == every_row
    assert _run(capsys, export) == _run(capsys, export, "--output", f"rows:{rows_csv}")
    findings = json.loads(early)["findings"]
    rows = pl.read_csv(rows_csv, infer_schema=False)
    for code in ("RL210", "RL212"):
        (grouped,) = _by_rule(findings, code)  # one finding, many rows
        assert grouped["count"] > 20 and len(grouped["lines"]) == 20
        assert grouped["lines"] == sorted(grouped["lines"])
        assert grouped["line"] == grouped["lines"][0] == 2  # the first row, tripled
        assert " 3 times" in grouped["message"]
        listed = rows.filter(
            (pl.col("code") == code) & pl.col("file").str.ends_with("enrollments.csv")
        )
        assert listed.height == grouped["count"]


def test_few_duplicates_stay_one_finding_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 14,521 rows, every 2,000th again and the first twice: 3 + 7 x 2 = 17 rows, under 20.
    export = damaged_copy(SAMPLES / "district", tmp_path / "x", _enrollments_repeated(2000))
    early = _run(capsys, export, "--format", "json")
    every_row = _run(capsys, export, "--format", "json", "--output", f"rows:{tmp_path / 'r'}")
    assert early == every_row
    found = _by_rule(json.loads(early)["findings"], "RL212")
    assert len(found) == 17 and all(f.get("count", 1) == 1 for f in found)
