"""A folder or zip with no OneRoster file is not an export: exit 2, one line, and the
export one level down named when the user pointed at its parent (contract: exit codes)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from roster_lint.cli import main
from tests.load.helpers import base_folder, load


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    return int(exc.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "plan"])
def test_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, err = run([command, str(tmp_path)], capsys)
    assert code == 2
    assert err.strip().splitlines() == [
        f"roster-lint: {tmp_path}: not an export (a folder with no manifest.csv and no "
        "OneRoster file)"
    ]


def test_unrelated_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    (tmp_path / "people.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    code, err = run(["check", str(tmp_path)], capsys)
    assert code == 2
    assert "not an export" in err and len(err.strip().splitlines()) == 1


def test_parent_of_the_export_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inner = base_folder(tmp_path / "exports")
    (tmp_path / "exports" / "readme.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "exports" / "logs").mkdir()
    code, err = run(["check", str(tmp_path / "exports")], capsys)
    assert code == 2
    assert err.strip().endswith(f"an export is one level down: {inner}")


def test_zip_of_unrelated_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.jpg", b"\xff\xd8")
    code, err = run(["check", str(path)], capsys)
    assert code == 2
    assert "not an export (a zip" in err


@pytest.mark.parametrize("name", ["manifest.csv", "Users.csv", "enrollments.csv"])
def test_one_oneroster_name_is_enough(tmp_path: Path, name: str) -> None:
    """A damaged export is still an export: its missing files are findings, not exit 2."""
    (tmp_path / name).write_text("sourcedId\n", encoding="utf-8")
    export = load(tmp_path)
    assert export.findings.frame().height > 0
