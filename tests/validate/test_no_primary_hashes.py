"""RL232 (teachers but no primary) is decided on the u64 class-id hashes, and on the strings
only where a hash may mislead (classes._doubtful): two class ids, or a class and another
class's teacher row, sharing a hash.  Coarse hashes force such collisions by the hundred;
the findings must stay those of counting every candidate class on the strings (what
classes._counts did before): a class is a candidate when no teacher row of its hash is
primary (a primary teacher of a colliding class hides it, as before, p ~ 1e-7)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from roster_lint import findings
from roster_lint.findings import Findings
from roster_lint.load import load_export
from roster_lint.model import ID_HASH_SEED, LINE, Export
from roster_lint.validate.crossfile import classes, grouped
from tests.findings.damage import damaged_copy, excel_round_trip

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _no_primary(export: Export) -> list[tuple[int, str]]:
    out = Findings()
    classes.run(export, out)
    df = out.frame().filter(pl.col("code") == "RL232")
    return sorted(zip(df["line"].to_list(), df["sourced_id"].to_list(), strict=True))


def _on_strings(export: Export, modulus: int | None) -> list[tuple[int, str]]:
    """RL232 from the strings: live classes with a live teacher row, none primary, among
    the candidates (no primary teacher row of the class's hash)."""
    enr = export.tables["enrollments.csv"].df
    live = pl.col("status").fill_null("") != "tobedeleted"
    bucket = pl.col("classSourcedId").hash(seed=ID_HASH_SEED)
    if modulus is not None:
        bucket = bucket % modulus
    primary = (pl.col("primary") == "true").fill_null(False)
    teachers = enr.filter((pl.col("role") == "teacher") & live).with_columns(bucket.alias("_b"))
    teach = (
        teachers.with_columns(primary.sum().over("_b").alias("_bp"))
        .group_by("classSourcedId")
        .agg(primary.sum().alias("p"), pl.col("_bp").first())
        .filter(pl.col("_bp") == 0)
    )
    cls = export.tables["classes.csv"].df.filter(
        live & pl.col("sourcedId").is_not_null() & (pl.col("sourcedId") != "")
    )
    hit = cls.join(teach, left_on="sourcedId", right_on="classSourcedId").filter(pl.col("p") == 0)
    return sorted(zip(hit[LINE].to_list(), hit["sourcedId"].to_list(), strict=True))


def _teachers_dropped(df: pl.DataFrame) -> pl.DataFrame:
    if not {"classSourcedId", "role"} <= set(df.columns):
        return df
    gone = (pl.col("role") == "teacher") & (pl.col("classSourcedId").hash(seed=1) % 4 == 0)
    return df.filter(~gone.fill_null(False))


@pytest.mark.parametrize("modulus", [None, 3, 101])
@pytest.mark.parametrize("excel", [False, True])
def test_no_primary_exact_whatever_the_hashes(
    modulus: int | None, excel: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every 4th class without its teachers: under a shared hash, another class's teacher
    # rows would count for it.  With the Excel round trip (primary TRUE) every taught class
    # is "no primary".
    steps = [_teachers_dropped, *([excel_round_trip] if excel else [])]
    src = damaged_copy(SAMPLES / "district-flawed", tmp_path / "x", *steps)
    if modulus is not None:
        real = Export.id_hash

        def coarse(self: Export, name: str, column: str) -> pl.Series:
            return real(self, name, column) % modulus

        monkeypatch.setattr(Export, "id_hash", coarse)
    for module in (findings, grouped):  # one finding per class
        monkeypatch.setattr(module, "GROUP_LIMIT", 10**9)
    export = load_export(str(src))
    expected = _on_strings(export, modulus)
    if modulus is None or excel:  # the damage is there (coarse hashes may hide 50292's)
        assert len(expected) >= (100 if excel else 1)
    found = _no_primary(export)
    assert found == expected


def _unsure_frame(hashes: list[int], ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"_h": pl.Series(hashes, dtype=pl.UInt64), "sourcedId": ids},
    )


def _doubt(unsure: pl.DataFrame, teacher_ids: list[str], teacher_hashes: list[int]) -> list[int]:
    enr = pl.DataFrame({"classSourcedId": teacher_ids})
    rows = pl.Series(range(len(teacher_ids)), dtype=pl.UInt32)
    hashes = pl.Series(teacher_hashes, dtype=pl.UInt64)
    return sorted(classes._doubtful(unsure, hashes, enr, rows).to_list())


def test_doubtful_with_distinct_hashes_needs_no_unique(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every unsure class with a hash of its own (the Excel case at 1M): no unique of the
    # (hash, id) pairs; a teacher row of another id under a class's hash is still doubtful.
    def refused(self: pl.DataFrame, *args: object, **kwargs: object) -> pl.DataFrame:
        raise AssertionError("unique of the unsure classes")

    unsure = _unsure_frame([1, 2, 3], ["a", "b", "c"])
    with monkeypatch.context() as m:
        m.setattr(pl.DataFrame, "unique", refused)
        assert _doubt(unsure, ["a", "b", "x", "c"], [1, 2, 3, 3]) == [3]
        assert _doubt(unsure, ["a", "b", "c"], [1, 2, 3]) == []


def test_doubtful_with_a_repeated_hash() -> None:
    # Two ids under one hash (2): doubtful whatever the teacher rows; a class row twice
    # (same hash, same id: 1) is not.
    unsure = _unsure_frame([1, 1, 2, 2, 3], ["a", "a", "b", "y", "c"])
    assert _doubt(unsure, ["a", "b", "c"], [1, 2, 3]) == [2]
    assert _doubt(unsure, ["a", "b", "z"], [1, 2, 3]) == [2, 3]
