"""The typer app, the two consoles and the options that several commands share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from roster_lint import __version__
from roster_lint.errors import UsageError
from roster_lint.report.formats import output_help

if TYPE_CHECKING:
    from roster_lint.options import Options

app = typer.Typer(
    name="roster-lint",
    help="Check OneRoster exports and predict what the Summit K12 sync will and will not do.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    # -h as well as --help, on every command (click only knows --help by default).
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Reports go to stdout; progress and the one-line errors go to stderr.
stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

ExportArg = Annotated[str, typer.Argument(help="A folder of OneRoster CSV files, or a .zip.")]
ModeOpt = Annotated[
    str | None, typer.Option("--mode", help="Integration mode: full (default) or provisioning.")
]
PreviousOpt = Annotated[
    str | None,
    typer.Option("--previous", help="Yesterday's export: transfers, removals, new courses."),
]
CourseMapOpt = Annotated[
    str | None,
    typer.Option("--course-map", help="CSV with a courseSourcedId column: the mapped courses."),
]
FormatOpt = Annotated[str, typer.Option("--format", help="What goes to stdout: text or json.")]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="Config file (default: roster-lint.toml or [tool.roster-lint] in pyproject.toml, "
        "searched upward).",
    ),
]
# --output's help lists exactly what each command writes (report/formats.py ALLOWED)
OutputOpt = Annotated[list[str] | None, typer.Option("--output", help=output_help("check"))]
DiffOutputOpt = Annotated[list[str] | None, typer.Option("--output", help=output_help("diff"))]
PathPrefixOpt = Annotated[
    str | None,
    typer.Option(
        "--path-prefix",
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


def check_format(fmt: str, allowed: tuple[str, ...] = ("text", "json")) -> None:
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
