"""`check --schema-engine pandera`: pandera's own backend over the same declarations finds
exactly what the default polars runner finds (and the CLI takes the option)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_lint import api
from roster_lint.errors import UsageError
from tests.cli_run import run_cli
from tests.conftest import ROOT


def _findings(path: str, engine: str) -> list[tuple[object, ...]]:
    res = api.check(path, api.Options(schema_engine=engine))
    cols = ["code", "file", "line", "column", "sourced_id", "value", "message"]
    return [tuple(r) for r in res.findings.select(cols).iter_rows()]


def test_pandera_engine_finds_the_same_on_the_flawed_sample() -> None:
    path = str(ROOT / "sample_exports" / "district-flawed")
    polars_hits = _findings(path, "polars")
    assert any(str(code).startswith("RL1") for code, *_ in polars_hits)  # schema hits exist
    assert _findings(path, "pandera") == polars_hits


@pytest.mark.parametrize(
    "rel",
    [
        "mockroster/excel_mangled",
        "mockroster/classlink_sandbox_2019",
        "moodle-enrol_oneroster/v1p2_full_dataset",
        "edfi-lms-toolkit/oneroster_1.1_sample",
    ],
)
def test_pandera_engine_finds_the_same_on_the_corpus(corpus: Path, rel: str) -> None:
    path = str(corpus / rel)
    assert _findings(path, "pandera") == _findings(path, "polars")


def test_cli_option_and_bad_value(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "sample_exports" / "district-flawed")
    res = run_cli(capsys, "check", path, "--schema-engine", "pandera", "--format", "json")
    assert res.code == 1
    assert any(f["code"].startswith("RL1") for f in json.loads(res.out)["findings"])
    bad = run_cli(capsys, "check", path, "--schema-engine", "spark")
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 1
    with pytest.raises(UsageError):
        api.Options(schema_engine="spark").validate()
