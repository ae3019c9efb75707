"""benchmarks/run_shapes: the opt-in plan stages (the default text, every --output file)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from benchmarks.run_shapes import EXTRA, STAGES, bytecode, commands, plan_files, stages_of


def test_plan_stages_are_opt_in() -> None:
    assert stages_of([], []) == list(STAGES)  # the standard run is unchanged
    assert stages_of(["check", "diff"], ["plan-files", "plan-text"]) == [
        "floor",
        "plan",
        "redact",
        "plan-text",
        "plan-files",
    ]


def test_plan_stage_commands(tmp_path: Path) -> None:
    old, new = tmp_path / "excel", tmp_path / "excel.new"
    cmds = commands(old, new)
    assert set(EXTRA) <= set(cmds)
    assert cmds["plan-text"][1:] == ["plan", str(old)]  # stdout: the text (to /dev/null)
    files = plan_files(old)
    assert [f.parent for f in files] == [tmp_path] * 3
    assert cmds["plan-files"][1:] == [
        "plan",
        str(old),
        "-q",
        *(f"--output={f.suffix[1:]}:{f}" for f in files),
    ]
    assert [f.suffix for f in files] == [".json", ".csv", ".parquet"]


def test_bytecode_is_written_before_timing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The timed package is compiled even where the shell forbids writing bytecode: the
    runs then import .pyc files, as a pip-installed roster-lint does."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    sources = [pkg / "__init__.py", pkg / "sub" / "mod.py"]
    for src in sources:
        src.write_text("X = 1\n")
    assert bytecode(pkg).endswith("(ok).")
    for src in sources:
        assert Path(importlib.util.cache_from_source(str(src))).is_file()
