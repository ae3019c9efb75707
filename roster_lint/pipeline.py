"""The pipeline: the order of the stages, their threads, and the columns released between.

Layers import one way (tests/test_layers.py): core (model, findings, catalogue, spec,
options, results, bytescan) <- stages (load, validate, predict, diff) <- this module <-
report <- api <- cli.  Stages take typed parameters and never see each other's schedule; this module
runs them and asks each one what it still reads:

  the cross-file rules   validate.crossfile.columns.read_after_first
  the plan               predict.inputs.columns_read (per file)
  the profile findings   predict.findings.columns_shown
  the outputs            `outputs_read`, given by the caller (the API passes what --redact
                         reads; report/ is above this module)

Columns that no reader still to run reads are dropped from the pipeline's working copy
of the export, never from the export it is given (`working_copy`: polars frames share
their buffers, so the copy costs nothing).  A caller that hands the export over
(`owned=True`: the API loaded it and keeps no reference) lets the drop free the memory;
otherwise the caller's frames keep every column alive.

Progress is a callable the caller passes (`Progress`): `with progress("Validating"):`.
None shows nothing; the API prints nothing of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.catalogue import codes_named
from roster_lint.catalogue import kept_codes as catalogue_kept_codes
from roster_lint.findings import Findings, rows_suspended, sort_findings
from roster_lint.model import LINE, Export
from roster_lint.options import Options
from roster_lint.predict.model import Plan

if TYPE_CHECKING:
    from roster_lint.load import Reader
    from roster_lint.predict.engine import Decided

Progress = Callable[[str], AbstractContextManager[object]]
Reads = Callable[[str, str], bool]  # (file, column) -> a stage still to run reads it


def _step(progress: Progress | None, name: str) -> AbstractContextManager[object]:
    return nullcontext() if progress is None else progress(name)


def nothing(file: str, column: str) -> bool:
    """A reader that reads no column (the default for `outputs_read`)."""
    return False


@dataclass
class Checked:
    """What `run_check` found: the findings (options applied), the plan, and the working
    copy of the export the profile findings were read from."""

    findings: pl.DataFrame
    plan: Plan
    export: Export
    previous: Export | None = None


def working_copy(export: Export) -> Export:
    """A shallow copy whose tables can lose columns and whose caches can be cleared without
    touching `export` (the frames' buffers are shared, not copied)."""
    tables = {name: dataclasses.replace(t) for name, t in export.tables.items()}
    return dataclasses.replace(export, tables=tables, derived=dict(export.derived))


def plan_reads() -> Reads:
    """The columns the plan and the profile findings read (the predict stage)."""
    from roster_lint.predict.findings import columns_shown
    from roster_lint.predict.inputs import columns_read
    from roster_lint.predict.profile import load_profile

    read = columns_read(load_profile())
    shown = columns_shown()
    return lambda file, column: column in shown or column in read.get(file, ())


def unread_columns(export: Export, *readers: Reads) -> dict[str, list[str]]:
    """Per file, the columns none of `readers` reads (LINE and every header stay: reports
    and row counts read them)."""
    out: dict[str, list[str]] = {}
    for t in export.tables.values():
        if LINE not in t.df.columns:  # the row count would go with the last column
            continue
        drop = [
            c for c in t.df.columns if c != LINE and not any(read(t.name, c) for read in readers)
        ]
        if drop:
            out[t.name] = drop
    return out


def release_unread_columns(export: Export, *readers: Reads) -> None:
    """Drop, in place, the columns none of `readers` reads (`unread_columns`): before the
    plan's peak, enrollment dates, dateLastModified... (docs/performance.md).  Headers,
    row counts and lines are untouched, so reports and the plan are the same.  Not for
    `why` or `diff`, which read every column."""
    for name, drop in unread_columns(export, *readers).items():
        t = export.tables[name]
        t.df = t.df.drop(drop)


def release_validation_caches(export: Export) -> None:
    """Free what only the validation read before the plan peaks: the id hashes and the
    cross-file frames, all in `Export.derived` (the plan reads none).  Spared: the small
    byte facts of the export's own columns the schema checks read after (bytefacts)."""
    from roster_lint.validate.bytefacts import PREFIX

    for key in [k for k in export.derived if not k.startswith(PREFIX)]:
        del export.derived[key]


LOADING = "Loading export"
LOADING_PREVIOUS = "Loading previous export"  # --previous: say which one is loading


def load(
    path: str,
    progress: Progress | None = None,
    stage: str = LOADING,
    read: Reader | None = None,
    keep: Reads | None = None,
) -> Export:
    """Load an export (folder or zip); damage becomes findings, not exceptions.  A progress
    whose stage object is a `load.FileProgress` is told each file read and its rows.
    read: how each table's file is read (load.Reader; `diff` shares identical files).
    keep: the columns to keep, the others dropped as each file is read (load_for_plan)."""
    from roster_lint.load import FileProgress, load_export
    from roster_lint.load.reader import read_entry

    with _step(progress, stage) as task:
        shown = task if isinstance(task, FileProgress) else None
        return load_export(path, shown, read or read_entry, keep)


def load_for_plan(path: str, progress: Progress | None, outputs_read: Reads = nothing) -> Export:
    """An export loaded for `plan`: what neither the plan nor the outputs read is dropped
    from each file as soon as it is read (each next file is read into that memory), and
    what the decided version's header map leaves of it after the load (slim_for_plan)."""
    plan_read = plan_reads()
    export = load(path, progress, keep=lambda f, c: plan_read(f, c) or outputs_read(f, c))
    slim_for_plan(export, outputs_read)
    return export


def course_map(opts: Options) -> set[str] | None:
    if opts.course_map is None:
        return None
    from roster_lint.predict.coursemap import read_course_map

    return read_course_map(opts.course_map)


def run_plan(
    export: Export,
    opts: Options,
    previous: Export | None,
    progress: Progress | None = None,
    *,
    actions_only: bool = False,
    previous_side: Decided | None = None,
) -> Plan:
    """The plan for an export already loaded (it shares the frames with other stages).
    actions_only, previous_side: what `diff` reads, and its previous export decided
    beforehand (engine.build_plan)."""
    from roster_lint.predict.engine import build_plan

    with _step(progress, "Predicting the sync"):
        return build_plan(
            export,
            opts,
            previous=previous,
            course_map=course_map(opts),
            actions_only=actions_only,
            previous_side=previous_side,
        )


def slim_for_plan(export: Export, outputs_read: Reads = nothing) -> None:
    """Drop, in place, what neither the plan nor the outputs read (`plan` hands the export
    it loaded over)."""
    release_unread_columns(export, plan_reads(), outputs_read)


def _validate_and_plan(
    export: Export, opts: Options, out: Findings, outputs_read: Reads, progress: Progress | None
) -> Plan:
    """`check`'s work after loading: per-file schemas, cross-file rules and the plan.

    None of the three reads another's results.  Memory sets the order: first the checks
    of the columns the plan does not read (dates, timestamps...: their schema checks and
    the cross-file tasks that read them, crossfile.FIRST), then those columns go; then
    the other cross-file rules, alone (they keep two cores busy on their own,
    crossfile.THREADS), and their caches (the id hashes, the enrollments' masks) go; then
    the plan and the schema checks of the other columns run side by side (each keeps
    only part of two cores busy), and the columns only those checks read go when they
    end.  The plan beside the cross-file rules held their caches and its own peak at once
    (v12 at 1M: 150-300 MB more, docs/performance.md, "Branch checkfast4").  Findings are
    merged in the order of a run one after the other (schema, then cross-file), and the
    plan reads only the export's frames, which nothing changes while it runs: the result
    is the same as one stage after the other.
    """
    from concurrent.futures import ThreadPoolExecutor

    from roster_lint.predict.engine import build_plan
    from roster_lint.validate import crossfile, schema
    from roster_lint.validate.crossfile.columns import read_after_first

    plan_read = plan_reads()
    course_map_ = course_map(opts)  # a bad course map is a usage error before any work
    # pandera's backend validates whole tables: it checks everything before the drop.
    split = opts.schema_engine == "polars"
    cross_first, schema_rest, cross = out.sibling(), out.sibling(), out.sibling()
    with _step(progress, "Validating"):
        first = unread_columns(export, plan_read, outputs_read, read_after_first) if split else None
        schema.run(export, out, opts.schema_engine, first)
        crossfile.run(export, cross_first, "first")
    release_unread_columns(export, plan_read, outputs_read, read_after_first)
    # One progress line for all: rich shows one live display at a time.
    with _step(progress, "Validating and predicting"):
        try:
            crossfile.run(export, cross, "rest")
        finally:
            release_validation_caches(export)
        with ThreadPoolExecutor(1) as pool:
            planned = pool.submit(build_plan, export, opts, previous=None, course_map=course_map_)
            try:
                if split:
                    schema.run(export, schema_rest)
            finally:  # the schema checks may read columns the plan does not
                release_unread_columns(export, plan_read, outputs_read)
            for part in (schema_rest, cross_first, cross):
                out.extend(part)
            return planned.result()


_codes = codes_named  # the rule codes --select/--ignore/severity tokens name


def kept_codes(opts: Options) -> Callable[[str], bool]:
    """Whether --select/--ignore keep a rule code (the rows output filters as findings do)."""
    return catalogue_kept_codes(opts.select, opts.ignore)


def export_rows(export: Export) -> dict[str, int]:
    """Rows per readable file: a grouped finding's share of its file."""
    return {name: t.rows for name, t in export.tables.items() if t.readable}


def apply_options(df: pl.DataFrame, opts: Options) -> pl.DataFrame:
    """--select, --ignore and severity overrides on the findings frame, sorted."""
    if opts.select:
        df = df.filter(pl.col("code").is_in(sorted(_codes(opts.select))))
    if opts.ignore:
        df = df.filter(~pl.col("code").is_in(sorted(_codes(opts.ignore))))
    for token, sev in opts.severity.items():
        df = df.with_columns(
            pl.when(pl.col("code").is_in(sorted(_codes([token]))))
            .then(pl.lit(sev))
            .otherwise(pl.col("severity"))
            .alias("severity")
        )
    return sort_findings(df)


def run_check(
    export: Export,
    opts: Options,
    *,
    outputs_read: Reads = nothing,
    progress: Progress | None = None,
    owned: bool = False,
) -> Checked:
    """Every OneRoster rule and the profile's findings over one loaded export.

    With --previous (`opts.previous`) the stages run one after the other: the comparison
    reads every column, and yesterday's export is loaded once the validation caches are
    gone.  `owned`: the caller hands `export` over and
    will not read it again, so columns are released from it in place (the memory goes);
    otherwise from a working copy and `export` stays whole.
    """
    from roster_lint.predict.findings import profile_findings

    work = export if owned else working_copy(export)
    previous = None
    out = Findings()
    out.extend(work.findings)
    if opts.previous is None:
        plan = _validate_and_plan(work, opts, out, outputs_read, progress)
    else:
        from roster_lint.diff.findings import diff_findings
        from roster_lint.validate import run_all

        with _step(progress, "Validating"):
            run_all(work, out, opts.schema_engine)
        release_validation_caches(work)
        with rows_suspended():  # yesterday's load findings are not today's rows
            previous = load(opts.previous, progress, LOADING_PREVIOUS)
        diff_findings(previous, work, opts, out)
        release_unread_columns(work, plan_reads(), outputs_read)
        plan = run_plan(work, opts, previous, progress)
    profile_findings(plan, work, opts, out)
    findings = apply_options(out.frame(export_rows(work)), opts)
    return Checked(findings=findings, plan=plan, export=work, previous=previous)
