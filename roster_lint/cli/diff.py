"""diff OLD NEW: what changed between two exports and what the sync does about it."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Annotated

import typer

from roster_lint.cli.app import (
    ConfigOpt,
    CourseMapOpt,
    DiffOutputOpt,
    FormatOpt,
    ModeOpt,
    PathPrefixOpt,
    QuietOpt,
    RedactOpt,
    app,
    check_format,
    merged_options,
    refuse_overwriting_inputs,
    stdout,
)

if TYPE_CHECKING:
    from roster_lint.diff import DiffResult
    from roster_lint.model import Export
    from roster_lint.options import Options
    from roster_lint.pipeline import Progress

OldArg = Annotated[str, typer.Argument(help="The previous export (folder or .zip).", metavar="OLD")]
NewArg = Annotated[str, typer.Argument(help="The new export (folder or .zip).", metavar="NEW")]
MaxShrinkOpt = Annotated[
    float | None,
    typer.Option(
        "--max-shrink",
        metavar="SHARE",
        help="Warn when a bulk file loses more than this share of its rows (default 0.2).",
    ),
]


def _step(bars: Progress | None, name: str) -> AbstractContextManager[object]:
    return nullcontext() if bars is None else bars(name)


def _run(
    old: str, new: str, opts: Options, bars: Progress | None = None, *, redact: bool = True
) -> tuple[DiffResult, Export, Export]:
    """api.diff's steps, keeping the loaded exports for --redact (no second read).

    The row comparison and the RL4xx checks read every column; they run first, and then
    the columns neither the plan nor --redact reads (dates, timestamps, ...) are released
    from both exports before the plan's peak (docs/performance.md, branch diff3).  The
    result is the one api.diff gives.  redact=False: the personal columns only --redact
    reads go too (the row changes, made by then, hold the values the reports show)."""
    from roster_lint import api, pipeline
    from roster_lint.diff.compare import compare_rows, empty_plan, with_plan
    from roster_lint.diff.previous import decided_previous
    from roster_lint.diff.reuse import SharedReads

    opts.validate()
    # A file byte-identical in both exports is read once (diff/reuse.py).
    reads = SharedReads(old)
    old_export = pipeline.load(old, bars, pipeline.LOADING_PREVIOUS, reads.old)
    new_export = pipeline.load(new, bars, read=reads.new)
    reads.done()
    compared = compare_rows(old_export, new_export, opts, reads.shared)
    opts.previous = old_export.path
    try:
        readers = (pipeline.plan_reads(), api.outputs_read) if redact else (pipeline.plan_reads(),)
        for export in (old_export, new_export):
            pipeline.release_unread_columns(export, *readers)
        # OLD decided first and slimmed to what the plan reads of it; then OLD keeps only
        # what --redact reads (nothing without it) while NEW is decided.
        with _step(bars, "Deciding the previous export"):
            previous = decided_previous(old_export, opts, new_export, compared.pairs)
        compared.pairs.clear()
        pipeline.release_unread_columns(old_export, *readers[1:])
        # The diff reads the actions' entity, id, action and reasons, nothing else.
        plan = api.plan_export(
            new_export, opts, old_export, bars, actions_only=True, previous_side=previous
        )
        del previous
        available = True
    except ModuleNotFoundError as exc:
        # Without the plan engine the row changes and warnings are still worth showing.
        if exc.name != "roster_lint.predict.engine":
            raise
        plan, available = empty_plan(opts), False
    result = with_plan(old_export, new_export, compared, plan, opts)
    result.plan_available = available
    return result, old_export, new_export


@app.command()
def diff(
    old: OldArg,
    new: NewArg,
    mode: ModeOpt = None,
    course_map: CourseMapOpt = None,
    fmt: FormatOpt = "text",
    config: ConfigOpt = None,
    max_shrink: MaxShrinkOpt = None,
    output: DiffOutputOpt = None,
    redact: RedactOpt = False,
    quiet: QuietOpt = False,
    path_prefix: PathPrefixOpt = None,
) -> None:
    """Compare OLD with NEW: rows added, removed and changed, exports that look broken, and
    what the Summit K12 sync will and will not do about the changes."""
    from roster_lint.diff.settings import settings_from
    from roster_lint.report import progress
    from roster_lint.report.outputs import emit_diff

    check_format(fmt)
    opts = merged_options(config, mode=mode, course_map=course_map)
    if max_shrink is not None:
        section = dict(opts.profile.get("diff") or {})
        section["max_shrink"] = max_shrink
        opts.profile = {**opts.profile, "diff": section}
    settings_from(opts.profile)  # a bad threshold stops the run before loading anything
    refuse_overwriting_inputs(output, [old, new, opts.course_map, config])
    result, old_export, new_export = _run(
        old,
        new,
        opts,
        progress.for_run(progress.stdout_format(fmt, output), stages=4),
        redact=redact,
    )
    emit_diff(
        result,
        fmt=fmt,
        outputs=output or [],
        redact=redact,
        quiet=quiet,
        console=stdout,
        old=old_export,
        new=new_export,
        path_prefix=path_prefix,
        options=opts,
    )
    raise typer.Exit(0)
