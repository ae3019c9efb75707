"""In-process profile of loading an export: the floor, the loader, and the loader's pieces.

    .venv/bin/python benchmarks/profile_load.py EXPORT                 # floor, then load
    .venv/bin/python benchmarks/profile_load.py EXPORT --pieces        # + one file's pieces
    .venv/bin/python benchmarks/profile_load.py OLD --second NEW       # as diff loads two
    .venv/bin/python benchmarks/profile_load.py EXPORT --repeat 3      # alternate floor/load
    .venv/bin/python benchmarks/profile_load.py OLD --second NEW --no-floor  # fresh process
    .venv/bin/python benchmarks/profile_load.py EXPORT --ab 6 /tmp/old,/work/wt-x   # A/B

Each step prints wall, CPU (user + system, and system alone), minor page faults and the
kernel's reclaim and compaction counters from /proc/vmstat over the step (direct reclaim
and compaction stalls are what make a fault expensive when memory is tight), then the
current and peak RSS.  The floor is run_shapes' floor: polars reading every CSV of the
export as text, each frame dropped at once.  --pieces times, on the export's largest file,
what `reader._fast` does apart: the byte count alone, the polars read alone, the size
proof's lengths and the final select.  --ab ROUNDS PATHS: in ROUNDS rounds, a fresh
process each for the floor and for load_export with each PYTHONPATH of PATHS (comma
separated, run from /tmp so that the checkout does not come first on sys.path), then the
median CPU (user + system) and wall of each: the loader's cost as the CLI pays it.
"""

from __future__ import annotations

import gc
import glob
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from roster_lint.findings import Findings
from roster_lint.load import load_export, reader
from roster_lint.load.source import Entry

# benchmarks/run.py's FLOOR (run_shapes' floor), in a process that imports nothing else,
# and prints its rusage as _child does.
FLOOR = (
    "import glob, sys, resource, polars as pl\n"
    "for p in sorted(glob.glob(sys.argv[1] + '/*.csv')):\n"
    "    pl.read_csv(p, infer_schema=False)\n"
    "r = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print(r.ru_utime, r.ru_stime, r.ru_maxrss, 'floor')\n"
)
VMSTAT = ("pgscan_direct", "allocstall_normal", "allocstall_movable", "compact_stall", "pgfault")


def _vmstat() -> dict[str, int]:
    out: dict[str, int] = {}
    with open("/proc/vmstat") as f:
        for line in f:
            k, v = line.split()
            if k in VMSTAT:
                out[k] = int(v)
    return out


def _now_gb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**30


@contextmanager
def step(name: str) -> Iterator[None]:
    r0, v0, w0 = resource.getrusage(resource.RUSAGE_SELF), _vmstat(), time.perf_counter()
    yield
    r1, v1, w1 = resource.getrusage(resource.RUSAGE_SELF), _vmstat(), time.perf_counter()
    user, sys_ = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
    vm = " ".join(f"{k}={v1.get(k, 0) - v0.get(k, 0)}" for k in VMSTAT if k != "pgfault")
    print(
        f"{name:28s} {w1 - w0:6.2f} s wall {user + sys_:6.2f} s CPU ({sys_:5.2f} sys) "
        f"minflt {r1.ru_minflt - r0.ru_minflt:>8,} majflt {r1.ru_majflt - r0.ru_majflt:>5,} "
        f"{vm}  now {_now_gb():.2f} GB peak {r1.ru_maxrss / 2**20:.2f} GB",
        flush=True,
    )


def floor(path: str) -> None:
    for p in sorted(glob.glob(path + "/*.csv")):
        pl.read_csv(p, infer_schema=False)


def pieces(path: str) -> None:
    """The fast path's pieces on the largest file, each apart."""
    big = max(Path(path).glob("*.csv"), key=lambda p: p.stat().st_size)
    entry = Entry(name=big.name, path=big.name, size=big.stat().st_size, fs_path=big)
    head = entry.head()
    width = reader._header_width(head)
    print(f"-- pieces of {big.name} ({entry.size / 1e9:.2f} GB)")
    with step("count_bytes"):
        reader._count_bytes(entry)
    with step("read_text (numbered)"):
        df = reader._read_text(big, width, ragged=False, numbered=True)
    cols = [f"c{i}" for i in range(width)]
    with step("stats (len sums, maxima)"):
        lens = [pl.col(c).str.len_bytes() for c in cols]
        df.lazy().select(
            [x.sum().alias(f"s{i}") for i, x in enumerate(lens)]
            + [x.max().alias(f"m{i}") for i, x in enumerate(lens)]
        ).collect()
    with step("slice + select + LINE i64"):
        data = df.slice(1).select(*cols, pl.col(reader.LINE).cast(pl.Int64))
    del df, data
    gc.collect()
    with step("read_entry (whole)"):
        parsed = reader.read_entry(entry, Findings())
    del parsed
    gc.collect()


def _child(path: str) -> None:
    """One fresh process's load_export for --ab; prints its rusage."""
    load_export(path)
    r = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{r.ru_utime} {r.ru_stime} {r.ru_maxrss} {reader.__file__}")


def ab(path: str, rounds: int, sides: list[str]) -> None:
    runs = [("floor", "-")] + [("load", side) for side in sides]
    got: dict[tuple[str, str], list[tuple[float, float, float, int]]] = {r: [] for r in runs}
    for n in range(rounds):
        for kind, side in runs:
            env = {**os.environ, "PYTHONPATH": side}
            w = time.perf_counter()
            cmd = [sys.executable, os.path.abspath(__file__), "--child", kind, path]
            if kind == "floor":
                cmd = [sys.executable, "-c", FLOOR, path]
            out = subprocess.run(
                cmd,
                env=env,
                cwd="/tmp",
                capture_output=True,
                text=True,
                check=True,
            )
            wall = time.perf_counter() - w
            user, sys_, rss, where = out.stdout.split()
            got[(kind, side)].append((float(user), float(sys_), wall, int(rss)))
            print(
                f"{n} {kind:5s} {where}: {float(user) + float(sys_):.2f} s CPU "
                f"({float(sys_):.2f} sys) {wall:.2f} s wall",
                flush=True,
            )
    for (kind, side), xs in got.items():
        cpu = [u + s for u, s, _, _ in xs]
        print(
            f"{kind:5s} {side}: median CPU {statistics.median(cpu):.2f} s "
            f"(sys {statistics.median(s for _, s, _, _ in xs):.2f}), median wall "
            f"{statistics.median(w for _, _, w, _ in xs):.2f} s, peak "
            f"{max(r for *_, r in xs) / 2**20:.2f} GB; all {' '.join(f'{c:.2f}' for c in cpu)}"
        )


def main() -> None:
    args = sys.argv[1:]
    if args[0] == "--child":
        _child(args[2])
        return
    path = args[0]
    if "--ab" in args:
        at = args.index("--ab")
        ab(path, int(args[at + 1]), args[at + 2].split(","))
        return
    second = args[args.index("--second") + 1] if "--second" in args else None
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 1
    print(f"roster_lint from {reader.__file__}; pid {os.getpid()}; load {os.getloadavg()}")
    run: list[tuple[str, Callable[[], Any]]] = [("floor", lambda: floor(path))]
    if "--no-floor" in args:  # the loads in a fresh process, as the CLI runs them
        run = []
    for _ in range(repeat):
        for name, fn in run:
            with step(name):
                fn()
            gc.collect()
        with step("load_export"):
            export = load_export(path)
        if second is not None:
            with step("load_export (second, first held)"):
                other = load_export(second)
            del other
        del export
        gc.collect()
    if "--pieces" in args:
        pieces(path)
    total = resource.getrusage(resource.RUSAGE_SELF)
    print(f"process: {total.ru_utime:.2f} user + {total.ru_stime:.2f} sys")


if __name__ == "__main__":
    main()
