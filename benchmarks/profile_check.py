"""In-process profile of `check`: each stage of api.check timed, in the same order.

    .venv/bin/python benchmarks/profile_check.py benchmarks/data/students-1000000-seed-1
    .venv/bin/python benchmarks/profile_check.py --apart EXPORT   # one stage after the other
    .venv/bin/python benchmarks/profile_check.py --findings EXPORT   # profile findings' parts

Prints wall, CPU, peak RSS (ru_maxrss) and current RSS after every stage.  Whole processes
are measured by benchmarks/run.py; this says which stage of one to blame.  Keep the stage
order in step with roster_lint.api.check.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
ROWS: list[tuple[str, float, float, float, float]] = []


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _now_gb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**30


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def stage(name: str, fn: Callable[[], T]) -> T:
    t, c = time.perf_counter(), _cpu()
    result = fn()
    ROWS.append((name, time.perf_counter() - t, _cpu() - c, _peak_gb(), _now_gb()))
    return result


def main(argv: list[str]) -> int:
    apart = "--apart" in argv
    split_findings = "--findings" in argv
    argv = [a for a in argv if a not in ("--apart", "--findings")]
    if len(argv) != 1:
        usage = "usage: python benchmarks/profile_check.py [--apart] [--findings] EXPORT"
        print(usage, file=sys.stderr)
        return 2
    t0, c0 = time.perf_counter(), _cpu()
    from roster_lint import api, pipeline
    from roster_lint.findings import Findings
    from roster_lint.predict.findings import profile_findings
    from roster_lint.validate import crossfile, schema

    ROWS.append(("imports", time.perf_counter() - t0, _cpu() - c0, _peak_gb(), _now_gb()))
    opts = api.Options()
    export = stage("load", lambda: api.load(argv[0]))
    out = Findings()
    out.extend(export.findings)
    if apart:  # each stage alone, to see which one to blame
        stage("schema", lambda: schema.run(export, out))
        stage("crossfile", lambda: crossfile.run(export, out))

        def release() -> None:
            pipeline.release_validation_caches(export)
            pipeline.release_unread_columns(export, pipeline.plan_reads(), api.outputs_read)

        stage("release", release)
        plan = stage("plan", lambda: api.plan_export(export, opts, None))
    else:  # as pipeline.run_check runs them
        plan = stage(
            "schema+crossfile+plan",
            lambda: pipeline._validate_and_plan(export, opts, out, api.outputs_read, None),
        )
    if split_findings:  # profile_findings' parts, in its order (predict/findings.py)
        from roster_lint.predict import findings as pf
        from roster_lint.predict.profile import load_profile

        inp = stage("  inputs", lambda: pf._inputs(export, plan.mode, load_profile()))
        stage("  root findings", lambda: pf._root_findings(plan, export, inp, out))
        rules = {*pf.row_rules(load_profile()), *pf.SUMMARY_RULES}
        # As profile_findings does: the keys, never the deferred reasons lists.
        actions, keys = plan.keyed_actions()
        tagged = stage("  tagged", lambda: pf._Tagged(actions, rules, keys))
        stage("  row findings", lambda: pf._row_findings(plan, export, inp, out, tagged))
        stage("  counted findings", lambda: pf._counted_findings(plan, export, out, tagged))
    else:
        stage("profile findings", lambda: profile_findings(plan, export, opts, out))
    stage("findings frame", lambda: pipeline.apply_options(out.frame(), opts))
    print(f"{'stage':22s} {'wall s':>7s} {'cpu s':>7s} {'peak GB':>8s} {'now GB':>7s}")
    for name, wall, cpu, peak, now in ROWS:
        print(f"{name:22s} {wall:7.2f} {cpu:7.2f} {peak:8.2f} {now:7.2f}")
    print(f"{'total':22s} {time.perf_counter() - t0:7.2f} {_cpu() - c0:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
