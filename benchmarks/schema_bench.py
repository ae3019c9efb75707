"""Time the schema stage on one large file: the read (the floor) and each runner.

    python benchmarks/schema_bench.py /tmp/big/enrollments.csv fast
    python benchmarks/schema_bench.py /tmp/big/enrollments.csv pandera
    python benchmarks/schema_bench.py /tmp/big/enrollments.csv read

or the whole stage on a loaded export, several times in one process (CPU from getrusage,
peak above the loaded export from VmHWM, reset through /proc/self/clear_refs):

    python benchmarks/schema_bench.py benchmarks/data/students-1000000-seed-1 stage 5

Make the data with `python -m benchmarks.synth --students 1000000 --out /tmp/big`.
One runner per process, so that each number includes only its own work; run each a few
times on a shared machine and compare ratios, not absolute seconds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

from roster_lint.model import LINE


def read(path: Path) -> pl.DataFrame:
    """Every column as text, with the line column, as the loader does."""
    df = pl.read_csv(path, infer_schema=False, empty_string_is_null=False)
    return df.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return 0.0


def stage(export_path: str, repeat: int) -> None:
    """`schema.run` on a loaded export, `repeat` times: wall, CPU, peak above the load."""
    import resource

    from roster_lint.findings import Findings
    from roster_lint.load import load_export
    from roster_lint.validate import schema

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    export = load_export(export_path)
    for _ in range(repeat):
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM)
        base = _status_mb("VmRSS")
        w, c = time.perf_counter(), cpu()
        out = Findings()
        schema.run(export, out)
        w, c = time.perf_counter() - w, cpu() - c
        peak = _status_mb("VmHWM") - base
        print(
            f"schema {w:.2f} s wall {c:.2f} s CPU peak +{peak:.0f} MB findings {out.frame().height}"
        )


def main(argv: list[str]) -> int:
    if len(argv) in (2, 3) and argv[1] == "stage":
        stage(argv[0], int(argv[2]) if len(argv) == 3 else 3)
        return 0
    if len(argv) != 2 or argv[1] not in ("read", "fast", "pandera", "auto"):
        print(
            "usage: bench FILE read|fast|pandera|auto  or  bench EXPORT stage [N]", file=sys.stderr
        )
        return 2
    path, runner = Path(argv[0]), argv[1]
    t0 = time.perf_counter()
    df = read(path)
    t_read = time.perf_counter() - t0
    line = f"{path.name} rows={df.height} read={t_read:.2f}s"
    if runner != "read":
        from roster_lint.validate.schema import runner as R
        from roster_lint.validate.schema.build import schema_for

        t1 = time.perf_counter()
        schema = schema_for(path.name, "1.1", "bulk")
        t_build = time.perf_counter() - t1
        fn = {"fast": R.run_fast, "pandera": R.run_pandera, "auto": R.run}[runner]
        t2 = time.perf_counter()
        hits = fn(schema, df)
        t_check = time.perf_counter() - t2
        t3 = time.perf_counter()
        n = sum(part.height for _, part in R.with_messages(schema, hits)) if hits.height else 0
        t_msg = time.perf_counter() - t3
        line += (
            f" build+import={t_build:.2f}s {runner}={t_check:.2f}s messages={t_msg:.2f}s hits={n}"
        )
    print(line, f"total={time.perf_counter() - t0:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
