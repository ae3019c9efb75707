"""In-process profile of `diff OLD NEW`: each step of the CLI's diff timed, in order.

    .venv/bin/python benchmarks/profile_diff.py OLD NEW
    .venv/bin/python -m benchmarks.shapes --students 100000 --out /tmp/s --shape clean --pair
    .venv/bin/python benchmarks/profile_diff.py /tmp/s/clean /tmp/s/clean.new

Prints wall, CPU (and its user and system parts), minor page faults and peak RSS after
each step, then the process's own totals (load both: NEW shares the files
byte-identical in OLD, PROFILE_NO_SHARE=1 reads them again as before, PROFILE_NO_LIKE=1
reads a file that differs whole instead of like OLD's; row comparison per file, RL4xx
checks, the release of the columns the plan does not read, the plan of NEW against OLD
(OLD decided first as the previous side, OLD's frames released, then NEW's actions only,
as `diff` builds it; PROFILE_FULL_PLAN=1 builds the whole plan as before), the
plan attached per file, the sync groups, the text report).  Keep the steps in step with
roster_lint.cli.diff.  On this VM a third to a half of diff's CPU is the kernel's, most
of it zeroing pages touched anew (a page fault each): the faults column says which step
touches fresh memory (docs/performance.md, branch difffast6).
"""

from __future__ import annotations

import importlib
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from benchmarks.profile_check import ROWS, _cpu, _now_gb, _peak_gb
from benchmarks.profile_check import stage as _stage
from roster_lint.findings import Findings
from roster_lint.load.reader import Parsed, read_entry
from roster_lint.load.source import Entry

T = TypeVar("T")
# Per row of ROWS: (user s, system s, minor page faults) over the step.
KERNEL: list[tuple[float, float, int]] = []

FULL_PLAN = os.environ.get("PROFILE_FULL_PLAN") == "1"
NO_SHARE = os.environ.get("PROFILE_NO_SHARE") == "1"  # read files identical in both twice
# NEW's files that differ from OLD's read whole, not like OLD's (reader.read_like)
NO_LIKE = os.environ.get("PROFILE_NO_LIKE") == "1"


def _usage() -> tuple[float, float, int]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime, r.ru_stime, r.ru_minflt


def stage(name: str, fn: Callable[[], T]) -> T:
    """profile_check's stage, with the step's user and system time and page faults."""
    before = _usage()
    result = _stage(name, fn)
    after = _usage()
    KERNEL.append((after[0] - before[0], after[1] - before[1], after[2] - before[2]))
    return result


def _whole(entry: Entry, out: Findings, like: Parsed) -> Parsed:
    """PROFILE_NO_LIKE's reader of NEW's files that differ: read_entry's whole read."""
    return read_entry(entry, out)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python benchmarks/profile_diff.py OLD NEW", file=sys.stderr)
        return 2
    t0, c0, u0 = time.perf_counter(), _cpu(), _usage()
    from roster_lint import api, pipeline

    compare_mod = importlib.import_module("roster_lint.diff.compare")  # the package hides it
    from roster_lint.diff.findings import diff_findings
    from roster_lint.diff.model import DiffResult
    from roster_lint.diff.previous import decided_previous
    from roster_lint.diff.rows import compare_tables
    from roster_lint.diff.settings import settings_from
    from roster_lint.diff.sync import sync_groups
    from roster_lint.findings import Findings
    from roster_lint.report.diff_text import render_diff
    from roster_lint.report.outputs import plain_text

    ROWS.append(("imports", time.perf_counter() - t0, _cpu() - c0, _peak_gb(), _now_gb()))
    u1 = _usage()
    KERNEL.append((u1[0] - u0[0], u1[1] - u0[1], u1[2] - u0[2]))
    opts = api.Options()
    if NO_SHARE:  # as before branch diffreuse: each export reads every file
        old = stage("load old", lambda: api.load(argv[0]))
        new = stage("load new", lambda: api.load(argv[1]))
        shared: set[str] = set()
    else:
        from roster_lint.diff import reuse
        from roster_lint.diff.reuse import SharedReads

        if NO_LIKE:  # as before branch difffast7
            reuse.read_like = _whole

        reads = SharedReads(argv[0])
        old = stage("load old", lambda: pipeline.load(argv[0], read=reads.old))
        new = stage("load new (shares)", lambda: pipeline.load(argv[1], read=reads.new))
        reads.done()
        shared = reads.shared
        print("shared with OLD:", sorted(shared), flush=True)
    files = []
    for name in compare_mod._file_order(set(old.tables) | set(new.tables)):
        fd = stage(
            f"rows {name}",
            lambda n=name: compare_tables(
                n, old.tables.get(n), new.tables.get(n), same=n in shared
            ),
        )
        files.append(fd)
    warnings = Findings()
    measured = compare_mod.measured_overlaps(old, new, files, shared)
    paired = {f.file: f.paired for f in files if f.paired is not None}
    stage("RL4xx checks", lambda: diff_findings(old, new, opts, warnings, measured, paired))
    for f in files:
        f.paired = None  # as compare_rows: the pairs' positions are freed once read
    # ... but the users' and enrollments' go to the plan's previous side (compared.pairs)
    paired = {k: v for k, v in paired.items() if k in ("users.csv", "enrollments.csv")}

    def release() -> None:
        # As `roster-lint diff` without --redact (with it, api.outputs_read stays too).
        reads = pipeline.plan_reads()
        for export in (old, new):
            pipeline.release_unread_columns(export, reads)

    stage("release unread columns", release)
    opts.previous = old.path
    if FULL_PLAN:  # as before branch diffold: the whole plan, OLD decided inside it
        plan = stage("plan (new, previous old)", lambda: api.plan_export(new, opts, old))
    else:
        known = paired
        side = stage("decide old (previous side)", lambda: decided_previous(old, opts, new, known))
        del known
        # As the CLI without --redact: OLD keeps no column once its side is decided.
        stage("release old", lambda: pipeline.release_unread_columns(old))
        plan = stage(
            "plan (new, previous side)",
            lambda: api.plan_export(new, opts, old, actions_only=True, previous_side=side),
        )
        del side
    for fd in files:
        stage(f"attach plan {fd.file}", lambda fd=fd: compare_mod._attach_plan(fd, plan))
    groups = stage("sync groups", lambda: sync_groups(plan))
    result = DiffResult(
        old_path=old.path,
        new_path=new.path,
        old_version=old.version,
        new_version=new.version,
        files=files,
        manifest_changes=compare_mod._manifest_changes(old, new),
        warnings=warnings.frame(),
        sync=groups,
        plan_totals=plan.totals(),
        settings=settings_from(opts.profile),
    )
    stage("text report", lambda: plain_text(lambda c: render_diff(result, c)))
    head = ["wall s", "CPU s", "user s", "sys s", "Mfaults", "peak GB", "now GB"]
    print(f"{'step':34} " + " ".join(f"{h:>8}" for h in head))
    for (name, wall, cpu, peak, now), (user, system, faults) in zip(ROWS, KERNEL, strict=True):
        values = (wall, cpu, user, system, faults / 1e6, peak, now)
        print(f"{name:34} " + " ".join(f"{v:8.2f}" for v in values))
    total = sum(r[1] for r in ROWS)
    print(f"{'total':34} {total:8.2f} {sum(r[2] for r in ROWS):8.2f}")
    user, system, faults = _usage()
    print(f"process: user {user:.2f} s, system {system:.2f} s, {faults / 1e6:.2f}M minor faults")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
