"""plan, why and course-map init."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from roster_lint.cli.app import (
    ConfigOpt,
    CourseMapOpt,
    ExportArg,
    FormatOpt,
    ModeOpt,
    PathPrefixOpt,
    PreviousOpt,
    QuietOpt,
    RedactOpt,
    app,
    check_format,
    completes,
    merged_options,
    one_of,
    refuse_overwriting_inputs,
    stderr,
    stdout,
)
from roster_lint.errors import UsageError
from roster_lint.report.formats import output_help

if TYPE_CHECKING:
    from roster_lint.model import Export

PlanOutputOpt = Annotated[
    list[str] | None,
    typer.Option("--output", help=output_help("plan"), metavar="FORMAT:PATH"),
]


@app.command()
def plan(
    export: ExportArg,
    mode: ModeOpt = None,
    previous: PreviousOpt = None,
    course_map: CourseMapOpt = None,
    fmt: FormatOpt = "text",
    config: ConfigOpt = None,
    output: PlanOutputOpt = None,
    redact: RedactOpt = False,
    quiet: QuietOpt = False,
    path_prefix: PathPrefixOpt = None,
) -> None:
    """Predict the Summit K12 sync: one action per school, user, course, class, enrollment."""
    from roster_lint import api
    from roster_lint.report import progress
    from roster_lint.report.outputs import emit_plan

    check_format(fmt)
    opts = merged_options(config, mode=mode, previous=previous, course_map=course_map)
    bars = progress.for_run(
        progress.stdout_format(fmt, output),
        stages=progress.stage_count("plan", bool(opts.previous)),
    )
    refuse_overwriting_inputs(output, [export, opts.previous, opts.course_map, config])
    opts.validate()
    # Without --redact nothing reads the personal columns the plan does not (api.load_for_plan).
    exp = api.load_for_plan(export, bars, redact=redact)
    prev = api.load_previous(opts, bars)
    result = api.plan_export(exp, opts, prev, bars)
    emit_plan(
        result,
        fmt=fmt,
        outputs=output or [],
        redact=redact,
        quiet=quiet,
        console=stdout,
        export=exp,
        previous=prev,
        path_prefix=path_prefix,
    )


# predict/why.py KINDS (which validates KIND; not imported here so that --help stays
# light): tests/test_cli_help.py checks that the two agree.
WHY_KINDS = ("user", "class", "school", "course", "enrollment")


# SIS ids may start with "-" (`why EXPORT user -1234`): an unknown option-like token is
# taken as the ID instead of failing with "no such option".
@app.command(context_settings={"ignore_unknown_options": True})
def why(
    export: ExportArg,
    kind: Annotated[
        str,
        typer.Argument(
            help=f"What ID names: {one_of(WHY_KINDS)}.",
            metavar="KIND",
            autocompletion=completes(WHY_KINDS),
        ),
    ],
    ident: Annotated[
        str,
        typer.Argument(help="A sourcedId (users: also username or e-mail).", metavar="ID"),
    ],
    mode: ModeOpt = None,
    previous: PreviousOpt = None,
    course_map: CourseMapOpt = None,
    fmt: FormatOpt = "text",
    config: ConfigOpt = None,
    redact: RedactOpt = False,
) -> None:
    """Explain one entity's predicted action and the chain of checks behind it."""
    from roster_lint import api
    from roster_lint.predict.why import explain_entity
    from roster_lint.report.outputs import emit_why

    check_format(fmt)
    opts = merged_options(config, mode=mode, previous=previous, course_map=course_map)
    opts.validate()
    exp = api.load(export)
    prev = api.load_previous(opts)
    plan_ = api.plan_export(exp, opts, prev)
    ident = _unpseudonymise(ident, kind, [exp, prev])
    try:
        result = explain_entity(exp, plan_, kind, ident, opts)
    except UsageError:
        if redact:  # the message echoes the id and its near matches: raw personal values
            raise UsageError(f"no {kind} with the id given in the plan of this export") from None
        raise
    emit_why(result, fmt=fmt, redact=redact, console=stdout, export=exp, previous=prev)


def _unpseudonymise(ident: str, kind: str, exports: list[Export | None]) -> str:
    """A pseudonym from a --redact report, back to the id it stands for (district's key)."""
    from roster_lint.report import redact as r

    if not r.looks_like_pseudonym(ident):
        return ident
    found = r.find_pseudonym(exports, kind, ident)
    if found is not None:
        return found
    if not r.has_district_key():
        raise UsageError(
            f"{ident} looks like a --redact pseudonym; looking it up needs the district's "
            f"key ({r.KEY_ENV} or redact_key_file in the config)"
        )
    return ident  # not one of this export's: reported as not found


course_map_app = typer.Typer(help="Course maps for Summit K12 course mapping (SK-C2).")
app.add_typer(course_map_app, name="course-map")


@course_map_app.command("init")
def course_map_init(
    export: ExportArg,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", help="csv:PATH, or csv:- for stdout (the default).", metavar="csv:PATH"
        ),
    ] = None,
    legacy: Annotated[
        str | None, typer.Option("-o", help="Deprecated: use --output csv:PATH.", metavar="PATH")
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Write the CSV of courses to send to Summit K12 Support for mapping."""
    from roster_lint.load import load_export
    from roster_lint.predict.coursemap import course_map_csv
    from roster_lint.report.files import write_atomic

    out, note = _course_map_target(output, legacy)
    refuse_overwriting_inputs(None, [export], [("--output", out)])
    text = course_map_csv(load_export(export))
    if note:  # after the checks: a refused run still says one line
        stderr.print(f"roster-lint: {note}", markup=False)
    if out is None or out == "-":
        if sys.stdout.isatty():  # a course title must not drive the reader's terminal
            from roster_lint.report.terminal import clean

            text = "\n".join(clean(line) for line in text.split("\n"))
        sys.stdout.write(text)
        return
    write_atomic(out, text, f"--output csv:{out}")
    if not quiet:
        from roster_lint.report.terminal import clean

        stderr.print(f"wrote csv {clean(out)}", markup=False)


def _course_map_target(output: str | None, legacy: str | None) -> tuple[str | None, str]:
    """(the path from --output csv:PATH, a deprecation note or ""); -o PATH and a bare
    --output PATH still work (every other command's form is FORMAT:PATH)."""
    if output is not None and legacy is not None:
        raise UsageError("give --output csv:PATH or -o PATH, not both")
    if legacy is not None:
        return legacy, "-o is deprecated; use --output csv:PATH (csv:- for stdout)"
    if output is None:
        return None, ""
    fmt, sep, path = output.partition(":")
    if sep and fmt.lower() == "csv" and path:
        return path, ""
    if sep and len(fmt) > 1 and fmt.isalpha():  # another format: say which one works
        raise UsageError(f"--output {output!r}: course-map init writes csv (csv:PATH)")
    return output, f"--output PATH is deprecated; use --output csv:{output}"
