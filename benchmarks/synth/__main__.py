"""CLI: python -m benchmarks.synth --students N --out DIR [options]."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.synth import build, write_all
from benchmarks.synth.model import Config


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.synth", description=__doc__)
    p.add_argument("--students", type=int, default=0, help="students in the district")
    p.add_argument("--out", type=Path, required=True, help="export folder (or zip with --zip)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--defects", type=float, default=0.0, help="rate of each planted defect")
    p.add_argument("--version", choices=("1.1", "1.2"), default="1.1")
    p.add_argument("--ids", choices=("uuid", "numeric"), default="uuid")
    p.add_argument("--zip", action="store_true", help="write one zip at --out")
    p.add_argument("--force", action="store_true", help="replace the CSV files in --out")
    p.add_argument(
        "--previous-of",
        type=Path,
        metavar="DIR",
        help="write the next day's export of the folder DIR (DIR is the previous export)",
    )
    return p.parse_args(argv)


def _fail(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    a = _args(argv)
    if a.previous_of is not None and not (a.previous_of / "manifest.csv").is_file():
        return _fail(f"{a.previous_of}: not an export folder (no manifest.csv)")
    if a.previous_of is None and a.students <= 0:
        return _fail("give --students N (or --previous-of DIR)")
    out: Path = a.out
    if out.is_dir() and any(out.iterdir()):
        if not a.force:
            return _fail(f"{out} exists and is not empty (use --force to replace its CSV files)")
        for old in out.glob("*.csv"):
            old.unlink()
    if out.is_file() and not a.zip:
        return _fail(f"{out} is a file")
    try:
        cfg = Config(
            students=a.students if a.previous_of is None else 13,
            seed=a.seed,
            defects=a.defects,
            version=a.version,
            ids=a.ids,
        )
    except ValueError as e:
        return _fail(str(e))
    t0 = time.perf_counter()
    roster = build(cfg, a.previous_of)
    t1 = time.perf_counter()
    planted = write_all(roster, out, a.zip, cfg.students, cfg.defects)
    t2 = time.perf_counter()
    rows = {k: v.height for k, v in roster.tables.items()}
    print(
        f"wrote {out}: "
        + ", ".join(f"{k} {n:,}" for k, n in rows.items())
        + (f"; {planted} planted defects" if cfg.defects else "")
        + f" (build {t1 - t0:.1f} s, write {t2 - t1:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
