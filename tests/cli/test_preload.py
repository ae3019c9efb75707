"""The console script's child imports what a command that reads an export will import in one
go, with the cyclic GC off, then freezes it (cli.preload): the same run, without ~160 GC
passes over the imported modules (docs/performance.md, branch startup11)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import pytest

from roster_lint import cli
from tests.conftest import ROOT

SAMPLE = str(ROOT / "sample_exports" / "district")
PREVIOUS = str(ROOT / "sample_exports" / "district-yesterday")
COMMANDS = {
    "check": ["check", SAMPLE, "--format", "json"],
    "plan": ["plan", SAMPLE, "--format", "json"],
    "why": ["why", SAMPLE, "school", "x", "--format", "json"],
    "diff": ["diff", PREVIOUS, SAMPLE, "--format", "json"],
}
PROBE = """
import gc, json, sys
from roster_lint import cli
PRELOADED = {m for ms in cli.PRELOADED.values() for m in ms}
argv, warm = json.loads(sys.argv[1]), sys.argv[2] == "warm"
code = 0
try:
    if warm:
        cli.preload(argv)
    cli.main(argv)
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print(json.dumps({
    "code": code,
    "frozen": gc.get_freeze_count(),
    "enabled": gc.isenabled(),
    "passes": sum(s["collections"] for s in gc.get_stats()),
    "modules": sorted(m for m in sys.modules if m in PRELOADED or m == "polars"),
}), file=sys.stderr)
"""


def _probe(argv: list[str], warm: bool) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv), "warm" if warm else "cold"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    report: dict[str, object] = json.loads(run.stderr.strip().splitlines()[-1])
    report["out"] = run.stdout
    return report


def test_a_warm_run_freezes_the_imports_and_keeps_the_gc_on() -> None:
    cold, warm = _probe(COMMANDS["plan"], False), _probe(COMMANDS["plan"], True)
    assert cold["code"] == warm["code"] == 0
    assert cold["out"] == warm["out"]
    assert cold["frozen"] == 0
    assert isinstance(warm["frozen"], int) and warm["frozen"] > 20_000
    assert warm["enabled"] is True
    # the passes the imports cost are gone (not a timing: the GC's own counts)
    assert isinstance(cold["passes"], int) and isinstance(warm["passes"], int)
    assert warm["passes"] < cold["passes"] * 0.75


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_preloaded_module_is_one_the_command_imports_anyway(command: str) -> None:
    """`preload` brings imports forward; it must not add one (a drift here costs every run)."""
    cold = _probe(COMMANDS[command], False)
    assert cold["modules"] == sorted([*cli.PRELOADED[command], "polars"])
    assert sorted(COMMANDS) == sorted(cli.PRELOADED)


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["check", "--help"], ["plan", "-h"], ["rules"], ["explain", "RL1"]],
)
def test_nothing_is_preloaded_for_help_and_commands_without_an_export(argv: list[str]) -> None:
    report = _probe(argv, True)
    assert report["frozen"] == 0
    assert report["modules"] == []


def test_a_module_that_fails_to_import_is_left_to_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(cli.PRELOADED, "plan", ("roster_lint.no_such_module",))
    try:
        cli.preload(["plan", SAMPLE])
        assert gc.isenabled()
    finally:
        gc.unfreeze()


class _Interrupted:
    @staticmethod
    def import_module(name: str) -> object:
        raise KeyboardInterrupt


def test_ctrl_c_while_preloading_is_still_interrupted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "importlib", _Interrupted)
    monkeypatch.setattr(sys, "argv", ["roster-lint", "plan", SAMPLE])
    try:
        assert cli._run() == cli.INTERRUPTED
        assert capsys.readouterr().err == "roster-lint: interrupted\n"
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_the_console_scripts_child_preloads_then_runs_main(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[object] = []
    monkeypatch.setattr(sys, "argv", ["roster-lint", "plan", SAMPLE])
    monkeypatch.setattr(cli, "preload", lambda argv: seen.append(("preload", argv)))
    monkeypatch.setattr(cli, "main", lambda: seen.append("main"))
    assert cli._run() == 0
    assert seen == [("preload", ["plan", SAMPLE]), "main"]


def test_diff_still_gives_polars_its_allocator_setting_last() -> None:
    """`diff`'s jemalloc setting (cli.DIFF_ALLOCATOR) is set before the preload imports
    polars, which puts its own defaults first: the last value, jemalloc's, is diff's."""
    code = (
        "import os, sys, roster_lint.cli as cli; sys.argv[1:] = ['diff', 'a', 'b']; "
        "cli.main = lambda: print(os.environ.get('_RJEM_MALLOC_CONF'), "
        "'polars' in sys.modules); cli.entry()"
    )
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    conf, imported = run.stdout.split()
    assert imported == "True"
    assert conf.split(",")[-1] == cli.DIFF_ALLOCATOR
