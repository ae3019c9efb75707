"""The Python API: `check` and `plan` return objects and print nothing.

from roster_lint import api
result = api.check("export.zip")
result.findings            # polars frame, FINDING_SCHEMA
result.to_json()           # the contract's JSON document (a dict)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint.catalogue import Severity, catalogue
from roster_lint.errors import UsageError
from roster_lint.findings import Findings, rows_suspended, sort_findings, summary
from roster_lint.load import load_export
from roster_lint.model import Export
from roster_lint.predict.model import Plan

if TYPE_CHECKING:
    from roster_lint.diff import DiffResult
    from roster_lint.predict.why import WhyResult
from roster_lint.report import progress
from roster_lint.validate import run_all, schema
from roster_lint.validate.schema import ENGINES

FAIL_ON = ("error", "warning", "info", "never")
Keep = Callable[[str, str], bool]  # (file, column) -> keep it


@dataclass
class Options:
    mode: str = "full"
    previous: str | None = None
    course_map: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule -> severity override
    fail_on: str = "error"
    schema_engine: str = "polars"  # or "pandera": pandera's own backend (the reference, slow)
    profile: dict[str, Any] = field(default_factory=dict)  # profile options from config

    def validate(self) -> None:
        if self.mode not in ("full", "provisioning"):
            raise UsageError(f"--mode must be full or provisioning, not {self.mode!r}")
        if self.fail_on not in FAIL_ON:
            raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        if self.schema_engine not in ENGINES:
            raise UsageError(
                f"--schema-engine must be {' or '.join(ENGINES)}, not {self.schema_engine!r}"
            )
        cat = catalogue()
        for token in [*self.select, *self.ignore, *self.severity]:
            if not cat.matching(token):
                raise UsageError(f"no rule matches {token!r} (see `roster-lint rules`)")
        for token, sev in self.severity.items():
            if sev not in [s.value for s in Severity]:
                raise UsageError(f"severity for {token!r} must be error, warning or info")


@dataclass
class CheckResult:
    export: Export
    findings: pl.DataFrame
    options: Options
    plan: Plan | None = None

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.findings)

    @property
    def failed(self) -> bool:
        if self.options.fail_on == "never":
            return False
        floor = Severity(self.options.fail_on).rank
        return any(Severity(s).rank >= floor and n for s, n in self.summary.items())

    def to_json(self) -> dict[str, Any]:
        from roster_lint.report.json_report import check_document

        return check_document(self)


def kept_codes(opts: Options) -> Callable[[str], bool]:
    """Whether --select/--ignore keep a rule code (the rows output filters as findings do)."""
    cat = catalogue()
    select = {r.code for t in opts.select for r in cat.matching(t)}
    ignore = {r.code for t in opts.ignore for r in cat.matching(t)}
    return lambda code: (not opts.select or code in select) and code not in ignore


def _apply_options(df: pl.DataFrame, opts: Options) -> pl.DataFrame:
    cat = catalogue()

    def codes(tokens: list[str]) -> set[str]:
        return {r.code for t in tokens for r in cat.matching(t)}

    if opts.select:
        df = df.filter(pl.col("code").is_in(sorted(codes(opts.select))))
    if opts.ignore:
        df = df.filter(~pl.col("code").is_in(sorted(codes(opts.ignore))))
    for token, sev in opts.severity.items():
        df = df.with_columns(
            pl.when(pl.col("code").is_in(sorted(codes([token]))))
            .then(pl.lit(sev))
            .otherwise(pl.col("severity"))
            .alias("severity")
        )
    return sort_findings(df)


def export_rows(export: Export) -> dict[str, int]:
    """Rows per readable file: a grouped finding's share of its file."""
    return {name: t.rows for name, t in export.tables.items() if t.readable}


def load(path: str) -> Export:
    """Load an export (folder or zip); damage becomes findings, not exceptions."""
    with progress.stage("Loading export"):
        return load_export(path)


def load_for_plan(path: str) -> Export:
    """An export loaded for `plan`: only the columns the plan and its outputs read stay."""
    export = load(path)
    release_unread_columns(export)
    return export


def load_previous(opts: Options) -> Export | None:
    """The --previous export, loaded, or None."""
    if opts.previous is None:
        return None
    return load(opts.previous)


def _course_map(opts: Options) -> set[str] | None:
    if opts.course_map is None:
        return None
    from roster_lint.predict.coursemap import read_course_map

    return read_course_map(opts.course_map)


def plan_export(export: Export, opts: Options, previous: Export | None) -> Plan:
    """The plan for an export already loaded (share the frames with other stages)."""
    from roster_lint.predict.engine import build_plan

    with progress.stage("Predicting the sync"):
        return build_plan(export, opts, previous=previous, course_map=_course_map(opts))


def _validate_and_plan(export: Export, opts: Options, out: Findings) -> Plan:
    """`check`'s work after loading: per-file schemas, cross-file rules and the plan.

    None of the three reads another's results, and each keeps only ~1.5 of two cores busy
    on its own, so they run side by side (docs/performance.md).  Memory sets the order:
    first the checks of the columns the plan does not read (dates, timestamps... ~0.6 GB
    at 1M students: their schema checks and the cross-file tasks that read them,
    crossfile.FIRST), then those columns go; then the schema checks of the other columns,
    the other cross-file rules (in the calling thread) and the plan run at once; the
    columns only the cross-file rules read, and their caches, go when the rules end.
    Findings are merged in the order of a run one after the other (schema, then
    cross-file), and the plan reads only the export's frames, which nothing changes while
    it runs: the result is the same as one stage after the other.
    """
    from concurrent.futures import ThreadPoolExecutor

    from roster_lint.predict.engine import build_plan
    from roster_lint.validate import crossfile
    from roster_lint.validate.crossfile.columns import read_after_first

    course_map = _course_map(opts)  # a bad course map is a usage error before any work
    # pandera's backend validates whole tables: it checks everything before the drop.
    split = opts.schema_engine == "polars"
    cross_first, schema_rest, cross = out.sibling(), out.sibling(), out.sibling()
    with progress.stage("Validating"):
        first = unread_columns(export, read_after_first) if split else None
        schema.run(export, out, opts.schema_engine, first)
        crossfile.run(export, cross_first, "first")
    release_unread_columns(export, keep=read_after_first)
    # One spinner for all: rich shows one live display at a time.
    with progress.stage("Validating and predicting"), ThreadPoolExecutor(2) as pool:
        planned = pool.submit(build_plan, export, opts, previous=None, course_map=course_map)
        checked = pool.submit(schema.run, export, schema_rest) if split else None
        try:
            crossfile.run(export, cross, "rest")
        finally:
            _release_validation_caches(export)
            if checked is not None:  # it may still read the cross-file columns
                checked.result()
            release_unread_columns(export)
        for part in (schema_rest, cross_first, cross):
            out.extend(part)
        return planned.result()


def _release_validation_caches(export: Export) -> None:
    """Free what only the validation read (~0.4 GB at 1M students) before the plan peaks:
    the id hashes and the cross-file frames, all in `Export.derived` (the plan reads none)."""
    export.derived.clear()


def unread_columns(export: Export, keep: Keep | None = None) -> dict[str, list[str]]:
    """Per file, the columns no stage after validation reads (what release_unread_columns
    drops).  What stays: the columns the plan reads (predict.inputs.columns_read), those a
    profile finding shows (predict.findings.columns_shown), every personal column (--redact
    reads them to build its map) and what `keep(file, column)` asks for (for a stage still
    running beside: the cross-file rules)."""
    from roster_lint.model import LINE
    from roster_lint.predict.findings import columns_shown
    from roster_lint.predict.inputs import columns_read
    from roster_lint.predict.profile import load_profile
    from roster_lint.report.redact import personal

    read = columns_read(load_profile())
    shown = columns_shown()
    out: dict[str, list[str]] = {}
    for t in export.tables.values():
        if LINE not in t.df.columns:  # the row count would go with the last column
            continue
        kept = read.get(t.name, set()) | shown
        drop = [
            c
            for c in t.df.columns
            if c != LINE
            and c not in kept
            and not personal(t.name, c)
            and not (keep is not None and keep(t.name, c))
        ]
        if drop:
            out[t.name] = drop
    return out


def release_unread_columns(export: Export, keep: Keep | None = None) -> None:
    """Drop the columns no stage after validation reads (`unread_columns`), before the
    plan's peak: enrollment dates, dateLastModified... ~0.4 GB of string views at 7M
    enrollments.  Headers, row counts and lines are untouched, so reports and the plan are
    the same.  Not for `why` or `diff`, which read every column."""
    for name, drop in unread_columns(export, keep).items():
        t = export.tables[name]
        t.df = t.df.drop(drop)


def check(path: str, opts: Options | None = None) -> CheckResult:
    """Every OneRoster rule and the Summit K12 profile's findings over one export."""
    opts = opts or Options()
    opts.validate()
    export = load(path)
    out = Findings()
    out.extend(export.findings)
    if opts.previous is None:
        plan_ = _validate_and_plan(export, opts, out)
    else:  # the comparison reads every column: one stage after the other
        from roster_lint.diff.findings import diff_findings

        with progress.stage("Validating"):
            run_all(export, out, opts.schema_engine)
        _release_validation_caches(export)
        with rows_suspended():  # yesterday's load findings are not today's rows
            previous = load(opts.previous)
        diff_findings(previous, export, opts, out)
        release_unread_columns(export)
        plan_ = plan_export(export, opts, previous)
    from roster_lint.predict.findings import profile_findings

    profile_findings(plan_, export, opts, out)
    return CheckResult(
        export=export,
        findings=_apply_options(out.frame(export_rows(export)), opts),
        options=opts,
        plan=plan_,
    )


def plan(path: str, opts: Options | None = None) -> Plan:
    """The predicted sync: one action per school, user, course, class and enrollment."""
    opts = opts or Options()
    opts.validate()
    return plan_export(load_for_plan(path), opts, load_previous(opts))


def why(path: str, kind: str, ident: str, opts: Options | None = None) -> WhyResult:
    """One entity's action and the chain of checks that decided it."""
    from roster_lint.predict.why import explain_entity

    opts = opts or Options()
    opts.validate()
    export = load(path)
    return explain_entity(export, plan_export(export, opts, load_previous(opts)), kind, ident, opts)


def diff_exports(old: Export, new: Export, opts: Options) -> DiffResult:
    """`diff` on exports already loaded (the CLI keeps them for --redact)."""
    from roster_lint.diff import compare

    opts.previous = old.path
    return compare(old, new, plan_export(new, opts, old), opts)


def diff(old: str, new: str, opts: Options | None = None) -> DiffResult:
    """What changed between two exports and what the sync will and will not do about it."""
    opts = opts or Options()
    opts.validate()
    return diff_exports(load(old), load(new), opts)
