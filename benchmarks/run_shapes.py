"""Time roster-lint on every export shape (benchmarks/shapes.py), each against its own floor.

    .venv/bin/python -m benchmarks.run_shapes --students 100000 --mem-limit-gb 16
    .venv/bin/python -m benchmarks.run_shapes --students 1000000 --shape clean --shape excel
    .venv/bin/python -m benchmarks.run_shapes --students 1000000 --skip check --skip redact \
        --skip diff --with plan-text --with plan-files --paired     # every plan output

Per shape, in rounds (floor, then every tool stage, --repeat times), each a separate process:
  floor   polars reads every CSV of the export, every column as text
  check   roster-lint check EXPORT                       (text to /dev/null)
  plan    roster-lint plan EXPORT --format json          (JSON to a file)
  redact  roster-lint check EXPORT --redact              (text to /dev/null)
  diff    roster-lint diff EXPORT EXPORT.new             (text to /dev/null; EXPORT.new is
          the same export with every enrollment sourcedId regenerated; it reads two exports,
          so reading alone is 2x the floor)
Opt-in stages (`--with STAGE`, after the others; not in the standard run, which they
would lengthen by a third):
  plan-text   roster-lint plan EXPORT                    (the default text to /dev/null:
              what a district runs first)
  plan-files  roster-lint plan EXPORT -q --output json:F.json --output csv:F.csv
              --output parquet:F.parquet                 (text to /dev/null; ~3 GB of files
              at 1M students, removed after the shape)
Prints one Markdown table of every shape and stage (median wall, ratio to the shape's floor
in the same run, median CPU and its ratio, the CPU's range over the repeats and its median
system part, with --paired the median and range of each run's ratio to a floor run made just
before it, peak RSS, exit codes) and writes it to
benchmarks/results/shapes-STUDENTS.md.  The shapes are generated once under
benchmarks/data/shapes-STUDENTS-seed-SEED/ (git-ignored) and reused.  roster_lint's modules
are compiled to bytecode before the first timed run (`bytecode`), as a pip install does.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.run import BIN, FLOOR, HERE, PY, ROOT, Timing, record, report
from benchmarks.shapes import SHAPES

STAGES = ("floor", "check", "plan", "redact", "diff")
EXTRA = ("plan-text", "plan-files")  # only with --with (module docstring)
OK_EXITS = {"floor": (0,)}  # roster-lint exits 1 for findings at the fail-on level: a result


def data_for(students: int, seed: int, shape: str) -> tuple[Path, Path]:
    root = HERE / "data" / f"shapes-{students}-seed-{seed}"
    old, new = root / shape, root / f"{shape}.new"
    if not (old / "manifest.csv").is_file() or not (new / "enrollments.csv").is_file():
        cmd = [PY, "-m", "benchmarks.shapes", "--students", str(students), "--seed", str(seed)]
        cmd += ["--out", str(root), "--shape", shape, "--pair"]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        print(f"  generated {shape} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return old, new


def plan_files(old: Path) -> list[Path]:
    """Where plan-files writes: beside the export, as the plan stage's JSON."""
    return [old.parent / f"{old.name}.plan-files.{ext}" for ext in ("json", "csv", "parquet")]


def commands(old: Path, new: Path) -> dict[str, list[str]]:
    lint = str(BIN / "roster-lint")
    files = [f"--output={p.suffix[1:]}:{p}" for p in plan_files(old)]
    return {
        "floor": [PY, "-c", FLOOR, str(old)],
        "check": [lint, "check", str(old)],
        "plan": [lint, "plan", str(old), "--format", "json"],
        "redact": [lint, "check", str(old), "--redact"],
        "diff": [lint, "diff", str(old), str(new)],
        "plan-text": [lint, "plan", str(old)],
        "plan-files": [lint, "plan", str(old), "-q", *files],
    }


def measure(
    shape: str,
    old: Path,
    new: Path,
    stages: list[str],
    repeat: int,
    mem_gb: float | None,
    paired: bool = False,
) -> list[Timing]:
    """paired: a floor run just before every tool run (same page-cache state), each tool
    run's ratio taken to its own floor; the floor's row then holds every floor run."""
    cmds = commands(old, new)
    plan_out = old.parent / f"{shape}.plan.json"
    timings = {s: Timing(s, [], [], [], []) for s in stages}
    for _ in range(repeat):
        for s in stages:
            cap = None if s == "floor" else mem_gb
            if paired and s != "floor" and "floor" in timings:
                record(timings["floor"], cmds["floor"])
            record(timings[s], cmds[s], cap, plan_out if s == "plan" else None)
            if paired and s != "floor" and "floor" in timings:
                timings[s].paired.append(timings[s].cpu[-1] / timings["floor"].cpu[-1])
    print(f"{shape}:", file=sys.stderr)
    for t in timings.values():
        report(t)
    if plan_out.exists():
        size = plan_out.stat().st_size
        print(f"  plan JSON {size / 1e6:,.0f} MB", file=sys.stderr)
        plan_out.unlink()
    for f in plan_files(old):
        if f.exists():
            print(f"  plan-files {f.suffix[1:]} {f.stat().st_size / 1e6:,.0f} MB", file=sys.stderr)
            f.unlink()
    return list(timings.values())


def table(students: int, rows: list[tuple[str, float, list[Timing]]], notes: list[str]) -> str:
    lines = [
        f"## roster-lint on every shape: {students:,} students",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M %Z')}.",
        "",
        "| shape | GB | stage | median wall (s) | x floor | median CPU (s) | x floor (CPU) "
        "| CPU min-max (s) | of it sys (s) | x paired floor (CPU) | peak RSS (MiB) | exit |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for shape, size, timings in rows:
        floor = next((t for t in timings if t.stage == "floor"), None)
        for t in timings:
            bad = any(c not in OK_EXITS.get(t.stage, (0, 1)) for c in t.codes)
            ratio = f"{t.median / floor.median:.2f}" if floor else "-"
            cpu = f"{t.cpu_median / floor.cpu_median:.2f}" if floor else "-"
            codes = ",".join(str(c) for c in sorted(set(t.codes))) + (" **failed**" if bad else "")
            low, high = t.cpu_range
            pair = (
                f"{statistics.median(t.paired):.2f} ({min(t.paired):.2f}-{max(t.paired):.2f})"
                if t.paired
                else "-"
            )
            lines.append(
                f"| {shape} | {size:.2f} | {t.stage} | {t.median:.2f} | {ratio} "
                f"| {t.cpu_median:.2f} | {cpu} | {low:.2f}-{high:.2f} | {t.sys_median:.2f} "
                f"| {pair} | {t.peak_mb:,.0f} | {codes} |"
            )
    return "\n".join([*lines, "", *notes, ""])


def stages_of(skip: list[str], extra: list[str]) -> list[str]:
    """The stages run, in order: the standard ones not skipped, then the opt-in ones."""
    return [s for s in STAGES if s not in skip] + [s for s in EXTRA if s in extra]


def bytecode(package: Path) -> str:
    """Compile the timed package's modules once, before any timed run.

    A `pip install` compiles them at install time, so that is what a district runs; but a
    shell with PYTHONDONTWRITEBYTECODE set (CI images, some containers) never writes the
    .pyc files of a checkout, and every timed run would then compile ~60 modules from
    source (~0.1 s of CPU a run) that the floor, importing only polars, never pays."""
    import compileall

    ok = compileall.compile_dir(package, quiet=1)
    return f"{package.name}'s modules compiled before timing ({'ok' if ok else 'with errors'})."


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--students", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--shape", action="append", choices=SHAPES, help="default: every shape")
    p.add_argument("--skip", action="append", default=[], choices=STAGES[1:])
    p.add_argument(
        "--with",
        dest="extra",
        action="append",
        default=[],
        choices=EXTRA,
        help="an opt-in stage: plan-text (the default text), plan-files (json+csv+parquet)",
    )
    p.add_argument("--mem-limit-gb", type=float, default=None, help="address-space cap per run")
    p.add_argument("--drop-data", action="store_true", help="delete each shape once measured")
    p.add_argument(
        "--paired",
        action="store_true",
        help="a floor run before every tool run, each tool's ratio to its own floor",
    )
    a = p.parse_args(argv)
    stages = stages_of(a.skip, a.extra)
    rows = []
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    where = subprocess.run(
        [PY, "-c", "import roster_lint; print(roster_lint.__file__)"],
        cwd="/",  # not the checkout: `python -c` puts its folder first on sys.path
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    notes = [f"roster-lint from {Path(where).parent} (PYTHONPATH picks another checkout)."]
    notes.append(bytecode(Path(where).parent))
    if a.mem_limit_gb:
        notes.append(f"Tools ran under an address-space cap of {a.mem_limit_gb} GB.")
    for shape in a.shape or SHAPES:
        old, new = data_for(a.students, a.seed, shape)
        size = sum(f.stat().st_size for f in old.glob("*.csv")) / 1e9
        rows.append(
            (shape, size, measure(shape, old, new, stages, a.repeat, a.mem_limit_gb, a.paired))
        )
        text = table(a.students, rows, notes)  # written after every shape: a long run
        (results / f"shapes-{a.students}.md").write_text(text, encoding="utf-8")
        if a.drop_data:
            shutil.rmtree(old)
            shutil.rmtree(new)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
