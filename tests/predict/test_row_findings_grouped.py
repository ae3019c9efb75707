"""Profile findings per row (RL3xx from the plan) are grouped before their values and
messages are made (predict.findings._shown_rows): the result must be the findings that
grouping every row gives, which is what `--output rows:` still does (it wants every row)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.cli_run import run_cli
from tests.findings.damage import damaged_copy

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _no_email_mixed_grades(df: pl.DataFrame) -> pl.DataFrame:
    """users.csv: every e-mail blank; every other student a grade 05 (mixed-grade classes)."""
    if not {"email", "role", "grades"} <= set(df.columns):
        return df
    odd = (pl.int_range(pl.len()) % 2 == 1) & (pl.col("role") == "student")
    return df.with_columns(
        pl.lit("").alias("email"),
        pl.when(odd).then(pl.lit("05")).otherwise(pl.col("grades")).alias("grades"),
    )


def _findings(capsys: pytest.CaptureFixture[str], export: Path, *args: str) -> list[Any]:
    run = run_cli(capsys, "check", str(export), "--format", "json", *args)
    assert run.code in (0, 1), run.err
    return list(json.loads(run.out)["findings"])


@pytest.mark.parametrize("src", ["district", "district-flawed"])
def test_grouped_early_equals_every_row_grouped(
    src: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = damaged_copy(SAMPLES / src, tmp_path / "x", _no_email_mixed_grades)
    early = _findings(capsys, export)
    every = _findings(capsys, export, "--output", f"rows:{tmp_path / 'rows.csv'}")
    assert early == every
    by_code = {(f["code"], f["file"], f.get("column")): f for f in early}
    # the damage is there, grouped: one finding each, many rows
    missing = [f for f in early if f["name"] == "user-missing-email"]
    mixed = [f for f in early if f["name"] == "mixed-grade-class"]
    assert len(missing) == 1 and missing[0]["count"] > 20 and len(missing[0]["lines"]) == 20
    assert len(mixed) == 1 and mixed[0]["count"] > 20
    assert by_code  # keyed findings exist (guards against an empty run)
    # the e-mail count is the users who get an account with no e-mail: every row listed
    rows = pl.read_csv(tmp_path / "rows.csv", infer_schema=False)
    assert rows.filter(pl.col("code") == missing[0]["code"]).height == missing[0]["count"]
