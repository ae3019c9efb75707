"""benchmarks/profile_diff.py: every step's row carries its user and system time and page
faults beside the wall and CPU, and the process's totals close the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import profile_check, profile_diff

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def test_each_step_has_its_kernel_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profile_check, "ROWS", [])
    monkeypatch.setattr(profile_diff, "ROWS", profile_check.ROWS)
    monkeypatch.setattr(profile_diff, "KERNEL", [])
    old, new = SAMPLES / "district-yesterday", SAMPLES / "district"
    assert profile_diff.main([str(old), str(new)]) == 0
    lines = capsys.readouterr().out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("step "))
    assert lines[head].split()[1:] == [
        "wall", "s", "CPU", "s", "user", "s", "sys", "s", "Mfaults", "peak", "GB", "now", "GB",
    ]  # fmt: skip
    rows = lines[head + 1 : head + 1 + len(profile_diff.ROWS)]
    steps = [name for name, *_ in profile_diff.ROWS]
    assert steps[0] == "imports"
    assert {"load old", "decide old (previous side)", "sync groups"} <= set(steps)
    assert len(profile_diff.KERNEL) == len(steps)
    for row, name in zip(rows, steps, strict=True):
        values = row[len(name) :].split()
        assert row.startswith(name) and len(values) == 7
        assert all(float(v) >= 0 for v in values)
    user, _system, faults = (sum(k[i] for k in profile_diff.KERNEL) for i in range(3))
    assert faults > 0 and user > 0
    assert lines[-1].startswith("process: user ")
