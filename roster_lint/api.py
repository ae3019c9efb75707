"""The Python API: `check` and `plan` return objects and print nothing.

A thin layer over roster_lint.pipeline (which runs the stages); progress is whatever the
caller passes (`progress=`), nothing by default.

from roster_lint import api
result = api.check("export.zip")
result.findings            # polars frame, FINDING_SCHEMA
result.to_json()           # the contract's JSON document (a dict)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from roster_lint import pipeline, results
from roster_lint.model import Export
from roster_lint.options import FAIL_ON, Options
from roster_lint.pipeline import Progress, export_rows, kept_codes
from roster_lint.predict.model import Plan

if TYPE_CHECKING:
    from roster_lint.diff import DiffResult
    from roster_lint.predict.engine import Decided
    from roster_lint.predict.model import WhyResult

__all__ = [
    "FAIL_ON",
    "CheckResult",
    "Options",
    "Progress",
    "check",
    "diff",
    "export_rows",
    "kept_codes",
    "load",
    "plan",
    "why",
]


@dataclass
class CheckResult(results.CheckResult):
    """`results.CheckResult` (what every report renders) with its JSON document."""

    def to_json(self) -> dict[str, Any]:
        from roster_lint.report.json_report import check_document

        return check_document(self)


def outputs_read(file: str, column: str) -> bool:
    """The columns the outputs read besides the plan's: every personal one (--redact
    builds its map from them)."""
    from roster_lint.report.redact import personal

    return personal(file, column)


def load(path: str, progress: Progress | None = None, stage: str = pipeline.LOADING) -> Export:
    """Load an export (folder or zip); damage becomes findings, not exceptions."""
    return pipeline.load(path, progress, stage)


def load_for_plan(path: str, progress: Progress | None = None, *, redact: bool = True) -> Export:
    """An export loaded for `plan`: only the columns the plan and its outputs read stay.
    redact: the outputs will be redacted (--redact builds its map from every personal
    column); without it the personal columns the plan does not read are not kept (at 1M
    students users' userIds, middleName, agentSourcedIds, sms, phone: ~25k page faults and
    their lengths' work, docs/performance.md, "Branch planload11")."""
    return pipeline.load_for_plan(path, progress, outputs_read if redact else pipeline.nothing)


def load_previous(opts: Options, progress: Progress | None = None) -> Export | None:
    """The --previous export, loaded, or None."""
    if opts.previous is None:
        return None
    return load(opts.previous, progress, pipeline.LOADING_PREVIOUS)


def plan_export(
    export: Export,
    opts: Options,
    previous: Export | None,
    progress: Progress | None = None,
    *,
    actions_only: bool = False,
    previous_side: Decided | None = None,
) -> Plan:
    """The plan for an export already loaded (share the frames with other stages).
    actions_only: the actions' entity, id, action and reasons only, what `diff` reads;
    previous_side: `previous` decided beforehand (predict/engine.build_plan)."""
    return pipeline.run_plan(
        export, opts, previous, progress, actions_only=actions_only, previous_side=previous_side
    )


def check(
    path: str,
    opts: Options | None = None,
    *,
    progress: Progress | None = None,
    whole_export: bool = True,
) -> CheckResult:
    """Every OneRoster rule and the Summit K12 profile's findings over one export.

    `result.export` is the export as loaded, every column in it.  `whole_export=False`
    keeps in it only what the reports and --redact read, and frees the rest before the
    plan's peak (what the command line does; docs/performance.md).
    """
    opts = opts or Options()
    opts.validate()
    export = load(path, progress)
    done = pipeline.run_check(
        export,
        opts,
        outputs_read=outputs_read,
        progress=progress,
        owned=not whole_export,
    )
    kept = export if whole_export else done.export
    return CheckResult(
        export=kept, findings=done.findings, options=opts, plan=done.plan, previous=done.previous
    )


def plan(path: str, opts: Options | None = None) -> Plan:
    """The predicted sync: one action per school, user, course, class and enrollment."""
    opts = opts or Options()
    opts.validate()
    # The plan alone is returned: nothing redacts this export afterwards.
    return plan_export(load_for_plan(path, redact=False), opts, load_previous(opts))


def why(path: str, kind: str, ident: str, opts: Options | None = None) -> WhyResult:
    """One entity's action and the chain of checks that decided it."""
    from roster_lint.predict.why import explain_entity

    opts = opts or Options()
    opts.validate()
    export = load(path)
    return explain_entity(export, plan_export(export, opts, load_previous(opts)), kind, ident, opts)


def diff_exports(
    old: Export, new: Export, opts: Options, progress: Progress | None = None
) -> DiffResult:
    """`diff` on exports already loaded (the CLI keeps them for --redact)."""
    from roster_lint.diff import compare

    opts.previous = old.path
    plan = plan_export(new, opts, old, progress, actions_only=True)
    return compare(old, new, plan, opts)


def diff(old: str, new: str, opts: Options | None = None) -> DiffResult:
    """What changed between two exports and what the sync will and will not do about it."""
    opts = opts or Options()
    opts.validate()
    return diff_exports(load(old), load(new), opts)
