"""The console script (`roster_lint.cli:entry`) leaves with os._exit to skip the heap's
teardown: everything must still be written, flushed and closed, with the same exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ENTRY = "from roster_lint.cli import entry; entry()"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_outputs_complete_and_exit_1_on_findings(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    sarif = tmp_path / "report.sarif"
    res = _run(
        "check",
        "sample_exports/district-flawed",
        "--format",
        "json",
        "--output",
        f"json:{report}",
        "--output",
        f"sarif:{sarif}",
    )
    assert res.returncode == 1
    doc = json.loads(res.stdout)  # the whole document reached stdout
    assert doc["findings"] and doc == json.loads(report.read_text(encoding="utf-8"))
    assert json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]


def test_exit_0_on_a_clean_export() -> None:
    res = _run("plan", "sample_exports/district", "--format", "json")
    assert res.returncode == 0
    assert json.loads(res.stdout)["actions"]


def test_exit_2_with_one_line() -> None:
    res = _run("check", "sample_exports/no-such-export")
    assert res.returncode == 2
    assert res.stdout == "" and len(res.stderr.strip().splitlines()) == 1


# The child's `main` replaced by one that prints what numpy's OpenBLAS will read.
BLAS_PROBE = (
    "import os, roster_lint.cli as cli; "
    "cli.main = lambda: print(os.environ.get('OPENBLAS_NUM_THREADS')); cli.entry()"
)


def test_the_console_script_starts_no_blas_threads() -> None:
    # roster-lint calls no BLAS routine; OpenBLAS's idle threads cost 0.05-0.1 s of CPU a
    # run (docs/performance.md, branch checkfast3).  A value the user set is kept.
    for given, want in ((None, "1"), ("3", "3")):
        res = _probe(BLAS_PROBE, "OPENBLAS_NUM_THREADS", given)
        assert (res.returncode, res.stdout.strip()) == (0, want), res.stderr


def _probe(code: str, var: str, given: str | None) -> subprocess.CompletedProcess[str]:
    """`code` run in a fresh interpreter with `var` unset, or set to `given`."""
    env = {k: v for k, v in os.environ.items() if k != var}
    if given is not None:
        env[var] = given
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


# The child's `main` replaced by one that prints what polars' jemalloc will read; its
# `preload` too (it imports polars, which puts its own settings before the value read:
# jemalloc takes the last, the same either way).
ALLOCATOR_PROBE = (
    "import os, sys, roster_lint.cli as cli; sys.argv[1:] = {argv!r}; "
    "cli.preload = lambda argv: None; "
    "cli.main = lambda: print(os.environ.get('_RJEM_MALLOC_CONF')); cli.entry()"
)


def test_diff_keeps_freed_pages_longer() -> None:
    # diff alone: ~0.3M page faults fewer at 1M students (docs/performance.md, branch
    # difffast4); the other commands keep polars' setting; a value the user set is kept.
    from roster_lint.cli import DIFF_ALLOCATOR

    cases = [
        (["diff", "a", "b"], None, DIFF_ALLOCATOR),
        (["diff", "a", "b"], "dirty_decay_ms:0", "dirty_decay_ms:0"),
        (["check", "a"], None, "None"),
        (["plan", "diff"], None, "None"),
        (["--version"], None, "None"),
    ]
    for argv, given, want in cases:
        res = _probe(ALLOCATOR_PROBE.format(argv=argv), "_RJEM_MALLOC_CONF", given)
        assert (res.returncode, res.stdout.strip()) == (0, want), (argv, res.stderr)
