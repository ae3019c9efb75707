"""Golden output for the bundled sample exports: same input, same bytes.

Refresh deliberately with `pytest tests/test_golden.py --update-golden` and review the diff.
"""

from __future__ import annotations

import pytest

from tests.cli_run import run_cli
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ROOT / "sample_exports"

CASES = {
    "check-district.txt": ("check", "district"),
    "check-district.json": ("check", "district", "--format", "json"),
    "check-district-flawed.txt": ("check", "district-flawed"),
    "check-district-flawed.json": ("check", "district-flawed", "--format", "json"),
    "plan-district-flawed-previous.txt": (
        "plan",
        "district-flawed",
        "--previous",
        "district-yesterday",
    ),
    "plan-district-v12.json": ("plan", "district-v12", "--format", "json"),
    "why-district-flawed-class.json": (
        "why",
        "district-flawed",
        "class",
        "50287",
        "--format",
        "json",
    ),
    "diff-district.json": ("diff", "district-yesterday", "district", "--format", "json"),
}
SAMPLE_NAMES = {"district", "district-flawed", "district-yesterday", "district-v12"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(
    name: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    update_golden: bool,
) -> None:
    # A fixed width and no colour: the text report is the same everywhere.  The console
    # is created at import, so COLUMNS in the environment is too late: set it directly.
    from roster_lint.cli.app import stdout

    monkeypatch.setattr(stdout, "width", 100)
    monkeypatch.setattr(stdout, "no_color", True)
    monkeypatch.chdir(ROOT)
    args = [f"sample_exports/{a}" if a in SAMPLE_NAMES else a for a in CASES[name]]
    run = run_cli(capsys, *args)
    assert run.code in (0, 1), run.err
    target = GOLDEN / name
    if update_golden:
        target.write_text(run.out, encoding="utf-8")
    assert target.is_file(), f"missing {target}; run pytest --update-golden"
    assert run.out == target.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, "
        "run `pytest tests/test_golden.py --update-golden` and review the diff"
    )
