"""In-process CPU seconds of the plan JSON writer: polars' encoder (as before the plain
path) against plan_json's plain path, in one process on one plan.

    .venv/bin/python benchmarks/profile_plan_writer.py benchmarks/data/shapes-1000000-seed-1/clean

Loads and plans the export once, then writes `plan --format json` to /dev/null twice each
way (plan_json._plain_lines patched to give None: every line by the encoder).
"""

from __future__ import annotations

import resource
import sys
import time

from roster_lint import api
from roster_lint.report import plan_json


def main() -> None:
    plan = api.plan_export(api.load(sys.argv[1]), api.Options(), None)
    print(sys.argv[1], plan.actions.height, "actions", flush=True)
    plain = plan_json._plain_lines
    for _ in range(2):
        for name, fn in (("encoder", lambda _a: None), ("plain path", plain)):
            plan_json._plain_lines = fn
            w, c = time.perf_counter(), time.process_time()
            with open("/dev/null", "wb") as out:
                plan_json.write_plan_json(plan, out)
            cpu, wall = time.process_time() - c, time.perf_counter() - w
            print(f"{name:10s} {cpu:.2f} s CPU  {wall:.2f} s wall", flush=True)
    plan_json._plain_lines = plain
    print(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GB")


if __name__ == "__main__":
    main()
