"""Findings that stand for many rows (contract, added 2026-12) and `--output rows:`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint.findings import GROUP_LIMIT, LINES_SHOWN, Findings, RowSink, share
from tests.cli_run import run_cli
from tests.findings.damage import damaged_copy, excel_round_trip

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
KEY = ["code", "file", "column"]


def _check(
    capsys: pytest.CaptureFixture[str], export: Path, tmp: Path, *args: str
) -> tuple[dict[str, Any], pl.DataFrame]:
    rows_path = tmp / "rows.csv"
    run = run_cli(
        capsys, "check", str(export), "--format", "json", "--output", f"rows:{rows_path}", *args
    )
    assert run.code in (0, 1), run.err
    rows = pl.read_csv(rows_path, infer_schema=False).with_columns(pl.col("line").cast(pl.Int64))
    return json.loads(run.out), rows


def _excel(tmp: Path) -> Path:
    return damaged_copy(SAMPLES / "district-flawed", tmp / "excel", excel_round_trip)


@pytest.mark.parametrize("make", ["flawed", "excel"])
def test_counts_equal_the_rows_listed(
    make: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = SAMPLES / "district-flawed" if make == "flawed" else _excel(tmp_path)
    doc, rows = _check(capsys, export, tmp_path)
    findings = doc["findings"]
    assert sum(f["count"] for f in findings) == rows.height == doc["summary"]["rows"]
    # per (code, file, column), the findings stand for exactly the rows listed
    listed = {
        (c, f, col): n
        for c, f, col, n in rows.group_by(KEY).len().iter_rows()  # null column -> None
    }
    counted: dict[tuple[Any, ...], int] = {}
    for f in findings:
        k = (f["code"], f["file"], f["column"])
        counted[k] = counted.get(k, 0) + f["count"]
    assert counted == listed
    for f in findings:
        if f["count"] == 1:
            assert "lines" not in f
            continue
        assert f["count"] > GROUP_LIMIT
        mine = rows.filter(
            (pl.col("code") == f["code"])
            & (pl.col("file") == f["file"])
            & (pl.col("column").eq_missing(f["column"]))
        )["line"]
        first = sorted(mine.to_list())
        assert f["line"] == first[0] and f["lines"] == first[:LINES_SHOWN]
        assert f"{f['count']:,} rows (" in f["message"]
        # one finding per (code, file, column) once it stands for many rows
        same = [g for g in findings if (g["code"], g["file"], g["column"]) == k]
        assert len(same) == 1


def test_excel_round_trip_reads_as_few_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, rows = _check(capsys, _excel(tmp_path), tmp_path)
    assert rows.height > 20_000  # every date of every enrollment, every grade ...
    assert len(doc["findings"]) < 150
    dates = [f for f in doc["findings"] if f["code"] == "RL120" and f["file"] == "enrollments.csv"]
    assert {f["column"] for f in dates} == {"beginDate", "endDate"}
    for f in dates:
        rows_in_file = doc["export"]["files"]["enrollments.csv"]["rows"]
        assert f["count"] == rows_in_file and "rows (100%)" in f["message"]
        assert f["lines"] == list(range(2, 2 + LINES_SHOWN))


def test_rows_follow_select(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc, rows = _check(capsys, _excel(tmp_path), tmp_path, "--select", "RL120")
    assert set(rows["code"].to_list()) == {"RL120"}
    assert sum(f["count"] for f in doc["findings"]) == rows.height


def test_rows_refused_with_redact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(
        capsys,
        "check",
        str(SAMPLES / "district-flawed"),
        "--redact",
        "--output",
        f"rows:{tmp_path / 'rows.csv'}",
    )
    assert run.code == 2 and "rows" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "rows.csv").exists()


def _hits(lines: list[int], column: str = "grades") -> pl.DataFrame:
    return pl.DataFrame(
        {"line": lines, "column": [column] * len(lines), "value": [str(n) for n in lines]}
    )


def test_twenty_rows_stay_single_twenty_one_group() -> None:
    out = Findings()
    out.add("RL131", _hits(list(range(2, 22))), file="users.csv")  # 20 rows
    out.add("RL131", _hits(list(range(2, 23))), file="u2.csv")  # 21 rows
    df = out.frame({"users.csv": 40, "u2.csv": 42})
    assert df.filter(pl.col("file") == "users.csv")["count"].to_list() == [1] * 20
    (g,) = df.filter(pl.col("file") == "u2.csv").to_dicts()
    assert (g["count"], g["line"], g["lines"]) == (21, 2, list(range(2, 22)))
    assert g["message"].startswith("21 rows (50%) of u2.csv, first at line 2: ")


def test_groups_split_over_adds_merge_and_duplicates_count_once() -> None:
    out = Findings()
    out.add("RL131", _hits([40, 30, 10, *list(range(50, 62))]), file="users.csv")  # 15
    out.add("RL131", _hits(list(range(100, 115))), file="users.csv")  # 15 more
    out.add("RL131", _hits([10, 30]), file="users.csv")  # already found
    (g,) = out.frame().to_dicts()
    assert g["count"] == 30 and g["line"] == 10
    assert g["lines"] == sorted([40, 30, 10, *list(range(50, 62)), *list(range(100, 115))])[:20]


def test_rows_sink_writes_every_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with RowSink(str(path)) as sink:
        out = Findings()
        out.add("RL131", _hits(list(range(2, 1002))), file="users.csv")
    assert sink.rows == 1000
    rows = pl.read_csv(path, infer_schema=False)
    assert rows.columns == ["code", "file", "line", "column", "sourced_id", "value"]
    assert rows["line"].cast(pl.Int64).to_list() == list(range(2, 1002))
    assert out.frame()["count"].to_list() == [1000]
    # outside the `with`, collectors write nothing
    Findings().add("RL131", _hits([2, 3]), file="users.csv")
    assert pl.read_csv(path, infer_schema=False).height == 1000


@pytest.mark.parametrize(
    ("count", "rows", "text"),
    [(7_295_374, 7_295_374, "100%"), (1, 3, "33.3%"), (1, 5000, "<0.1%"), (21, 42, "50%")],
)
def test_share(count: int, rows: int, text: str) -> None:
    assert share(count, rows) == text
