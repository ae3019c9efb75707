"""In-process profile of `plan`: load, then build_plan with each engine stage timed.

    .venv/bin/python benchmarks/profile_plan.py benchmarks/data/students-1000000-seed-1
    .venv/bin/python benchmarks/profile_plan.py EXPORT --json    # the JSON writer, not text
    .venv/bin/python benchmarks/profile_plan.py NEW --previous OLD  # as diff plans NEW
    .venv/bin/python benchmarks/profile_plan.py EXPORT --json --cli  # loaded as `plan` does
    .venv/bin/python benchmarks/profile_plan.py EXPORT --cli --output json:F --output csv:F
        # outputs.emit_plan: the text to /dev/null and every --output FORMAT:PATH given

Prints wall, CPU (user + system, and system alone) and peak RSS (ru_maxrss) after every
stage.  --cli loads with api.load_for_plan (the columns the plan does not read dropped,
as `roster-lint plan` does); without it the whole export is loaded, as before.  Stages
are timed by wrapping the engine's module functions, so the engine itself carries no
timing code.
"""

from __future__ import annotations

import functools
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console

from roster_lint import api
from roster_lint.predict import classes, engine, enrollments, history, schools, summary, users
from roster_lint.predict import inputs as inputs_mod
from roster_lint.report.plan_text import render_plan

ROWS: list[tuple[str, float, float, float, float, float]] = []


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def _now_gb() -> float:
    """Current RSS (what is held now, not the peak)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**30


def _sys() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrap(*args: Any, **kw: Any) -> Any:
        w, c, s = time.perf_counter(), time.process_time(), _sys()
        out = fn(*args, **kw)
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        ROWS.append((name, wall, cpu, _sys() - s, _rss_gb(), _now_gb()))
        return out

    return wrap


def patch() -> None:
    targets = [
        (engine, "read_inputs"),
        (schools, "decide_orgs"),
        (users, "decide_users"),
        (classes, "decide_courses"),
        (classes, "decide_classes"),
        (classes, "student_grades"),
        (enrollments, "decide_enrollments"),
        (enrollments, "with_users"),
        (enrollments, "enrollment_roots"),
        (enrollments, "enrollment_actions"),
        (users, "user_actions"),
        (classes, "class_actions"),
        (history, "users_vs_previous"),
        (history, "match_pairs"),
        (history, "enrollments_vs_previous"),
        (history, "retained_enrollments"),
        (engine, "_action_part"),
        (engine, "_parts"),
        (summary, "audience"),
        (summary, "root_causes"),
        (summary, "followups"),
        (summary, "notes"),
        (summary, "licences"),
    ]
    for mod, name in targets:
        setattr(mod, name, timed(name, getattr(mod, name)))
    _ = inputs_mod


def _stage(name: str, w: float, c: float, s: float, extra: str = "") -> None:
    print(
        f"{name}: {time.perf_counter() - w:.2f} s wall, {time.process_time() - c:.2f} s CPU "
        f"({_sys() - s:.2f} sys), peak {_rss_gb():.2f} GB{extra}",
        flush=True,
    )


def main() -> None:
    path = sys.argv[1]
    as_json = "--json" in sys.argv[2:]
    cli = "--cli" in sys.argv[2:]
    prev_path = sys.argv[sys.argv.index("--previous") + 1] if "--previous" in sys.argv else None
    patch()
    import roster_lint  # which code runs (PYTHONPATH comparisons of two versions)

    print(f"roster_lint from {roster_lint.__file__}", flush=True)
    w, c, s = time.perf_counter(), time.process_time(), _sys()
    export = api.load_for_plan(path) if cli else api.load(path)
    _stage("load", w, c, s)
    print(f"after load: {_now_gb():.2f} GB held")
    opts, previous = api.Options(), None
    if prev_path is not None:
        previous = api.load(prev_path)
        opts.previous = prev_path
    w, c, s = time.perf_counter(), time.process_time(), _sys()
    plan = api.plan_export(export, opts, previous)
    frame, _ = plan.keyed_actions()  # not plan.actions: that would make deferred reasons
    size = frame.estimated_size() / 2**30
    _stage("build_plan", w, c, s, f", {frame.height} actions, frame {size:.2f} GB")
    w, c, s = time.perf_counter(), time.process_time(), _sys()
    argv = sys.argv[2:]
    outputs = [argv[i + 1] for i, a in enumerate(argv) if a == "--output"]
    if outputs:
        from roster_lint.report.outputs import emit_plan

        with open("/dev/null", "w") as sink:
            console = Console(file=sink, width=120)
            emit_plan(
                plan,
                fmt="text",  # stdout is this profile's report: never the JSON
                outputs=outputs,
                redact=False,
                console=console,
                export=export,
                previous=previous,
                quiet=True,
            )
    elif as_json:
        from roster_lint.report.plan_json import write_plan_json

        with open("/dev/null", "wb") as raw:
            write_plan_json(plan, raw)
    else:
        with open("/dev/null", "w") as sink:
            render_plan(plan, Console(file=sink, width=120))
    _stage("emit_plan" if outputs else "write_plan_json" if as_json else "render_plan", w, c, s)
    for name, wall, cpu, sys_, rss, now in ROWS:
        print(
            f"  {name:26s} {wall:6.2f} s  {cpu:6.2f} s CPU ({sys_:5.2f} sys)  "
            f"peak {rss:5.2f} GB  now {now:5.2f} GB"
        )
    total = resource.getrusage(resource.RUSAGE_SELF)
    print(f"process: {total.ru_utime:.2f} user + {total.ru_stime:.2f} sys")


if __name__ == "__main__":
    main()
