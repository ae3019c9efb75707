"""Property-based damage: whatever happens to an export, a run ends in 0, 1 or 2 cleanly.

Hypothesis damages the valid base export at random (byte flips, truncation, re-encoding,
broken quotes, shuffled or renamed headers, empty and header-only files, huge fields and
lines, zip oddities) and asserts the contract: exit 0 or 1 with the contract's JSON on
stdout, or exit 2 with one `roster-lint:` line on stderr -- never a traceback or an
internal error.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster_lint.examples import build
from tests.cli_run import run_cli

BASE = build("base-1.1", []).files()
NAMES = sorted(BASE)

settings.register_profile(
    "ci",
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


KINDS = [
    "flip",
    "truncate",
    "utf16",
    "cp1252",
    "quote",
    "shuffle_header",
    "rename_header",
    "empty",
    "header_only",
    "huge_field",
    "huge_line",
    "nul",
    "drop_file",
    "crlf_mix",
    "zip_plain",
    "zip_folder",
    "zip_two_folders",
    "zip_junk",
    "zip_nested",
]
# Two tests of half the examples each, so `-n 2` runs them side by side (one test of 80
# examples was a minute alone on the critical path of the suite's two minutes).
HALVES = (KINDS[::2], KINDS[1::2])
HALF = settings(max_examples=max(settings.default.max_examples // 2, 1))


@st.composite
def damage(draw: st.DrawFn, kinds: list[str]) -> tuple[str, dict[str, bytes]]:
    files = dict(BASE)
    name = draw(st.sampled_from(NAMES))
    data = files[name]
    kind = draw(st.sampled_from(kinds))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, max(len(data) - 1, 0)))
            data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]
    elif kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "utf16":
        data = data.decode("utf-8").replace("Ada", "Adà").encode("utf-16")
    elif kind == "cp1252":
        data = data.decode("utf-8").replace("Ada", "Adà").encode("cp1252")
    elif kind == "quote":
        i = draw(st.integers(0, len(data)))
        data = data[:i] + b'"' + data[i:]
    elif kind in ("shuffle_header", "rename_header"):
        head, _, rest = data.partition(b"\n")
        cells = head.split(b",")
        if kind == "shuffle_header":
            cells = draw(st.permutations(cells))
        else:
            j = draw(st.integers(0, len(cells) - 1))
            cells[j] = draw(st.sampled_from([b"", b"SourcedId", b"x y", b"metadata.z", cells[0]]))
        data = b",".join(cells) + b"\n" + rest
    elif kind == "empty":
        data = b""
    elif kind == "header_only":
        data = data.partition(b"\n")[0] + b"\n"
    elif kind == "huge_field":
        data = data.replace(b"Turing", b"T" * draw(st.integers(10_000, 300_000)), 1)
    elif kind == "huge_line":
        # up to 1.2 MB: past the 1 MiB line limit (RL027) now and then
        data = data + b",".join([b"x"] * draw(st.integers(1_000, 600_000))) + b"\n"
    elif kind == "nul":
        data = data.replace(b",", b"\x00", 3)
    elif kind == "drop_file":
        files.pop(name)
        return "folder", files
    elif kind == "crlf_mix":
        data = data.replace(b"\n", b"\r\n", 2).replace(b"\n", b"\r", 1)
    else:
        return kind, files
    files[name] = data
    return "folder", files


def _materialise(layout: str, files: dict[str, bytes], root: Path) -> Path:
    if layout == "folder":
        folder = root / "export"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return folder
    target = root / "export.zip"
    if layout == "zip_junk":
        target.write_bytes(b"PK\x03\x04" + os.urandom(64))
        return target
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in files.items():
            if layout == "zip_plain":
                zf.writestr(name, data)
            elif layout == "zip_folder":
                zf.writestr(f"district/{name}", data)
            elif layout == "zip_two_folders":
                zf.writestr(f"{'a' if len(name) % 2 else 'b'}/{name}", data)
            elif layout == "zip_nested":
                zf.writestr(f"a/b/{name}", data)
    return target


def _assert_contract(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err and "Traceback" not in out
    assert "internal error" not in err, err
    assert code in (0, 1, 2), (code, err)
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("roster-lint: "), err
    else:
        doc = json.loads(out)
        assert isinstance(doc, dict)


@HALF
@given(case=damage(HALVES[0]))
def test_damaged_export_never_crashes(
    case: tuple[str, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    _check_damaged(case, capsys)


@HALF
@given(case=damage(HALVES[1]))
def test_damaged_export_never_crashes_other_half(
    case: tuple[str, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    _check_damaged(case, capsys)


def _check_damaged(case: tuple[str, dict[str, bytes]], capsys: pytest.CaptureFixture[str]) -> None:
    layout, files = case
    with tempfile.TemporaryDirectory() as tmp:
        path = _materialise(layout, files, Path(tmp))
        run = run_cli(capsys, "check", str(path), "--format", "json")
        _assert_contract(run.code, run.out, run.err)
        if run.code != 2:
            doc = json.loads(run.out)
            assert {"tool", "export", "findings", "summary"} <= set(doc)
            plan = run_cli(capsys, "plan", str(path), "--format", "json")
            _assert_contract(plan.code, plan.out, plan.err)
            assert plan.code in (0, 2)
