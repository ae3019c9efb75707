"""The fixed cost of every run: the profile's records built without resolving their type
hints again, and no TOML parser imported by `--version`, `--help` or a run without a config
file (docs/performance.md, branch startup11)."""

from __future__ import annotations

import os
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from roster_lint.predict import profile, registry
from tests.conftest import ROOT


def test_profile_records_resolve_their_type_hints_once(monkeypatch: pytest.MonkeyPatch) -> None:
    profile.load_profile.__wrapped__()  # every record class seen once
    registry.load_registry.__wrapped__()
    calls: list[object] = []
    real = typing.get_type_hints

    def counted(obj: object, *a: Any, **kw: Any) -> dict[str, Any]:
        calls.append(obj)
        return real(obj, *a, **kw)

    monkeypatch.setattr(typing, "get_type_hints", counted)
    profile.load_profile.__wrapped__()
    registry.load_registry.__wrapped__()
    assert calls == []


def test_version_and_help_import_no_toml_parser() -> None:
    code = (
        "import sys\n"
        "from roster_lint.cli import main\n"
        "for args in (['--version'], ['--help'], ['check', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('tomllib' in sys.modules, file=sys.stderr)\n"
    )
    assert _last_line(code, ROOT) == "False"


def test_a_run_without_a_config_file_imports_no_toml_parser(tmp_path: Path) -> None:
    """No roster-lint.toml or pyproject.toml above the working directory: the config is
    looked for, not parsed, and tomllib is not imported for it."""
    code = (
        "import sys\n"
        "from roster_lint.config import options_from_config\n"
        "opts = options_from_config(None)\n"
        "print(opts.mode, 'tomllib' in sys.modules, file=sys.stderr)\n"
    )
    assert _last_line(code, tmp_path) == "full False"


def _last_line(code: str, cwd: Path) -> str:
    """The last line `code` prints on stderr, run in a fresh interpreter from `cwd` (what a
    module imports shows only in a process that has imported nothing yet)."""
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    return run.stderr.strip().splitlines()[-1]
