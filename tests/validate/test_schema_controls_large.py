"""Control characters inside values are found on tables over EXACT_ROWS rows too (issue 10
item 5): the fast runner's text screen misses them in many-valued ASCII columns, so a byte
pass over the column says when to screen exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from roster_lint.validate.schema.runner import EXACT_ROWS
from tests.validate.schema_helpers import rows, schema_findings

SAMPLE = Path(__file__).resolve().parents[2] / "sample_exports" / "district"


def _big_users(tmp: Path, damage: dict[tuple[int, str], str]) -> Path:
    out = tmp / "big"
    shutil.copytree(SAMPLE, out)
    users = pl.read_csv(SAMPLE / "users.csv", infer_schema=False)
    copies = EXACT_ROWS // users.height + 2
    many = pl.concat(
        users.with_columns(
            *[pl.col(c) + f"x{k}" for c in ("sourcedId", "username", "identifier")],
            pl.col("email").str.replace("@", f"x{k}@"),
        )
        for k in range(copies)
    )
    assert many.height > EXACT_ROWS
    for (i, col), value in damage.items():
        many = many.with_columns(
            pl.when(pl.int_range(pl.len()) == i)
            .then(pl.lit(value))
            .otherwise(pl.col(col))
            .alias(col)
        )
    many.write_csv(out / "users.csv")
    return out


def _control_lines(tmp: Path, damage: dict[tuple[int, str], str]) -> dict[int, str]:
    f = schema_findings(_big_users(tmp, damage))
    return {r["line"]: r["column"] for r in rows(f, "RL153") if r["file"] == "users.csv"}


def test_controls_in_many_valued_columns_of_a_large_table(tmp_path: Path) -> None:
    damage = {
        (15_000, "username"): "jdoe\x01",
        (16_000, "email"): "a\tb@example.org",
        (17_000, "identifier"): "12\x7f34",
    }
    # record i sits on line i + 2 (header = 1)
    assert _control_lines(tmp_path, damage) == {
        15_002: "username",
        16_002: "email",
        17_002: "identifier",
    }


def test_no_controls_no_findings_on_a_large_table(tmp_path: Path) -> None:
    assert _control_lines(tmp_path, {(15_000, "username"): "jdoe-1"}) == {}
