"""compare(old, new, plan, opts): per-file row changes, RL4xx warnings, the sync's response."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.diff.findings import diff_findings
from roster_lint.diff.model import DiffResult, FileDiff, PairedRows
from roster_lint.diff.rows import compare_tables, shared_overlap
from roster_lint.diff.settings import settings_from
from roster_lint.diff.sync import sync_groups
from roster_lint.findings import Findings
from roster_lint.model import Export
from roster_lint.predict.model import ACTION_SCHEMA, Plan
from roster_lint.spec import oneroster

if TYPE_CHECKING:
    from collections.abc import Collection

    from roster_lint.options import Options

SYNC_SCHEMA = {"action": ACTION_SCHEMA["action"], "reasons": ACTION_SCHEMA["reasons"]}
# The plan's entity for each file whose records the sync acts on (orgs: the schools).
PLAN_ENTITY = {
    "users.csv": "user",
    "orgs.csv": "school",
    "courses.csv": "course",
    "classes.csv": "class",
    "enrollments.csv": "enrollment",
}


def _file_order(names: set[str]) -> list[str]:
    """Spec order (orgs, sessions, courses, classes, users, enrollments...), then the rest."""
    spec = [n for n in oneroster().files if n in names]
    return spec + sorted(names - set(spec))


def _with_sync(frame: pl.DataFrame, mine: pl.DataFrame) -> pl.DataFrame:
    """Attach the plan's action and reasons to each record, by sourcedId (left join)."""
    if "sourcedId" not in frame.columns:
        return frame.with_columns(
            pl.lit(None, pl.String).alias("action"),
            pl.lit(None, pl.List(pl.String)).alias("reasons"),
        )
    return frame.join(mine, on="sourcedId", how="left", maintain_order="left")


def _attach_plan(fd: FileDiff, plan: Plan) -> None:
    entity = PLAN_ENTITY.get(fd.file)
    frames = [f for f in (fd.added, fd.removed, fd.changed) if "sourcedId" in f.columns]
    mine = pl.DataFrame(schema={"sourcedId": pl.String, **SYNC_SCHEMA})
    wanted = pl.concat(
        [f.select(pl.col("sourcedId").alias("id")) for f in frames] or [pl.DataFrame()]
    )
    if entity is not None and wanted.height and plan.actions.height:
        # Only the actions of the changed records: the plan may hold millions (and a
        # file with no changed record reads none of them).
        mine = (
            plan.actions.filter(pl.col("entity") == entity)
            .join(wanted.unique(), on="id", how="semi")
            .select(pl.col("id").alias("sourcedId"), "action", "reasons")
            # one action per id: a repeated id in the plan must not multiply records
            .unique(subset="sourcedId", keep="first", maintain_order=True)
        )
    fd.added = _with_sync(fd.added, mine)
    fd.removed = _with_sync(fd.removed, mine)
    fd.changed = _with_sync(fd.changed, mine)


def _manifest_changes(old: Export, new: Export) -> list[tuple[str, str | None, str | None]]:
    props = sorted(set(old.manifest) | set(new.manifest))
    return [
        (p, old.manifest.get(p), new.manifest.get(p))
        for p in props
        if old.manifest.get(p) != new.manifest.get(p)
    ]


def measured_overlaps(
    old: Export, new: Export, files: list[FileDiff], shared: Collection[str] = ()
) -> dict[str, float]:
    """The sourcedId overlap per file the comparison knows, for the RL4xx checks
    (findings.changed_id_schemes): as the choice of key measured it, or of a file NEW
    took from OLD (rows.shared_overlap: not probed)."""
    measured = {f.file: f.id_overlap for f in files if f.id_overlap is not None}
    for name in shared:
        if name not in measured:
            share = shared_overlap(old.tables.get(name), new.tables.get(name), True)
            if share is not None:
                measured[name] = share
    return measured


@dataclass
class Compared:
    """What a diff finds without the plan: the per-file row changes and the RL4xx warnings.
    Everything that reads the exports' values whole, so the columns only it reads can be
    released before the plan is made (`roster-lint diff` does: cli/diff.py)."""

    files: list[FileDiff]
    warnings: pl.DataFrame
    manifest_changes: list[tuple[str, str | None, str | None]]
    # The users' and enrollments' pairs, for the plan's previous side (diff/previous.py);
    # the caller drops them once read (at 7M enrollments they are 56 MB).
    pairs: dict[str, PairedRows] = field(default_factory=dict)


def compare_rows(old: Export, new: Export, opts: Options, shared: Collection[str] = ()) -> Compared:
    """The row changes per file and the RL4xx warnings (no plan).  shared: the files
    NEW took from OLD, byte-identical (diff/reuse.py)."""
    files = [
        compare_tables(name, old.tables.get(name), new.tables.get(name), same=name in shared)
        for name in _file_order(set(old.tables) | set(new.tables))
    ]
    warnings = Findings()
    measured = measured_overlaps(old, new, files, shared)
    paired = {f.file: f.paired for f in files if f.paired is not None}
    diff_findings(old, new, opts, warnings, measured, paired)
    for f in files:
        f.paired = None  # read: free the pairs' positions
    kept = {f: p for f, p in paired.items() if f in ("users.csv", "enrollments.csv")}
    del paired
    return Compared(files, warnings.frame(), _manifest_changes(old, new), kept)


def with_plan(
    old: Export, new: Export, compared: Compared, plan: Plan, opts: Options
) -> DiffResult:
    """The diff of `compared` with what the sync (as `plan` predicts) does about it."""
    for fd in compared.files:
        _attach_plan(fd, plan)
    totals = plan.totals()
    return DiffResult(
        old_path=old.path,
        new_path=new.path,
        old_version=old.version,
        new_version=new.version,
        files=compared.files,
        manifest_changes=compared.manifest_changes,
        warnings=compared.warnings,
        sync=sync_groups(plan, totals),
        plan_totals=totals,
        settings=settings_from(opts.profile),
    )


def compare(old: Export, new: Export, plan: Plan, opts: Options) -> DiffResult:
    """What changed from `old` to `new`, and what the sync (as `plan` predicts) does about it."""
    settings_from(opts.profile)  # a bad threshold is a usage error before any work
    return with_plan(old, new, compare_rows(old, new, opts), plan, opts)


def empty_plan(opts: Options) -> Plan:
    """A plan with no actions, for when no plan engine is installed."""
    return Plan(
        profile="summit-k12",
        mode=opts.mode,
        actions=pl.DataFrame(schema=ACTION_SCHEMA),
        audience=pl.DataFrame(),
    )


def compare_without_plan(old: Export, new: Export, opts: Options) -> DiffResult:
    """The row changes and warnings alone, for when no plan engine is installed."""
    result = compare(old, new, empty_plan(opts), opts)
    result.plan_available = False
    return result
