"""A million findings' worth of damage costs about what a clean export costs (issue 10).

Two child processes check a generated district of 20,000 students (~174k rows): clean, and
damaged in every row (status filled in every bulk row, an Excel round trip: every date
M/D/YYYY, grades without their zero, TRUE/FALSE; dateLastModified as a spreadsheet writes
it; roles capitalised) — ~870k hits, which before grouping were as many findings and
+660 MB.  Each child reports its own peak RSS: VmHWM, the child's own (getrusage's
ru_maxrss would carry the forking test runner's peak across exec and hide the
difference).  The bound:
the damaged run may use at most BOUND_MB more than the clean one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.findings.damage import (
    damaged_copy,
    excel_round_trip,
    modified_everywhere,
    roles_capitalised,
    status_everywhere,
)

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = 20_000
BOUND_MB = 150  # measured: +70..100 MB (the damaged values themselves, the placed hits)
MIN_ROWS = 800_000

CHILD = """
import json, sys
from roster_lint import api
r = api.check(sys.argv[1])
with open("/proc/self/status", encoding="ascii") as fh:
    hwm = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:"))
print(json.dumps({
    "peak_mb": hwm / 1024,
    "findings": r.findings.height,
    "rows": int(r.findings["count"].sum()),
}))
"""


def _generate(out: Path) -> Path:
    # The synthetic district generator (python -m benchmarks.synth, from the repo root).
    cmd = [sys.executable, "-m", "benchmarks.synth", "--students", str(STUDENTS), "--out"]
    subprocess.run([*cmd, str(out)], check=True, capture_output=True, cwd=ROOT)
    return out


def _measure(export: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(export)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.slow
def test_damage_costs_about_what_a_clean_export_costs(tmp_path: Path) -> None:
    clean = _generate(tmp_path / "clean")
    damaged = damaged_copy(
        clean,
        tmp_path / "damaged",
        status_everywhere,
        excel_round_trip,
        modified_everywhere,
        roles_capitalised,
    )
    base, hurt = _measure(clean), _measure(damaged)
    assert hurt["rows"] >= MIN_ROWS, hurt  # a million findings' worth, near enough
    assert hurt["findings"] < 200, hurt  # ... reported as a few dozen
    assert hurt["peak_mb"] <= base["peak_mb"] + BOUND_MB, (base, hurt)
