"""The synthetic district generator: deterministic, realistic in shape, honest about defects."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from benchmarks.synth import Config, build, write_export
from benchmarks.synth.__main__ import main as synth_main
from benchmarks.synth.defects import KINDS
from roster_lint.spec import oneroster

ROOT = Path(__file__).resolve().parents[1]
Tables = dict[str, pl.DataFrame]


def _read(folder: Path) -> Tables:
    return {
        p.name: pl.read_csv(p, infer_schema=False).fill_null("")
        for p in sorted(folder.glob("*.csv"))
    }


def _export(tmp: Path, name: str, *args: str) -> Path:
    out = tmp / name
    assert synth_main(["--out", str(out), *args]) == 0
    return out


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    args = ("--students", "300", "--seed", "5", "--defects", "0.01")
    a, b = _export(tmp_path, "a", *args), _export(tmp_path, "b", *args)
    assert _bytes(a) == _bytes(b)
    assert (tmp_path / "a.defects.json").read_text() == (tmp_path / "b.defects.json").read_text()
    c = _export(tmp_path, "c", "--students", "300", "--seed", "6", "--defects", "0.01")
    assert _bytes(c)["users.csv"] != _bytes(a)["users.csv"]


def _ids(t: Tables, file: str) -> set[str]:
    return set(t[file]["sourcedId"].to_list())


def _unresolved(t: Tables) -> dict[str, int]:
    """Count of references that match no sourcedId, per file.column."""
    out = {}
    for name, df in t.items():
        spec = oneroster().files.get(name)
        if spec is None:
            continue
        for col in spec.columns("1.1"):
            if col.ref is None or col.ref not in t or col.name not in df.columns:
                continue
            values = df[col.name].str.split(",") if col.list else df[col.name].implode()
            items = {v for v in values.explode().to_list() if v}
            out[f"{name}.{col.name}"] = len(items - _ids(t, col.ref))
    return out


def test_clean_district_has_a_realistic_shape(tmp_path: Path) -> None:
    t = _read(_export(tmp_path, "d", "--students", "1200", "--ids", "numeric"))
    assert all(n == 0 for n in _unresolved(t).values()), _unresolved(t)
    users, enr = t["users.csv"], t["enrollments.csv"]
    students = users.filter(pl.col("role") == "student")
    assert students.height == 1200
    assert set(students["grades"]) == {"KG", *(f"{g:02d}" for g in range(1, 13))}
    per_student = enr.filter(pl.col("role") == "student").group_by("userSourcedId").len()
    assert per_student.height == 1200 and 6.5 <= per_student["len"].mean() <= 7.5  # type: ignore[operator]
    per_class = enr.filter(pl.col("role") == "student").group_by("classSourcedId").len()
    assert 18 <= per_class["len"].mean() <= 30  # type: ignore[operator]
    primaries = enr.filter(pl.col("primary") == "true").group_by("classSourcedId").len()
    assert primaries.height == t["classes.csv"].height and primaries["len"].max() == 1
    assert enr.filter(pl.col("primary") == "false").height > 0  # co-teachers
    assert (enr["sourcedId"] == enr["classSourcedId"] + "_" + enr["userSourcedId"]).all()
    orgs = t["orgs.csv"]
    district = orgs.filter(pl.col("type") == "district")["identifier"][0]
    schools = orgs.filter(pl.col("type") == "school")["identifier"]
    assert re.fullmatch(r"\d{7}", district)
    assert schools.str.contains(rf"^{district}\d{{5}}$").all()
    roles = set(users["role"])
    assert {"student", "teacher", "administrator", "aide", "parent"} <= roles
    sessions = t["academicSessions.csv"]
    year = sessions.filter(pl.col("type") == "schoolYear")
    assert year["schoolYear"][0] == year["endDate"][0][:4]


def test_classlink_style(tmp_path: Path) -> None:
    out = _export(tmp_path, "d", "--students", "100")
    raw = (out / "users.csv").read_bytes()
    header, first = raw.split(b"\n")[:2]
    assert b'"' not in header and first.startswith(b'"')
    assert not raw.endswith(b"\n") and b"\r" not in raw
    assert (out / "manifest.csv").read_bytes().startswith(b'"propertyName","value"')


def _by_id(df: pl.DataFrame, ident: str) -> pl.DataFrame:
    return df.filter(pl.col("sourcedId") == ident)


CHECKS: dict[str, Callable[[dict[str, Any], Tables], bool]] = {
    "school-missing-nces-id": lambda r, t: r["identifier"] == "" and r["type"] == "school",
    "class-without-primary-teacher": lambda r, t: (
        t["enrollments.csv"]
        .filter((pl.col("classSourcedId") == r["sourcedId"]) & (pl.col("primary") == "true"))
        .is_empty()
    ),
    "class-course-missing": lambda r, t: r["courseSourcedId"] not in _ids(t, "courses.csv"),
    "mixed-grade-class": lambda r, t: (
        t["enrollments.csv"]
        .filter((pl.col("classSourcedId") == r["sourcedId"]) & (pl.col("role") == "student"))
        .join(t["users.csv"], left_on="userSourcedId", right_on="sourcedId")["grades"]
        .n_unique()
        > 1
    ),
    "enum-wrong-case": lambda r, t: r["classType"] == "Scheduled",
    "two-primary-teachers": lambda r, t: (
        r["primary"] == "true"
        and t["enrollments.csv"]
        .filter((pl.col("classSourcedId") == r["classSourcedId"]) & (pl.col("primary") == "true"))
        .height
        >= 2
    ),
    "student-without-grade": lambda r, t: r["grades"] == "" and r["role"] == "student",
    "grade-not-zero-padded": lambda r, t: re.fullmatch(r"[1-9]", r["grades"]) is not None,
    "grade-without-content": lambda r, t: r["grades"] == "PK",
    "boolean-not-lowercase": lambda r, t: r["enabledUser"] == "TRUE",
    "user-disabled": lambda r, t: r["enabledUser"] == "false",
    "user-org-missing": lambda r, t: r["orgSourcedIds"] not in _ids(t, "orgs.csv"),
    "id-whitespace": lambda r, t: r["orgSourcedIds"] != r["orgSourcedIds"].strip(),
    "password-too-short": lambda r, t: len(r["password"]) == 3,
    "user-multiple-schools": lambda r, t: (
        len(set(r["orgSourcedIds"].split(",")) & _ids(t, "orgs.csv")) == 2
    ),
    "duplicate-sourcedid": lambda r, t: _by_id(t["users.csv"], r["sourcedId"]).height == 2,
    "guardian-not-linked-back": lambda r, t: (
        r["role"] == "guardian"
        and r["sourcedId"] not in _by_id(t["users.csv"], r["agentSourcedIds"])["agentSourcedIds"][0]
    ),
    "district-admin-needs-request": lambda r, t: (
        r["role"] == "administrator"
        and _by_id(t["orgs.csv"], r["orgSourcedIds"])["type"][0] == "district"
    ),
    "enrollment-class-missing": lambda r, t: r["classSourcedId"] not in _ids(t, "classes.csv"),
    "enrollment-user-missing": lambda r, t: r["userSourcedId"] not in _ids(t, "users.csv"),
    "date-not-iso": lambda r, t: re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["beginDate"]) is None,
}


# In 1.2 a user's orgs and role live in roles.csv: these kinds are planted there.
ROLE_CHECKS: dict[str, Callable[[dict[str, Any], Tables], bool]] = {
    "user-org-missing": lambda r, t: r["orgSourcedId"] not in _ids(t, "orgs.csv"),
    "id-whitespace": lambda r, t: r["orgSourcedId"] != r["orgSourcedId"].strip(),
    "user-multiple-schools": lambda r, t: r["roleType"] == "secondary",
    "district-admin-needs-request": lambda r, t: (
        r["role"] == "districtAdministrator"
        and _by_id(t["orgs.csv"], r["orgSourcedId"])["type"][0] == "district"
    ),
}
ADMINS = ["principal", "siteAdministrator", "districtAdministrator"]


def _with_v11_roles(t: Tables) -> Tables:
    """1.2 users seen with their primary role as 1.1 names it, for the shared checks."""
    if "roles.csv" not in t:
        return t
    primary = (
        t["roles.csv"].filter(pl.col("roleType") == "primary").unique("userSourcedId", keep="first")
    )
    role = pl.when(pl.col("role").is_in(ADMINS)).then(pl.lit("administrator")).otherwise("role")
    roles = primary.select(sourcedId="userSourcedId", role=role)
    return {
        **t,
        "users.csv": t["users.csv"].join(roles, on="sourcedId", how="left", maintain_order="left"),
    }


def _assert_honest(folder: Path, manifest: Path) -> list[dict[str, Any]]:
    t = _with_v11_roles(_read(folder))
    defects = json.loads(manifest.read_text())["defects"]
    for d in defects:
        row = t[d["file"]].row(d["line"] - 2, named=True)
        assert row["sourcedId"] == d["id"], d
        check = ROLE_CHECKS[d["kind"]] if d["file"] == "roles.csv" else CHECKS[d["kind"]]
        assert check(row, t), d
    return defects


def test_defects_manifest_is_honest(tmp_path: Path) -> None:
    out = _export(tmp_path, "bad", "--students", "800", "--defects", "0.002", "--seed", "3")
    defects = _assert_honest(out, tmp_path / "bad.defects.json")
    assert {d["kind"] for d in defects} == set(KINDS) == set(CHECKS)


def test_no_defects_means_no_manifest_and_no_dangling_reference(tmp_path: Path) -> None:
    out = _export(tmp_path, "ok", "--students", "200")
    assert not (tmp_path / "ok.defects.json").exists()
    assert all(n == 0 for n in _unresolved(_read(out)).values())


def test_next_day_changes_and_still_resolves(tmp_path: Path) -> None:
    before = _export(tmp_path, "d0", "--students", "3000", "--ids", "numeric")
    after = _export(tmp_path, "d1", "--previous-of", str(before), "--seed", "9")
    t0, t1 = _read(before), _read(after)
    assert all(n == 0 for n in _unresolved(t1).values()), _unresolved(t1)
    u = t0["users.csv"].join(t1["users.csv"], on="sourcedId", how="left", suffix="_1")
    assert u.filter(pl.col("role_1").is_null()).height > 0  # removed
    assert u.filter(pl.col("orgSourcedIds_1") != pl.col("orgSourcedIds")).height > 0  # moved
    new_courses = _ids(t1, "courses.csv") - _ids(t0, "courses.csv")
    assert len(new_courses) == 1
    kept = t0["enrollments.csv"].join(t1["enrollments.csv"], on="sourcedId", how="anti")
    assert kept.height > 0  # dropped or moved


def test_version_12_moves_roles_out_of_users(tmp_path: Path) -> None:
    t = _read(_export(tmp_path, "v", "--students", "400", "--version", "1.2", "--defects", "0.001"))
    assert t["users.csv"].columns == oneroster().files["users.csv"].header("1.2")
    assert t["roles.csv"].columns == oneroster().files["roles.csv"].header("1.2")
    assert {"principal", "siteAdministrator", "districtAdministrator"} <= set(
        t["roles.csv"]["role"]
    )
    _assert_honest(tmp_path / "v", tmp_path / "v.defects.json")


def test_zip_and_usage_errors(tmp_path: Path) -> None:
    z = tmp_path / "District.zip"
    assert synth_main(["--students", "50", "--out", str(z), "--zip"]) == 0
    with zipfile.ZipFile(z) as zf:
        assert "manifest.csv" in zf.namelist() and all("/" not in n for n in zf.namelist())
    out = _export(tmp_path, "x", "--students", "50")
    assert synth_main(["--students", "50", "--out", str(out)]) == 2  # not empty, no --force
    assert synth_main(["--out", str(tmp_path / "y")]) == 2  # no --students
    assert synth_main(["--previous-of", str(tmp_path / "nope"), "--out", str(tmp_path / "z")]) == 2


def test_in_memory_build_matches_the_cli(tmp_path: Path) -> None:
    write_export(build(Config(students=150, seed=4)), tmp_path / "api")
    assert _bytes(tmp_path / "api") == _bytes(
        _export(tmp_path, "cli", "--students", "150", "--seed", "4")
    )


def test_sample_exports_are_up_to_date(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_samples", ROOT / "sample_exports" / "make.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.make(tmp_path)
    committed = ROOT / "sample_exports"
    for name in mod.EXPORTS:
        assert _bytes(tmp_path / name) == _bytes(committed / name), f"{name} is stale: run make.py"
    flawed = "district-flawed.defects.json"
    assert (tmp_path / flawed).read_bytes() == (committed / flawed).read_bytes()
    _assert_honest(committed / "district-flawed", committed / flawed)


@pytest.mark.parametrize("bad", [["--students", "5"], ["--students", "100", "--defects", "2"]])
def test_bad_numbers_are_usage_errors(tmp_path: Path, bad: list[str]) -> None:
    assert synth_main([*bad, "--out", str(tmp_path / "o")]) == 2


@pytest.mark.slow
def test_check_finds_every_planted_defect_at_its_line() -> None:
    """The flawed sample is the README's broken demo: each defect must show up where it is."""
    from roster_lint import api

    folder = ROOT / "sample_exports" / "district-flawed"
    found = api.check(str(folder)).findings.select("file", "line").unique()
    where = {(r["file"], r["line"]) for r in found.iter_rows(named=True)}
    defects = json.loads((folder.parent / "district-flawed.defects.json").read_text())["defects"]
    missed = [d for d in defects if (d["file"], d["line"]) not in where]
    assert not missed, missed


@pytest.mark.slow
def test_clean_sample_has_no_errors() -> None:
    from roster_lint import api

    result = api.check(str(ROOT / "sample_exports" / "district"))
    errors = result.findings.filter(pl.col("severity") == "error")
    assert errors.is_empty(), errors.select("code", "file", "line", "value").to_dicts()


def test_generator_is_not_part_of_the_installed_package() -> None:
    # The wheel ships roster_lint/ only (pyproject: [tool.hatch.build.targets.wheel]); the
    # generator lives in benchmarks/ and nothing the wheel ships may import it.
    assert not (ROOT / "roster_lint" / "synth").exists()
    importing = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "roster_lint").rglob("*.py")
        if re.search(r"^\s*(from|import) benchmarks\b", p.read_text("utf-8"), re.M)
    ]
    assert importing == []
