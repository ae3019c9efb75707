"""Where `check` spends time and memory before the plan: one process, stage by stage.

    .venv/bin/python benchmarks/profile_validate.py benchmarks/data/students-1000000-seed-1
    .venv/bin/python benchmarks/profile_validate.py --each EXPORT   # one task at a time
    .venv/bin/python benchmarks/profile_validate.py --only _enrollments --repeat 3 EXPORT

--only NAME runs only the cross-file tasks whose name (module.function) holds NAME
(implies --each; the schema stage is skipped), --repeat N runs each N times: the first
run builds the shared id hashes (Export.id_hash), the later ones show the task's own cost.

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


def _option(args: list[str], name: str) -> str | None:
    if name not in args:
        return None
    i = args.index(name)
    value = args[i + 1] if i + 1 < len(args) else None
    del args[i : i + 2]
    return value


def main(argv: list[str]) -> int:
    args = list(argv)
    only = _option(args, "--only")
    repeat = int(_option(args, "--repeat") or 1)
    each = "--each" in args or only is not None
    args = [a for a in args if a != "--each"]
    if len(args) != 1:
        print(
            "usage: python benchmarks/profile_validate.py [--each] [--only NAME] [--repeat N]"
            " EXPORT",
            file=sys.stderr,
        )
        return 2
    rows: list[Row] = []
    with _stage("imports", rows):  # what check imports for these stages (not pandera)
        from roster_lint.load import load_export
        from roster_lint.validate import crossfile, schema

    with _stage("load", rows):
        export = load_export(args[0])
    out = Findings()
    if only is None:
        with _stage("schema (all files)", rows):
            schema.run(export, out)
    # Every task crossfile.run runs (RL223's dates task included), one after the other.
    steps: list[tuple[str, Callable[[], None]]] = [
        (
            f"crossfile.{t.__module__.rsplit('.', 1)[1]}.{t.__name__}",
            lambda t=t: t(export, out),  # type: ignore[misc]
        )
        for t in crossfile.tasks()
        if only is None or only in f"{t.__module__}.{t.__name__}"
        for _ in range(repeat)
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
