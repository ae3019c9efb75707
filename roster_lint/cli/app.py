"""The typer app, the two consoles and the options that several commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from roster_lint import __version__
from roster_lint.errors import UsageError
from roster_lint.options import ENGINES, FAIL_ON, MODES
from roster_lint.report.formats import output_help

if TYPE_CHECKING:
    from roster_lint.options import Options

app = typer.Typer(
    name="roster-lint",
    help="Check OneRoster exports and predict what the Summit K12 sync will and will not do.",
    no_args_is_help=True,
    # --install-completion / --show-completion (bash, zsh, fish, PowerShell); the values of
    # closed options and rule names complete too (`completes` below)
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    # -h as well as --help, on every command (click only knows --help by default).
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Reports go to stdout; progress and the one-line errors go to stderr.
stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

# The values --format takes on stdout; `check_format` refuses any other.
STDOUT_FORMATS = ("text", "json")


def one_of(values: tuple[str, ...]) -> str:
    """ "a, b or c": the allowed values in a help text, from the tuple that validates them."""
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]


def completes(values: tuple[str, ...]) -> Callable[[str], list[str]]:
    """Shell completion for an option with a closed set of values: the same tuple that
    validates it."""

    def complete(incomplete: str) -> list[str]:
        return [v for v in values if v.startswith(incomplete)]

    return complete


def complete_rule(incomplete: str) -> list[str]:
    """Rule codes and names for --select, --ignore and `explain` (read from the catalogue
    only when the shell asks)."""
    from roster_lint.catalogue import catalogue

    low = incomplete.lower()
    rules = catalogue().rules
    names = [r.code for r in rules] + [r.name for r in rules]
    return [n for n in names if n.lower().startswith(low)]


ExportArg = Annotated[
    str, typer.Argument(help="A folder of OneRoster CSV files, or a .zip.", metavar="EXPORT")
]
ModeOpt = Annotated[
    str | None,
    typer.Option(
        "--mode",
        help=f"Integration mode: {one_of(MODES)} (default {MODES[0]}).",
        metavar="MODE",
        autocompletion=completes(MODES),
    ),
]
PreviousOpt = Annotated[
    str | None,
    typer.Option(
        "--previous",
        help="Yesterday's export: transfers, removals, new courses.",
        metavar="EXPORT",
    ),
]
CourseMapOpt = Annotated[
    str | None,
    typer.Option(
        "--course-map",
        help="CSV with a courseSourcedId column: the mapped courses.",
        metavar="FILE",
    ),
]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help=f"What goes to stdout: {one_of(STDOUT_FORMATS)}.",
        metavar="FORMAT",
        autocompletion=completes(STDOUT_FORMATS),
    ),
]
FailOnOpt = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        help=f"Exit 1 on findings at or above: {one_of(FAIL_ON)} (default {FAIL_ON[0]}).",
        metavar="SEVERITY",
        autocompletion=completes(FAIL_ON),
    ),
]
SchemaEngineOpt = Annotated[
    str | None,
    typer.Option(
        "--schema-engine",
        help=f"How the per-file schemas run: {one_of(ENGINES)} (default {ENGINES[0]}); "
        "pandera (the pandera extra) is the reference backend, slow on large files.",
        metavar="ENGINE",
        autocompletion=completes(ENGINES),
    ),
]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="Config file (default: roster-lint.toml or [tool.roster-lint] in pyproject.toml, "
        "searched upward).",
        metavar="FILE",
    ),
]
# --output's help lists exactly what each command writes (report/formats.py ALLOWED)
OutputOpt = Annotated[
    list[str] | None,
    typer.Option("--output", help=output_help("check"), metavar="FORMAT:PATH"),
]
DiffOutputOpt = Annotated[
    list[str] | None,
    typer.Option("--output", help=output_help("diff"), metavar="FORMAT:PATH"),
]
PathPrefixOpt = Annotated[
    str | None,
    typer.Option(
        "--path-prefix",
        metavar="PREFIX",
        help="The export's path from the repository root as CI sees it, for SARIF and GitHub "
        "annotations (default: found from the .git folder above the export).",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Do not name each file written on stderr."),
]
RedactOpt = Annotated[
    bool,
    typer.Option("--redact", help="Replace personal data with stable pseudonyms in every output."),
]


def _version(value: bool) -> None:
    if value:
        stdout.print(f"roster-lint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Check OneRoster exports and predict what the Summit K12 sync will and will not do."""


def check_format(fmt: str, allowed: tuple[str, ...] = STDOUT_FORMATS) -> None:
    if fmt not in allowed:
        raise UsageError(f"--format must be one of {', '.join(allowed)}, not {fmt!r}")


def split_list(values: list[str] | None) -> list[str]:
    """--select a,b --select c -> [a, b, c]."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def refuse_overwriting_inputs(
    outputs: list[str] | None,
    inputs: list[str | None],
    extra: list[tuple[str, str | None]] | None = None,
) -> None:
    """Exit 2 before any work when an output would replace a file the run reads."""
    from roster_lint.report.files import refuse_inputs

    targets = [(f"--output {o}", o.partition(":")[2]) for o in outputs or [] if ":" in o]
    targets += [(what, path) for what, path in extra or [] if path]
    refuse_inputs(targets, inputs)


def merged_options(
    config: str | None,
    *,
    mode: str | None = None,
    previous: str | None = None,
    course_map: str | None = None,
) -> Options:
    """The config file's options with the command line's on top (command-line options win)."""
    from roster_lint.config import options_from_config

    opts = options_from_config(config)
    opts.mode = mode or opts.mode
    opts.previous = previous or opts.previous
    opts.course_map = course_map or opts.course_map
    return opts
