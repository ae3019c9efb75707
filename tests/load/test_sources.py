"""Folder and zip sources: unsafe archives end the run with exit 2 and one line."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from roster_lint.cli import main
from roster_lint.load import source
from tests.load.helpers import base_files, base_folder, findings, load


def run_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(path)])
    err = capsys.readouterr().err
    return int(exc.value.code or 0), err


def assert_usage_error(path: Path, capsys: pytest.CaptureFixture[str], needle: str) -> None:
    code, err = run_cli(path, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err


def write_zip(path: Path, entries: dict[str, bytes], prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(prefix + name, data)
    return path


def test_zip_at_root_and_in_one_top_folder_load(tmp_path: Path) -> None:
    flat = load(write_zip(tmp_path / "a.zip", base_files()))
    nested = load(write_zip(tmp_path / "b.zip", base_files(), prefix="district/"))
    assert flat.kind == "zip" and flat.tables["users.csv"].path == "users.csv"
    assert nested.tables["users.csv"].path == "district/users.csv"
    assert nested.tables["users.csv"].rows == 3 and nested.version == "1.1"
    assert nested.findings.frame().height == 0


def test_zip_slip_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = base_files() | {"../evil.csv": b"x\n"}
    assert_usage_error(write_zip(tmp_path / "slip.zip", files), capsys, "unsafe entry")


def test_absolute_entry_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "abs.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in base_files().items():
            zf.writestr(name, data)
        info = zipfile.ZipInfo("x")
        info.filename = "/etc/evil.csv"  # ZipInfo() would strip the slash
        zf.writestr(info, b"x\n")
    assert_usage_error(path, capsys, "unsafe entry")


def test_symlink_entry_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_zip(tmp_path / "link.zip", base_files())
    with zipfile.ZipFile(path, "a") as zf:
        info = zipfile.ZipInfo("notes.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    assert_usage_error(path, capsys, "symbolic link")


def test_encrypted_entry_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # zipfile cannot encrypt, so set the "encrypted" flag bit in the local and central
    # headers by hand, as a password-protected zip has it.
    raw = bytearray(write_zip(tmp_path / "plain.zip", base_files()).read_bytes())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(sig)
        while at >= 0:
            raw[at + flag_at] |= 0x1
            at = raw.find(sig, at + 4)
    path = tmp_path / "enc.zip"
    path.write_bytes(bytes(raw))
    assert_usage_error(path, capsys, "encrypted")


def test_zip_bomb_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 8 MB of one byte compresses about 1000:1, far past MAX_RATIO.
    files = base_files() | {"users.csv": b"0" * (8 * 1024**2)}
    assert_usage_error(write_zip(tmp_path / "bomb.zip", files), capsys, "zip bomb")


def test_size_limits_are_enforced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_zip(tmp_path / "big.zip", base_files())
    monkeypatch.setattr(source, "MAX_ENTRY_BYTES", 100)
    with pytest.raises(source.UsageError, match="unpacks to"):
        load(path)
    monkeypatch.setattr(source, "MAX_ENTRY_BYTES", 10**9)
    monkeypatch.setattr(source, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(source.UsageError, match="more than 1000 bytes"):
        load(path)


def test_several_top_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {f"a/{n}": d for n, d in base_files().items()} | {"b/users.csv": b"x\n"}
    assert_usage_error(write_zip(tmp_path / "two.zip", files), capsys, "several top folders")


def test_empty_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(write_zip(tmp_path / "empty.zip", {}), capsys, "empty")


def test_not_a_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fake.zip"
    path.write_text("sourcedId,status\n", encoding="utf-8")
    assert_usage_error(path, capsys, "not a readable zip")


def test_zip_holding_only_a_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inner = write_zip(tmp_path / "inner.zip", base_files()).read_bytes()
    assert_usage_error(
        write_zip(tmp_path / "outer.zip", {"inner.zip": inner}), capsys, "another zip"
    )


def test_nested_zip_beside_files_is_a_finding(tmp_path: Path) -> None:
    inner = write_zip(tmp_path / "inner.zip", base_files()).read_bytes()
    export = load(write_zip(tmp_path / "outer.zip", base_files() | {"old.zip": inner}))
    assert [f["file"] for f in findings(export, "RL002")] == ["old.zip"]
    assert export.tables["users.csv"].rows == 3


def test_missing_path_and_plain_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(tmp_path / "nope", capsys, "no such file or folder")
    plain = tmp_path / "users.csv"
    plain.write_text("a\n", encoding="utf-8")
    assert_usage_error(plain, capsys, "not an export")


def test_folder_link_leaving_the_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = base_folder(tmp_path)
    outside = tmp_path / "secret.csv"
    outside.write_text("sourcedId\nx\n", encoding="utf-8")
    os.symlink(outside, folder / "courses.csv.bak")
    assert_usage_error(folder, capsys, "outside the export")


def test_folder_link_inside_the_export_is_read(tmp_path: Path) -> None:
    folder = base_folder(tmp_path)
    (folder / "data").mkdir()
    (folder / "orgs.csv").rename(folder / "data" / "orgs-real.csv")
    os.symlink(Path("data") / "orgs-real.csv", folder / "orgs.csv")
    export = load(folder)
    assert export.tables["orgs.csv"].rows == 2
    assert export.findings.frame().height == 0


def test_file_that_is_a_folder(tmp_path: Path) -> None:
    folder = base_folder(tmp_path)
    (folder / "users.csv").unlink()
    (folder / "users.csv").mkdir()
    export = load(folder)
    assert [(f["file"], f["line"]) for f in findings(export, "RL001")] == [("users.csv", None)]
    assert "users.csv" not in export.tables
    assert [f["value"] for f in findings(export, "RL057")] == ["file.users"]


def test_inputs_are_not_modified(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "a.zip", base_files())
    before = sorted(p.name for p in tmp_path.iterdir()), path.read_bytes()
    load(path)
    assert (sorted(p.name for p in tmp_path.iterdir()), path.read_bytes()) == before
