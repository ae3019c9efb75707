"""check, rules and explain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from roster_lint.cli.app import (
    ConfigOpt,
    CourseMapOpt,
    ExportArg,
    FailOnOpt,
    FormatOpt,
    ModeOpt,
    OutputOpt,
    PathPrefixOpt,
    PreviousOpt,
    QuietOpt,
    RedactOpt,
    SchemaEngineOpt,
    app,
    check_format,
    complete_rule,
    completes,
    merged_options,
    refuse_overwriting_inputs,
    split_list,
    stderr,
    stdout,
)
from roster_lint.errors import UsageError
from roster_lint.report.terminal import clean

if TYPE_CHECKING:
    from roster_lint.results import CheckResult

SHOW_ALL = "all"  # --show all: every finding of every rule
EXAMPLES_PER_RULE = 5  # report/text.py's default (not imported: --help stays light)


@app.command()
def check(
    export: ExportArg,
    mode: ModeOpt = None,
    previous: PreviousOpt = None,
    course_map: CourseMapOpt = None,
    fmt: FormatOpt = "text",
    config: ConfigOpt = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="Only these rules: codes, names or prefixes (RL2).",
            metavar="RULE",
            autocompletion=complete_rule,
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            help="Skip these rules: codes, names or prefixes.",
            metavar="RULE",
            autocompletion=complete_rule,
        ),
    ] = None,
    fail_on: FailOnOpt = None,
    output: OutputOpt = None,
    redact: RedactOpt = False,
    quiet: QuietOpt = False,
    schema_engine: SchemaEngineOpt = None,
    write_baseline_to: Annotated[
        str | None,
        typer.Option(
            "--write-baseline",
            help="Accept today's findings: write them to FILE.",
            metavar="FILE",
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="Report only findings that FILE (from --write-baseline) lacks.",
            metavar="FILE",
        ),
    ] = None,
    show: Annotated[
        str | None,
        typer.Option(
            "--show",
            help=f"Findings shown per rule in text: a number (default {EXAMPLES_PER_RULE}) "
            f"or {SHOW_ALL}.",
            metavar="N|all",
            autocompletion=completes((SHOW_ALL, str(EXAMPLES_PER_RULE))),
        ),
    ] = None,
    path_prefix: PathPrefixOpt = None,
) -> None:
    """Run every OneRoster and profile rule over EXPORT and report the findings."""
    from roster_lint import api
    from roster_lint.report import progress
    from roster_lint.report.outputs import emit_check, rows_sink

    check_format(fmt)
    per_rule = _per_rule(show)
    opts = merged_options(config, mode=mode, previous=previous, course_map=course_map)
    refuse_overwriting_inputs(
        output,
        [export, opts.previous, opts.course_map, config, baseline],
        [("--write-baseline", write_baseline_to)],
    )
    opts.select = split_list(select) or opts.select
    opts.ignore = split_list(ignore) or opts.ignore
    opts.fail_on = fail_on or opts.fail_on
    opts.schema_engine = schema_engine or opts.schema_engine

    # The reports read only what the pipeline keeps: let it free the rest (whole_export).
    def run() -> CheckResult:
        bars = progress.for_run(
            progress.stdout_format(fmt, output),
            stages=progress.stage_count("check", bool(opts.previous)),
        )
        return api.check(export, opts, progress=bars, whole_export=False)

    sink = rows_sink(output or [], redact, api.kept_codes(opts))
    if sink is None:
        result = run()
    else:  # --output rows: every affected row, streamed while the rules run
        with sink:
            result = run()
    wrote_baseline = False
    if write_baseline_to:  # before --baseline: the file records everything found today
        from roster_lint.report.baseline import write_baseline

        # under --redact the baseline holds pseudonyms (the district's key keeps them stable)
        n = write_baseline(_redacted_ids(result) if redact else result, write_baseline_to)
        wrote_baseline = True
        if not quiet:
            stderr.print(
                f"wrote baseline {clean(write_baseline_to)}: {n:,} finding"
                f"{'s' if n != 1 else ''} accepted; later runs with --baseline hide them",
                markup=False,
            )
    if baseline:
        from roster_lint.report.baseline import apply_baseline

        before = result.findings.height
        result = apply_baseline(result, baseline, _redacted_ids(result) if redact else None)
        hidden = before - result.findings.height
        stderr.print(
            f"--baseline {clean(baseline)} hid {hidden:,} finding{'s' if hidden != 1 else ''}"
            f" already accepted; {result.findings.height:,} shown",
            markup=False,
        )
    emit_check(
        result,
        fmt=fmt,
        outputs=output or [],
        redact=redact,
        console=stdout,
        per_rule=per_rule,
        quiet=quiet,
        path_prefix=path_prefix,
    )
    # accepting today's findings is a success: the baseline is what was asked for
    raise typer.Exit(0 if wrote_baseline else 1 if result.failed else 0)


def _per_rule(show: str | None) -> int | None:
    """--show N|all -> findings per rule in text (None: the default, 0: every one)."""
    if show is None:
        return None
    if show.strip().lower() == SHOW_ALL:
        return 0
    if show.strip().isdigit() and int(show) > 0:
        return int(show)
    raise UsageError(f"--show must be a positive number or {SHOW_ALL}, not {show!r}")


def _redacted_ids(result: CheckResult) -> CheckResult:
    """The result with its findings' sourced_id pseudonymised, as --redact reports show it."""
    import dataclasses

    from roster_lint.load import load_export
    from roster_lint.report.redact import Redactor

    prev = load_export(result.options.previous) if result.options.previous else None
    red = Redactor([result.export, prev]).frame(result.findings, ["sourced_id"])
    return dataclasses.replace(result, findings=red)


@app.command("rules")
def rules_cmd(fmt: FormatOpt = "text") -> None:
    """List the rule catalogue."""
    from roster_lint.report import catalogue_view

    check_format(fmt)
    catalogue_view.render_list(stdout, fmt)


@app.command()
def explain(
    rule: Annotated[
        str,
        typer.Argument(
            help="A rule code (RL123) or name (kebab-case).",
            metavar="RULE",
            autocompletion=complete_rule,
        ),
    ],
    fmt: FormatOpt = "text",
) -> None:
    """Print one rule's page: what it finds, why, how to fix it, and an example."""
    from roster_lint.catalogue import catalogue
    from roster_lint.report import catalogue_view

    check_format(fmt)
    cat = catalogue()
    found = cat.get(rule)
    if found is None:
        near = cat.suggest(rule)
        hint = f"did you mean {near!r}? " if near else ""
        raise UsageError(f"no rule {rule!r} ({hint}see `roster-lint rules`)")
    if rule.upper() in cat.retired:  # ruff's remapped codes: say so, then show the rule
        stderr.print(
            f"roster-lint: {rule.upper()} is retired; it is now {found.code} ({found.name})",
            markup=False,
        )
    catalogue_view.render_rule(stdout, found, fmt)
