"""Issue 15, "zip entries read whole": a 21 MB zip whose users.csv unpacked to 3.9 GB needed
4 GB before polars started.  Entries are now unpacked in chunks into a private temporary
folder (TMPDIR) and read from there like a folder's file; the folder is gone when the run
ends, whatever the ending."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from roster_lint.errors import UsageError
from roster_lint.load import load_export, reader
from roster_lint.load.source import open_source
from roster_lint.model import LINE
from tests.cli_run import run_cli
from tests.hostile.helpers import ROOT, SAMPLE, USERS_HEADER, corrupt_users_entry, one_line_error

ENTRY_MB = 120  # the entry's unpacked size
# The sample district loads in ~110 MB; holding the entry added about twice ENTRY_MB:
# 692 MB with a 300 MB entry before, 108 MB after.
BOUND_MB = 200

_CHILD = """
import json, sys
from roster_lint.load import load_export
e = load_export(sys.argv[1])
with open("/proc/self/status") as fh:
    hwm = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:"))
codes = sorted(set(e.findings.frame()["code"].to_list()))
print(json.dumps({"peak_mb": hwm / 1024, "codes": codes, "users": e.tables["users.csv"].readable}))
"""


def _sample_zip(target: Path, users: bytes | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for p in sorted(SAMPLE.iterdir()):
            if p.name == "users.csv" and users is not None:
                zf.writestr("users.csv", users)
            else:
                zf.write(p, p.name)
    return target


def _huge_line_zip(target: Path) -> Path:
    """The sample district with a users.csv of one ENTRY_MB line of 'a' and rare 'b' (about
    85:1, under the zip-bomb ratio), written in 10 MB pieces."""
    rng = np.random.default_rng(15)
    block = np.where(rng.random(10 * 1024**2) < 0.002, ord("b"), ord("a")).astype(np.uint8)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for p in sorted(SAMPLE.iterdir()):
            if p.name != "users.csv":
                zf.write(p, p.name)
        with zf.open("users.csv", "w", force_zip64=True) as fh:
            for _ in range(ENTRY_MB // 10):
                fh.write(block.tobytes())
    return target


def _child(path: Path, tmpdir: Path) -> dict[str, object]:
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_huge_entry_is_not_held_in_memory(tmp_path: Path) -> None:
    """Only the header's first 64 KiB of the 120 MB entry are read (RL025): the peak is the
    sample district's, not the entry's size.  Before: the whole entry was read for its head."""
    target = _huge_line_zip(tmp_path / "big.zip")
    assert target.stat().st_size < 10 * 1024**2
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    got = _child(target, tmpdir)
    assert "RL025" in got["codes"], got  # type: ignore[operator]
    assert got["peak_mb"] < BOUND_MB, got  # type: ignore[operator]
    assert list(tmpdir.iterdir()) == []  # the unpacked entry is gone


def test_zip_and_folder_load_the_same(tmp_path: Path) -> None:
    folder = load_export(str(SAMPLE))
    packed = load_export(str(_sample_zip(tmp_path / "e.zip")))
    for name, table in folder.tables.items():
        assert packed.tables[name].df.equals(table.df), name
    assert packed.findings.frame()["code"].to_list() == folder.findings.frame()["code"].to_list()


def _private_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.setattr("tempfile.tempdir", None)  # re-read TMPDIR
    return tmpdir


def test_temporary_folder_removed_after_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tmpdir = _private_tmp(monkeypatch, tmp_path)
    run = run_cli(capsys, "check", str(_sample_zip(tmp_path / "e.zip")), "--format", "json")
    assert run.code in (0, 1), run.err
    assert json.loads(run.out)["export"]["files"]["users.csv"]["rows"] > 0
    assert list(tmpdir.iterdir()) == []


def test_temporary_folder_removed_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tmpdir = _private_tmp(monkeypatch, tmp_path)
    seen: list[Path] = []
    real = reader.read_entry

    def interrupted(entry: reader.Entry, out: object) -> object:
        real(entry, out)  # type: ignore[arg-type]
        seen.extend(tmpdir.iterdir())  # unpacked by now
        raise KeyboardInterrupt

    monkeypatch.setattr("roster_lint.load.read_entry", interrupted)
    run = run_cli(capsys, "check", str(_sample_zip(tmp_path / "e.zip")))
    assert run.code == 130 and run.err.strip() == "roster-lint: interrupted"
    assert seen and list(tmpdir.iterdir()) == []


def test_temporary_folder_removed_on_a_corrupt_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tmpdir = _private_tmp(monkeypatch, tmp_path)
    target = _sample_zip(tmp_path / "e.zip")
    corrupt_users_entry(target)
    run = run_cli(capsys, "check", str(target))
    assert run.code == 2 and one_line_error(run.err), run.err
    assert list(tmpdir.iterdir()) == []


def test_no_room_to_unpack_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while unpacking: exit 2's one line naming TMPDIR, and nothing left behind."""
    tmpdir = _private_tmp(monkeypatch, tmp_path)
    src = open_source(str(_sample_zip(tmp_path / "e.zip")))
    real = Path.open

    def full(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full)
    with src, pytest.raises(UsageError, match="set TMPDIR to a folder with room"):
        src.entries[0].file()
    assert list(tmpdir.iterdir()) == []


def test_users_rows_from_a_zip_are_checked(tmp_path: Path) -> None:
    """A zip's users.csv is read like a folder's: same rows, same line numbers."""
    row = (SAMPLE / "users.csv").read_bytes().split(b"\n")[1]
    users = USERS_HEADER + b"\n" + row + b"\n" + row + b"\n"  # a duplicate sourcedId
    got = load_export(str(_sample_zip(tmp_path / "e.zip", users)))
    assert got.tables["users.csv"].df[LINE].to_list() == [2, 3]
