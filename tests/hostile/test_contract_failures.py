"""Issue 15, "failures outside the exit-code contract": every one is exit 2 and one line
(or a finding), never a traceback, never 134; Ctrl-C is "interrupted", exit 130."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest

from roster_lint import api
from tests.cli_run import run_cli
from tests.hostile.helpers import ROOT, SAMPLE, corrupt_users_entry, export_with, one_line_error


def test_polars_panic_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """PanicException derives from BaseException: it used to escape as a traceback, exit 1."""

    def panic(*_: object, **__: object) -> None:
        raise pl.exceptions.PanicException("capacity overflow\nsecond line")

    monkeypatch.setattr(api, "check", panic)
    run = run_cli(capsys, "check", str(SAMPLE))
    assert run.code == 2 and one_line_error(run.err), run.err
    assert "PanicException" in run.err


def test_interrupt_is_130_and_said(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "check", interrupted)
    run = run_cli(capsys, "check", str(SAMPLE))
    assert run.code == 130
    assert run.err.strip() == "roster-lint: interrupted"


def test_memory_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def oom(*_: object, **__: object) -> None:
        raise MemoryError

    monkeypatch.setattr(api, "check", oom)
    run = run_cli(capsys, "check", str(SAMPLE))
    assert run.code == 2 and one_line_error(run.err) and "out of memory" in run.err


def test_unreadable_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """chmod 000 (simulated: the tests may run as root, who reads anything)."""
    export = export_with(tmp_path, {})
    real_open = Path.open

    def refuse(self: Path, *a: object, **k: object) -> object:
        if self.name == "users.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    run = run_cli(capsys, "check", str(export))
    assert run.code == 2 and one_line_error(run.err), run.err
    assert "Permission denied" in run.err and "internal error" not in run.err


def test_symlink_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = export_with(tmp_path, {})
    (export / "loop.csv").symlink_to("loop.csv")
    run = run_cli(capsys, "check", str(export))
    assert run.code == 2 and one_line_error(run.err) and "loop" in run.err


def test_non_utf8_file_name_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = export_with(tmp_path, {})
    with open(os.fsencode(export) + b"/\xff\xfe.csv", "wb") as fh:
        fh.write(b"a\n")
    run = run_cli(capsys, "check", str(export), "--format", "json")
    assert run.code in (0, 1), run.err
    assert "\\\\xff\\\\xfe.csv" in run.out  # shown escaped, as an unknown file


def _zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, p.name)
    return target


def test_corrupt_deflate_stream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _zip_of(SAMPLE, tmp_path / "e.zip")
    corrupt_users_entry(target)
    run = run_cli(capsys, "check", str(target))
    assert run.code == 2 and one_line_error(run.err), run.err
    assert "internal error" not in run.err


def test_bad_utf8_flagged_zip_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _zip_of(SAMPLE, tmp_path / "e.zip")
    with zipfile.ZipFile(target, "a") as zf:
        zf.writestr("zz_bad.csv", b"x\n")
    data = bytearray(target.read_bytes())
    j = 0
    while (j := data.find(b"zz_bad.csv", j)) >= 0:
        data[j] = 0xFF
        j += 1
    j = 0
    while (j := data.find(b"PK\x01\x02", j)) >= 0:  # central directory: set the UTF-8 flag
        n = int.from_bytes(data[j + 28 : j + 30], "little")
        if data[j + 46 : j + 46 + n].startswith(b"\xff"):
            data[j + 9] |= 0x08
        j += 4
    target.write_bytes(bytes(data))
    run = run_cli(capsys, "check", str(target))
    assert run.code == 2 and one_line_error(run.err), run.err
    assert "internal error" not in run.err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_stdout_on_a_full_disk(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "roster_lint", "check", str(SAMPLE), "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
    assert done.returncode == 2 and one_line_error(done.stderr), done.stderr
    assert "No space left" in done.stderr


def test_interrupted_report_leaves_no_empty_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reports go to a temporary file renamed when complete: an old report survives a
    Ctrl-C and no 0-byte file appears."""
    from roster_lint.report import sarif

    old = tmp_path / "old.sarif"
    old.write_text("previous report\n")

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sarif, "check_sarif", interrupted)
    run = run_cli(
        capsys,
        "check",
        str(SAMPLE),
        "--output",
        f"json:{tmp_path / 'new.json'}",
        "--output",
        f"sarif:{old}",
    )
    assert run.code == 130
    assert old.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "old.sarif"]
    assert (tmp_path / "new.json").stat().st_size > 0


def test_written_reports_get_ordinary_permissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "r.json"
    run_cli(capsys, "check", str(SAMPLE), "--output", f"json:{target}")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
