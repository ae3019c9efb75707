"""The benchmark's export shapes: deterministic, and each one the damage it claims to be."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from benchmarks.shapes import SHAPES, TRUNCATE_AT, write_pair

STUDENTS = 200


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def _read(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(folder / name, infer_schema=False)


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shapes")
    for shape in SHAPES:
        write_pair(shape, STUDENTS, 1, root / shape, root / f"{shape}.new")
    return root


@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_are_deterministic(shape: str, shapes: Path, tmp_path: Path) -> None:
    write_pair(shape, STUDENTS, 1, tmp_path / "a", tmp_path / "a.new")
    assert _bytes(tmp_path / "a") == _bytes(shapes / shape)
    assert _bytes(tmp_path / "a.new") == _bytes(shapes / f"{shape}.new")


@pytest.mark.parametrize("shape", SHAPES)
def test_pair_differs_only_in_enrollment_ids(shape: str, shapes: Path) -> None:
    old, new = _bytes(shapes / shape), _bytes(shapes / f"{shape}.new")
    assert old.keys() == new.keys()
    assert [n for n in old if old[n] != new[n]] == ["enrollments.csv"]
    if shape == "truncated":
        return  # cut at the same share of different bytes: rows differ too
    a, b = (
        _read(shapes / shape, "enrollments.csv"),
        _read(shapes / f"{shape}.new", "enrollments.csv"),
    )
    assert a.drop("sourcedId").equals(b.drop("sourcedId"))
    assert a.join(b, on="sourcedId", how="semi").height == 0  # every id is new


def test_skipped_has_no_nces_id(shapes: Path) -> None:
    orgs = _read(shapes / "skipped", "orgs.csv")
    assert orgs["identifier"].fill_null("").eq("").all()
    assert _read(shapes / "clean", "orgs.csv")["identifier"].str.contains(r"^\d{7}(\d{5})?$").all()


def test_status_in_every_bulk_row(shapes: Path) -> None:
    for p in (shapes / "status").glob("*.csv"):
        if p.name != "manifest.csv":
            df = pl.read_csv(p, infer_schema=False)
            assert df["status"].eq("active").all(), p.name
            assert df["dateLastModified"].is_not_null().all(), p.name


def test_excel_round_trip(shapes: Path) -> None:
    folder = shapes / "excel"
    raw = b"".join(_bytes(folder).values())
    assert b"\r\n" in raw and b'""' not in raw
    assert not re.search(rb"\d{4}-\d{2}-\d{2}", raw)  # no ISO date left
    sessions = _read(folder, "academicSessions.csv")
    assert sessions["startDate"].str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$").all()
    users = _read(folder, "users.csv")
    assert set(users["enabledUser"].unique()) <= {"TRUE", "FALSE"}
    assert "09" not in users["grades"].to_list() and "9" in users["grades"].to_list()
    orgs = _read(folder, "orgs.csv")
    assert orgs["identifier"].str.len_chars().is_in([6, 11]).all()  # "0691635" -> "691635"


def test_truncated_enrollments_end_inside_a_row(shapes: Path) -> None:
    cut = (shapes / "truncated" / "enrollments.csv").read_bytes()
    whole = (shapes / "clean" / "enrollments.csv").read_bytes()
    assert whole.startswith(cut) and abs(len(cut) / len(whole) - TRUNCATE_AT) < 0.01
    assert cut.endswith(b",")  # between two fields of the last row


def test_v12_numeric_and_classlink(shapes: Path) -> None:
    assert (shapes / "v12" / "roles.csv").is_file()
    assert _read(shapes / "numeric", "users.csv")["sourcedId"].str.contains(r"^\d+$").all()
    a = _read(shapes / "clean", "enrollments.csv")
    b = _read(shapes / "classlink", "enrollments.csv")
    students = pl.col("role") == "student"
    # The same seats and the same students per school, but students moved between classes.
    for col in ("classSourcedId", "userSourcedId"):
        per = ["schoolSourcedId", col]
        assert (
            a.filter(students)
            .group_by(per)
            .len()
            .sort(per)
            .equals(b.filter(students).group_by(per).len().sort(per))
        )
    assert not a["userSourcedId"].equals(b["userSourcedId"])
