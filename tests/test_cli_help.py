"""The CLI's help and shell completion (issue 11): every option with a closed set of values
lists them in --help, taken from the tuple that validates it, and completes them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._click.core import Command, Parameter  # typer vendors click

from roster_lint.cli import app
from roster_lint.cli.app import STDOUT_FORMATS, check_format
from roster_lint.cli.check import EXAMPLES_PER_RULE, SHOW_ALL, _per_rule
from roster_lint.cli.plan import WHY_KINDS
from roster_lint.errors import UsageError
from roster_lint.options import ENGINES, FAIL_ON, MODES, Options
from roster_lint.predict.why import KINDS
from roster_lint.report import text
from roster_lint.report.outputs import ALLOWED

# option (or argument) name -> the values that validation accepts
CLOSED: dict[str, tuple[str, ...]] = {
    "--mode": MODES,
    "--format": STDOUT_FORMATS,
    "--fail-on": FAIL_ON,
    "--schema-engine": ENGINES,
    "--show": (SHOW_ALL,),
    "kind": KINDS,
}


def commands() -> list[tuple[str, Command]]:
    """(name, command) of every command, `course-map init` included."""
    root: Any = typer.main.get_command(app)
    out: list[tuple[str, Command]] = []
    for name, cmd in root.commands.items():
        subs = getattr(cmd, "commands", None)
        if subs:
            out += [(f"{name} {sub}", c) for sub, c in subs.items()]
        else:
            out.append((name, cmd))
    return out


def names(param: Parameter) -> list[str]:
    return [*param.opts, param.name or ""]


def test_the_help_sources_are_the_validation_sources() -> None:
    """What --help lists is what validation accepts (and a value outside is refused)."""
    assert WHY_KINDS == KINDS
    assert EXAMPLES_PER_RULE == text.EXAMPLES_PER_RULE
    for fmt in STDOUT_FORMATS:
        check_format(fmt)
    with pytest.raises(UsageError):
        check_format("yaml")
    for v in MODES:
        Options(mode=v).validate()
    for v in FAIL_ON:
        Options(fail_on=v).validate()
    for bad in (Options(mode="bogus"), Options(fail_on="bogus"), Options(schema_engine="x")):
        with pytest.raises(UsageError):
            bad.validate()
    assert _per_rule(SHOW_ALL) == 0


def test_every_closed_option_lists_its_values() -> None:
    seen: dict[str, int] = dict.fromkeys([*CLOSED, "--output"], 0)
    for command, cmd in commands():
        for param in cmd.params:
            help_text = getattr(param, "help", None) or ""
            for name in names(param):
                values = CLOSED.get(name)
                if name == "--output" and command in ALLOWED:
                    values = ALLOWED[command]
                if values is None:
                    continue
                seen[name] += 1
                words = set(re.findall(r"[\w-]+", help_text))
                missing = [v for v in values if v not in words]
                assert not missing, (command, name, missing, help_text)
    # each closed option was found on at least one command (the test is not vacuous)
    assert all(seen.values()), seen


def console_script() -> str:
    found = Path(sys.executable).parent / "roster-lint"
    return str(found) if found.exists() else str(shutil.which("roster-lint"))


def complete(words: str) -> list[str]:
    """What bash completion offers after `words` (the last word is being completed)."""
    env = {
        **os.environ,
        "_ROSTER_LINT_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    done = subprocess.run([console_script()], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("roster-lint check x --mode ", list(MODES)),
        ("roster-lint plan x --format ", list(STDOUT_FORMATS)),
        ("roster-lint check x --fail-on w", ["warning"]),
        ("roster-lint check x --schema-engine ", list(ENGINES)),
        ("roster-lint why x ", list(KINDS)),
        ("roster-lint explain school-missing-n", ["school-missing-nces-id"]),
        ("roster-lint check x --select RL30", [f"RL30{n}" for n in range(10)]),
    ],
)
def test_completion_offers_the_values(words: str, expected: list[str]) -> None:
    offered = complete(words)
    if words.endswith("RL30"):  # every RL30x code in the catalogue, nothing else
        from roster_lint.catalogue import catalogue

        expected = sorted(r.code for r in catalogue().rules if r.code.startswith("RL30"))
        assert offered and sorted(offered) == expected
        return
    assert offered == expected


def test_show_completion_prints_a_script() -> None:
    done = subprocess.run(
        [console_script(), "--show-completion", "bash"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "_ROSTER_LINT_COMPLETE" in done.stdout
