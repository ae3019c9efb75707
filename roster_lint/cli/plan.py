"""plan, why and course-map init."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from roster_lint.cli.app import (
    ConfigOpt,
    CourseMapOpt,
    ExportArg,
    FormatOpt,
    ModeOpt,
    PreviousOpt,
    RedactOpt,
    app,
    check_format,
    merged_options,
    stdout,
)
from roster_lint.errors import UsageError

PlanOutputOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        help="FORMAT:PATH, repeatable (text, json, html, sarif, markdown; the actions alone "
        "as csv or parquet).",
    ),
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
) -> None:
    """Predict the Summit K12 sync: one action per school, user, course, class, enrollment."""
    from roster_lint import api
    from roster_lint.report import progress
    from roster_lint.report.outputs import emit_plan

    check_format(fmt)
    progress.enable(fmt)
    opts = merged_options(config, mode=mode, previous=previous, course_map=course_map)
    opts.validate()
    exp = api.load_for_plan(export)
    prev = api.load_previous(opts)
    result = api.plan_export(exp, opts, prev)
    emit_plan(
        result,
        fmt=fmt,
        outputs=output or [],
        redact=redact,
        console=stdout,
        export=exp,
        previous=prev,
    )


@app.command()
def why(
    export: ExportArg,
    kind: Annotated[str, typer.Argument(help="user, class, school, course or enrollment.")],
    ident: Annotated[str, typer.Argument(help="A sourcedId (users: also username or e-mail).")],
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
    plan_ = api.plan_export(exp, opts, api.load_previous(opts))
    result = explain_entity(exp, plan_, kind, ident, opts)
    emit_why(result, fmt=fmt, redact=redact, console=stdout, export=exp)


course_map_app = typer.Typer(help="Course maps for Summit K12 course mapping (SK-C2).")
app.add_typer(course_map_app, name="course-map")


@course_map_app.command("init")
def course_map_init(
    export: ExportArg,
    out: Annotated[
        str | None, typer.Option("-o", "--output", help="Write the CSV here (default stdout).")
    ] = None,
) -> None:
    """Write the CSV of courses to send to Summit K12 Support for mapping."""
    from roster_lint.load import load_export
    from roster_lint.predict.coursemap import course_map_csv

    text = course_map_csv(load_export(export))
    if out is None:
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from exc
