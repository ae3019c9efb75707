"""Where `check` spends time and memory before the plan: one process, stage by stage.

    .venv/bin/python benchmarks/profile_validate.py benchmarks/data/students-1000000-seed-1
    .venv/bin/python benchmarks/profile_validate.py --each EXPORT   # one task at a time

Prints, per stage (load, the schemas, the cross-file rules as `check` runs them: in
threads; with --each, one cross-file task after the other instead), the wall and CPU
seconds, the process's peak RSS after it (`ru_maxrss`, so it only ever grows: a stage
that raises it is the one that set the peak) and its current RSS (`/proc/self/statm`:
what the stage left behind, e.g. cached hashes).  Whole processes are measured by
benchmarks/run.py; this says which part of one to blame.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from roster_lint.findings import Findings

Row = tuple[str, float, float, float, float]  # stage, wall s, cpu s, peak MB, current MB


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    # Current RSS; Linux only, 0 elsewhere (the peak column still works).
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return 0.0


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@contextmanager
def _stage(name: str, rows: list[Row]) -> Iterator[None]:
    t0, c0 = time.perf_counter(), _cpu()
    yield
    rows.append((name, time.perf_counter() - t0, _cpu() - c0, _peak_mb(), _rss_mb()))


def main(argv: list[str]) -> int:
    each = "--each" in argv
    args = [a for a in argv if a != "--each"]
    if len(args) != 1:
        print("usage: python benchmarks/profile_validate.py [--each] EXPORT", file=sys.stderr)
        return 2
    rows: list[Row] = []
    with _stage("imports", rows):  # what check imports for these stages (not pandera)
        from roster_lint.load import load_export
        from roster_lint.validate import crossfile, schema

    with _stage("load", rows):
        export = load_export(args[0])
    out = Findings()
    with _stage("schema (all files)", rows):
        schema.run(export, out)
    # Every task crossfile.run runs (RL223's dates task included), one after the other.
    steps: list[tuple[str, Callable[[], None]]] = [
        (
            f"crossfile.{t.__module__.rsplit('.', 1)[1]}.{t.__name__}",
            lambda t=t: t(export, out),  # type: ignore[misc]
        )
        for t in crossfile.tasks()
    ]
    if not each:
        steps = [("crossfile.run (threads)", lambda: crossfile.run(export, out))]
    for name, fn in steps:
        with _stage(name, rows):
            fn()
    with _stage("findings frame", rows):
        n = out.frame().height
    print(f"{'stage':<40}{'wall s':>8}{'cpu s':>8}{'peak MB':>10}{'now MB':>10}")
    for name, wall, cpu, peak, now in rows:
        print(f"{name:<40}{wall:>8.2f}{cpu:>8.2f}{peak:>10.0f}{now:>10.0f}")
    xf = [r for r in rows if r[0].startswith("crossfile.")]
    print(f"{'crossfile (all)':<40}{sum(r[1] for r in xf):>8.2f}{sum(r[2] for r in xf):>8.2f}")
    total = sum(r[1] for r in rows[1:])
    print(f"{'total (after import)':<40}{total:>8.2f}{sum(r[2] for r in rows[1:]):>8.2f}")
    print(f"findings: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
