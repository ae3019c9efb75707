"""pandera is an optional extra: only `--schema-engine pandera` needs it, and without it
that option ends the run with exit 2 and one line, before any work."""

from __future__ import annotations

import sys

import pytest

from tests.cli_run import run_cli
from tests.conftest import ROOT


def test_the_default_engine_never_imports_pandera(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandera", None)  # `import pandera` now fails
    monkeypatch.setitem(sys.modules, "pandera.polars", None)
    from roster_lint import api

    assert api.check(str(ROOT / "sample_exports" / "district-flawed")).findings.height > 0


def test_the_pandera_engine_without_pandera_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pandera", None)
    path = str(ROOT / "sample_exports" / "district")
    run = run_cli(capsys, "check", path, "--schema-engine", "pandera")
    assert run.code == 2
    assert "roster-lint[pandera]" in run.err and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1
