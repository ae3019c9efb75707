"""Every real export in ../shared/corpus runs through check, plan and why without breaking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import run_cli
from tests.conftest import CORPUS

EXPORTS = sorted(p for p in CORPUS.glob("*/*") if p.is_dir()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not EXPORTS, reason="../shared/corpus is absent")
@pytest.mark.parametrize("export", EXPORTS, ids=[f"{p.parent.name}/{p.name}" for p in EXPORTS])
def test_check_runs_on_corpus_export(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "check", str(export), "--format", "json")
    assert run.code in (0, 1), run.err
    doc = json.loads(run.out)
    assert doc["findings"] is not None
    for f in doc["findings"]:
        if f["line"] is not None:
            assert f["file"], f
    text = run_cli(capsys, "check", str(export))
    assert text.code == run.code and "Traceback" not in text.err
