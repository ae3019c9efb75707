"""Re-create the sample exports: python sample_exports/make.py [--out DIR].

tests/test_synth.py runs this into a temporary folder and compares every byte with the
committed copies, so they never go stale.  Change the generator, then re-run this.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.synth import defects_path, write_export
from benchmarks.synth.defects import plant
from benchmarks.synth.generate import generate
from benchmarks.synth.io import write_defects
from benchmarks.synth.model import Config
from benchmarks.synth.nextday import next_day
from benchmarks.synth.v12 import to_v12

HERE = Path(__file__).resolve().parent
STUDENTS = 2000
SEED = 2027
FLAWED_RATE = 0.0001  # one or two of each defect kind at this size
EXPORTS = ("district", "district-yesterday", "district-flawed", "district-v12")


def _clean(folder: Path) -> Path:
    """An empty export folder (only the CSV files a previous run wrote are removed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    return folder


def make(out: Path) -> None:
    cfg = Config(students=STUDENTS, seed=SEED, ids="numeric")
    yesterday = generate(cfg)
    today = next_day(yesterday, SEED)
    write_export(yesterday, _clean(out / "district-yesterday"))
    write_export(today, _clean(out / "district"))
    flawed = plant(today, SEED, FLAWED_RATE)
    planted = write_export(flawed, _clean(out / "district-flawed"))
    write_defects(planted, defects_path(out / "district-flawed"), STUDENTS, FLAWED_RATE)
    small = Config(students=400, seed=SEED, ids="numeric", version="1.2")
    write_export(to_v12(generate(small)), _clean(out / "district-v12"))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=HERE)
    make(p.parse_args().out)


if __name__ == "__main__":
    main()
