"""Both runners execute the same pandera declarations and give the same hits."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from roster_lint.model import LINE
from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for

# One row per interesting value; everything else is copied from a clean student.
CLEAN = {
    "sourcedId": "stu1",
    "status": "",
    "dateLastModified": "",
    "enabledUser": "true",
    "orgSourcedIds": "sch1",
    "role": "student",
    "username": "alan.turing",
    "userIds": "{FED:stu1}",
    "givenName": "Alan",
    "familyName": "Turing",
    "middleName": "",
    "identifier": "000123",
    "email": "alan@example.org",
    "sms": "",
    "phone": "",
    "agentSourcedIds": "",
    "grades": "07",
    "password": "",
}
DAMAGE = [
    ("enabledUser", "TRUE"),
    ("enabledUser", "yes"),
    ("enabledUser", " true"),
    ("role", "Student"),
    ("role", "janitor"),
    ("grades", "7"),
    ("grades", "K"),
    ("grades", "Grade 3"),
    ("grades", "07, 08"),
    ("grades", "kg"),
    ("grades", "Freshman"),
    ("orgSourcedIds", "sch1, sch2"),
    ("orgSourcedIds", "sch1,"),
    ("sourcedId", " stu9"),
    ("sourcedId", "1.23457E+11"),
    ("identifier", "123"),
    ("username", "a\u00a0b"),
    ("givenName", "Ren\u00c3\u00a9"),
    ("familyName", "Tu\u0085ring"),
    ("givenName", ""),
    ("givenName", "  "),
    ("userIds", "FED:1"),
    ("email", "nobody"),
    ("password", "pw1234"),
    ("status", "inactive"),
    ("status", "tobedeleted"),
    ("dateLastModified", "1/05/2023"),
    ("middleName", "\u200b"),
    ("metadata.note", "caf\u00c3\u00a9"),
]


def _frame(copies: int) -> pl.DataFrame:
    rows = []
    for i in range(copies):
        rows.append({**CLEAN, "sourcedId": f"stu{i}", "metadata.note": ""})
        for col, val in DAMAGE:
            rows.append({**CLEAN, "sourcedId": f"s{i}-{col}", "metadata.note": "", col: val})
    return (
        pl.DataFrame(rows).with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    )


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort("check", "line", "column")


@pytest.mark.parametrize("exact_rows", [R.EXACT_ROWS, 0], ids=["small", "screened"])
@pytest.mark.parametrize("mode", ["bulk", "delta", None])
def test_fast_and_pandera_runners_agree(mode: str | None, exact_rows: int) -> None:
    df = _frame(copies=3)
    schema = schema_for("users.csv", "1.1", mode)
    fast, slow = R.run_fast(schema, df, exact_rows), R.run_pandera(schema, df)
    assert fast.height > len(DAMAGE)
    assert _sorted(fast).equals(_sorted(slow))


@pytest.mark.parametrize("exact_rows", [R.EXACT_ROWS, 0], ids=["small", "screened"])
def test_every_damage_row_is_found(exact_rows: int) -> None:
    df = _frame(copies=1)  # line 2 is the clean row, line 3 + i is DAMAGE[i]
    hits = R.run_fast(schema_for("users.csv", "1.1", "bulk"), df, exact_rows)
    lines = set(hits["line"].to_list())
    assert [d for i, d in enumerate(DAMAGE) if 3 + i not in lines] == []
    assert 2 not in lines


def test_run_never_needs_pandera(monkeypatch: pytest.MonkeyPatch) -> None:
    def spy(schema: object, df: pl.DataFrame) -> pl.DataFrame:
        raise AssertionError("run_pandera called")

    monkeypatch.setattr(R, "run_pandera", spy)
    schema = schema_for("users.csv", "1.1", "bulk")
    assert R.run_fast(schema, _frame(copies=1)).height > len(DAMAGE)


def _tab_hits(df: pl.DataFrame, column: str, exact_rows: int) -> list[int]:
    schema = schema_for("users.csv", "1.1", "bulk")
    hits = R.run_fast(schema, df, exact_rows).filter(pl.col("check") == f"{column}:control")
    return sorted(hits["line"].to_list())


def test_ascii_control_characters_are_found_in_small_tables() -> None:
    df = _frame(copies=1).with_columns(pl.lit("Tu\tring").alias("familyName"))
    assert _tab_hits(df, "familyName", R.EXACT_ROWS) == df["__line"].to_list()
    tabbed = df.with_columns((pl.col("sourcedId") + "\x7f").alias("sourcedId"))
    assert _tab_hits(tabbed, "sourcedId", R.EXACT_ROWS) == df["__line"].to_list()


def test_ascii_control_characters_are_found_in_few_valued_columns_of_large_tables() -> None:
    df = _frame(copies=1).with_columns(pl.lit("Tu\tring").alias("familyName"))
    assert _tab_hits(df, "familyName", 0) == df["__line"].to_list()


def test_ascii_controls_in_many_valued_columns_of_large_tables_are_found() -> None:
    # Once checks.text_screen's blind spot (a tab in an all-ASCII id of a large table):
    # the byte pass (bytescan.may_hold_control) now turns the exact screen on.
    df = _frame(copies=1).with_columns((pl.col("sourcedId") + "\t").alias("sourcedId"))
    schema = schema_for("users.csv", "1.1", "bulk")
    slow = R.run_pandera(schema, df).filter(pl.col("check") == "sourcedId:control")
    assert slow.height == df.height
    assert len(_tab_hits(df, "sourcedId", 0)) == df.height


def _opened_gates(df: pl.DataFrame) -> set[str]:
    """Checks the gates send to a second round, on the path of large tables."""
    jobs = R.jobs(schema_for("users.csv", "1.1", "bulk"), df, exact_rows=0)
    follow = [f for j in jobs for f in j.finish(j.query.collect())[1]]
    return {d.name for f in follow for _, d in f.pairs if d.gate is not None}


def test_gate_drops_a_check_that_cannot_fire() -> None:
    df = _frame(copies=1).with_columns(pl.lit("123").alias("identifier"))
    assert "identifier:leading-zeros" not in _opened_gates(df)


@pytest.mark.parametrize("copies", [1, 40], ids=["by-rows", "by-value"])
def test_gate_opens_where_codes_keep_their_zeros(copies: int) -> None:
    df = _frame(copies=copies)  # identifier 000123 (and one damaged 123)
    assert _opened_gates(df) == {"identifier:leading-zeros"}
    hits = R.run_fast(schema_for("users.csv", "1.1", "bulk"), df, exact_rows=0)
    lost = hits.filter(pl.col("check") == "identifier:leading-zeros")
    assert lost["value"].to_list() == ["123"] * copies


def test_private_values_never_reach_findings() -> None:
    df = _frame(copies=1)
    schema = schema_for("users.csv", "1.1", "bulk")
    parts = dict((d.name, part) for d, part in R.with_messages(schema, R.run_fast(schema, df)))
    pw = parts["password:present"]
    assert pw.height == 1 and pw["value"].to_list() == [None]
    assert all("pw1234" not in str(p["message"].to_list()) for p in parts.values())


def test_the_schema_stage_never_imports_pandera() -> None:
    # pandera's import costs ~0.6-1 s of every `check`; only run_pandera and the tests need it.
    import subprocess
    import sys

    code = (
        "import sys; from roster_lint.findings import Findings; "
        "from roster_lint.load import load_export; from roster_lint.validate import schema; "
        "out = Findings(); schema.run(load_export('sample_exports/district-flawed'), out); "
        "assert out.frame().height > 0; print('pandera' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert done.stdout.strip() == "False"
