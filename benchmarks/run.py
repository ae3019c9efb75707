"""Time roster-lint against the floor and a peer, as whole processes, on a synthetic district.

    .venv/bin/python benchmarks/run.py --students 100000 --repeat 3
    .venv/bin/python benchmarks/run.py --students 1000000 --repeat 3 --peer-rows 200000

Stages (each a separate process, Python start-up included):
  floor  polars reads every CSV of the export, every column as text
  check  roster-lint check EXPORT            (output to /dev/null)
  plan   roster-lint plan EXPORT             (text output to /dev/null)
  peer   frictionless validate with an equivalent Table Schema, users.csv + enrollments.csv
         (with --peer-rows K: on the first K rows of each file, time scaled linearly)
floor, check and plan run in rounds (floor, check, plan; then again), --repeat rounds, so
that a drifting machine weighs on all three alike.
Reports the median wall time of --repeat runs, the peak RSS of each child (os.wait4), and
check/floor and plan/floor; prints a Markdown table and writes it to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import stat
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
BIN = Path(PY).parent
FLOOR = (
    "import glob, sys, polars as pl\n"
    "for p in sorted(glob.glob(sys.argv[1] + '/*.csv')):\n"
    "    pl.read_csv(p, infer_schema=False)\n"
)
PEER_FILES = ("users.csv", "enrollments.csv")


@dataclass
class Timing:
    stage: str
    wall: list[float]
    rss_kb: list[int]
    cpu: list[float]  # user + system seconds: steadier than wall time on a shared machine
    codes: list[int]
    scale: float = 1.0  # peer on a prefix: the factor its time is multiplied by
    # system seconds alone (part of `cpu`): page faults and reclaim, the part of a run
    # that moves most with the machine's memory state
    sys: list[float] = field(default_factory=list)
    # run_shapes --paired: this run's CPU over the CPU of a floor run just before it, one
    # per repeat (the floor's cost moves with the page cache: docs/performance.md)
    paired: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall) * self.scale

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) * self.scale

    @property
    def sys_median(self) -> float:
        return statistics.median(self.sys) * self.scale if self.sys else 0.0

    @property
    def cpu_range(self) -> tuple[float, float]:
        return min(self.cpu) * self.scale, max(self.cpu) * self.scale

    @property
    def peak_mb(self) -> float:
        # ru_maxrss is in KiB on Linux, so this is MiB (2**20 bytes): the tables say MiB,
        # because issue 10's "< 4 GB" reads differently in decimal units (4.0e9 = 3,815 MiB).
        return max(self.rss_kb) / 1024


def _limit(gb: float | None) -> Callable[[], None] | None:
    """A child-side address-space cap, so a run that would exhaust a shared machine fails."""
    if gb is None:
        return None

    def cap() -> None:
        limit = int(gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap


DEVNULL = Path(os.devnull)


def check_discard(path: Path = DEVNULL) -> None:
    """Stop unless `path` (/dev/null) is the device that discards what is written to it.

    As a regular file (on this project's VM it once was: `--output json:/dev/null` run as
    root renamed a report over it, fixed in report/files.py), every discarded report would
    fill memory pages, and the system time of every run would be that write's."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise SystemExit(f"{path}: {exc.strerror}: the benchmark discards output there") from None
    if not stat.S_ISCHR(mode):
        raise SystemExit(
            f"{path} is not a character device: what the benchmark discards would fill "
            "memory (restore it: mknod -m 666 /dev/null.new c 1 3 && mv /dev/null.new /dev/null)"
        )


def run_once(
    cmd: list[str], mem_gb: float | None = None, stdout: Path | None = None
) -> tuple[float, int, float, int, float]:
    """Wall seconds, peak RSS (KB), CPU seconds, exit code and system seconds of one
    child process (its standard output to `stdout`, or discarded)."""
    if stdout is None:
        check_discard()
    out = stdout.open("wb") if stdout is not None else None
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=out if out is not None else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        preexec_fn=_limit(mem_gb),  # the parent runs no threads
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if out is not None:
        out.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1 = findings at the fail-on level: a normal result
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        print(f"  ! {' '.join(cmd[:3])}... exit {proc.returncode}: {tail[0]}", file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss, cpu, proc.returncode, usage.ru_stime


def timed(
    stage: str, cmd: list[str], repeat: int, scale: float = 1.0, mem_gb: float | None = None
) -> Timing:
    t = Timing(stage, [], [], [], [], scale)
    for _ in range(repeat):
        record(t, cmd, mem_gb)
    report(t)
    return t


def record(
    t: Timing, cmd: list[str], mem_gb: float | None = None, stdout: Path | None = None
) -> None:
    wall, rss, cpu, code, sys_s = run_once(cmd, mem_gb, stdout)
    t.sys.append(sys_s)
    t.wall.append(wall)
    t.rss_kb.append(rss)
    t.cpu.append(cpu)
    t.codes.append(code)


def report(t: Timing) -> None:
    print(
        f"  {t.stage:6} {t.median:8.2f} s  cpu {t.cpu_median:8.2f} s  {t.peak_mb:8.0f} MiB"
        f"  exit {t.codes}",
        file=sys.stderr,
    )


def rounds(stages: dict[str, list[str]], repeat: int, mem_gb: float | None) -> list[Timing]:
    """Each round runs every stage once, in order: a machine whose speed drifts (a shared
    host, thermal limits) then slows the floor and the tools alike, instead of whichever
    stage happened to run during the slow minute."""
    timings = {stage: Timing(stage, [], [], [], []) for stage in stages}
    for _ in range(repeat):
        for stage, cmd in stages.items():
            record(timings[stage], cmd, mem_gb if stage != "floor" else None)
    for t in timings.values():
        report(t)
    return list(timings.values())


def paired(timings: list[Timing]) -> list[str]:
    """Per round, each tool's time over that round's floor: the median of those ratios."""
    floor = next((t for t in timings if t.stage == "floor"), None)
    if floor is None or len(floor.wall) < 2:
        return []
    parts = []
    for t in timings:
        if t.stage in ("floor", "peer") or len(t.wall) != len(floor.wall):
            continue
        ratios = sorted(w / f for w, f in zip(t.wall, floor.wall, strict=True))
        shown = ", ".join(f"{r:.2f}" for r in ratios)
        parts.append(f"{t.stage} {statistics.median(ratios):.2f}x (rounds: {shown})")
    return [f"Paired by round, median of (tool / floor) wall: {'; '.join(parts)}."] if parts else []


def export_for(students: int, seed: int) -> Path:
    out = HERE / "data" / f"students-{students}-seed-{seed}"
    if not (out / "manifest.csv").is_file():
        cmd = [PY, "-m", "benchmarks.synth", "--students", str(students), "--seed", str(seed)]
        subprocess.run([*cmd, "--out", str(out), "--force"], check=True, cwd=ROOT)
    return out


def peer_inputs(export: Path, rows: int | None) -> tuple[Path, float, str]:
    """Folder with users/enrollments (maybe cut to `rows`), the time scale, schema source."""
    sys.path.insert(0, str(HERE))
    from tableschema import table_schema  # benchmarks/tableschema.py

    folder = HERE / "data" / f"peer-{export.name}-{rows or 'all'}"
    folder.mkdir(parents=True, exist_ok=True)
    total = cut = 0
    source = ""
    for name in PEER_FILES:
        schema, source = table_schema(name, "1.1")
        (folder / f"{name}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
        src, dst = export / name, folder / name
        with src.open("rb") as fh:
            n_all = sum(1 for _ in fh) - 1
        total += n_all
        if rows is None or rows >= n_all:
            cut += n_all
            if not dst.exists():
                dst.symlink_to(src)
            continue
        cut += rows
        if not dst.exists() or dst.is_symlink():
            dst.unlink(missing_ok=True)
            with src.open("rb") as fh, dst.open("wb") as out:
                for i, line in enumerate(fh):
                    if i > rows:
                        break
                    out.write(line)
    return folder, total / cut, source


def peer_command(folder: Path) -> list[str]:
    """One process validating both files (a tiny driver around frictionless).

    Frictionless refuses absolute paths as unsafe and then reports no rows without
    raising, so the driver works inside the folder with relative names and exits 3 when a
    file was not actually validated (so a broken peer run cannot look fast).
    """
    code = (
        "import os, sys, json, frictionless as f\n"
        "os.chdir(sys.argv[1])\n"
        "for name in sys.argv[2:]:\n"
        "    schema = f.Schema.from_descriptor(json.load(open(name + '.schema.json')))\n"
        "    r = f.validate(name, schema=schema)\n"
        "    rows = r.tasks[0].stats.get('rows') if r.tasks else None\n"
        "    if not rows:\n"
        "        print(name, 'not validated', r.errors[:1], file=sys.stderr)\n"
        "        sys.exit(3)\n"
    )
    return [PY, "-c", code, str(folder), *PEER_FILES]


def table(students: int, export: Path, timings: list[Timing], notes: list[str]) -> str:
    floor_t = next((t for t in timings if t.stage == "floor"), None)
    floor = floor_t.median if floor_t else 0.0
    floor_cpu = floor_t.cpu_median if floor_t else 0.0
    size = sum(p.stat().st_size for p in export.glob("*.csv")) / 1e9
    lines = [
        f"## roster-lint benchmark: {students:,} students ({size:.2f} GB)",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M')}.",
        "",
        "| stage | median wall (s) | x floor (wall) | median CPU (s) | x floor (CPU) "
        "| peak RSS (MiB) | runs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        ratio = f"{t.median / floor:.2f}" if floor else "-"
        cpu_ratio = f"{t.cpu_median / floor_cpu:.2f}" if floor_cpu else "-"
        lines.append(
            f"| {t.stage} | {t.median:.2f} | {ratio} | {t.cpu_median:.2f} | {cpu_ratio} "
            f"| {t.peak_mb:.0f} | {len(t.wall)} |"
        )
    return "\n".join([*lines, "", *notes, ""])


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--students", type=int, required=True)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--peer-rows", type=int, default=None, help="run the peer on the first K rows")
    p.add_argument("--skip", action="append", default=[], help="stage to skip (repeatable)")
    p.add_argument("--mem-limit-gb", type=float, default=None, help="address-space cap per run")
    a = p.parse_args()
    export = export_for(a.students, a.seed)
    lint = str(BIN / "roster-lint")
    stages = {
        "floor": [PY, "-c", FLOOR, str(export)],
        "check": [lint, "check", str(export)],
        "plan": [lint, "plan", str(export)],
    }
    notes = []
    chosen = {stage: cmd for stage, cmd in stages.items() if stage not in a.skip}
    timings = rounds(chosen, a.repeat, a.mem_limit_gb)
    notes += paired(timings)
    if "peer" not in a.skip:
        folder, scale, source = peer_inputs(export, a.peer_rows)
        timings.append(timed("peer", peer_command(folder), 1 if scale > 1 else a.repeat, scale))
        cut = (
            f"the first {a.peer_rows:,} rows of each file, time x{scale:.1f}"
            if scale > 1
            else "all rows"
        )
        notes.append(
            "Peer: frictionless validate on users.csv + enrollments.csv"
            f" ({cut}; peak RSS is for the cut files); Table Schema from {source}."
        )
    # roster-lint exits 1 for findings (a result); the floor and the peer must exit 0.
    ok = {"check": (0, 1), "plan": (0, 1)}
    failed = [t.stage for t in timings if any(c not in ok.get(t.stage, (0,)) for c in t.codes)]
    if a.mem_limit_gb:
        notes.append(f"check and plan ran under an address-space cap of {a.mem_limit_gb} GB.")
    if failed:
        notes.append(
            f"These stages exited with an error (their times are not valid): {', '.join(failed)}."
        )
    text = table(a.students, export, timings, notes)
    print(text)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / f"students-{a.students}.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
