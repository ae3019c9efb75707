"""Synthetic OneRoster districts: deterministic exports for demos, tests and benchmarks.

    python -m benchmarks.synth --students 2500 --out /tmp/district --ids numeric
    python -m benchmarks.synth --students 1000000 --out /tmp/big             # ~1.8 GB
    python -m benchmarks.synth --students 2500 --out /tmp/bad --defects 0.001
    python -m benchmarks.synth --previous-of /tmp/district --out /tmp/next   # the next day

Same arguments give byte-identical files: every random draw is a hash of (seed, purpose,
row), computed on whole columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.synth.defects import plant
from benchmarks.synth.generate import generate, manifest_rows
from benchmarks.synth.io import (
    defect_manifest,
    read_folder,
    write_defects,
    write_folder,
    write_zip,
)
from benchmarks.synth.model import Config, Roster
from benchmarks.synth.nextday import next_day
from benchmarks.synth.v12 import to_v12

__all__ = ["Config", "Roster", "build", "defects_path", "generate", "next_day", "write_export"]


def build(cfg: Config, previous: Path | None = None) -> Roster:
    """A clean district (or the day after `previous`), with defects planted at cfg.defects."""
    if previous is None:
        roster = generate(cfg)
    else:
        roster, _ = read_folder(previous)
        roster = next_day(roster, cfg.seed)
    if cfg.defects > 0:
        roster = plant(roster, cfg.seed, cfg.defects)
    if cfg.version == "1.2" and roster.version != "1.2":
        roster = to_v12(roster)
    return roster


def defects_path(out: Path) -> Path:
    """DIR.defects.json beside the export (never inside it)."""
    stem = out.name[:-4] if out.suffix == ".zip" else out.name
    return out.with_name(stem + ".defects.json")


def write_export(roster: Roster, out: Path, as_zip: bool = False) -> list[dict[str, Any]]:
    """Write the export (folder, or zip at `out`) and return the planted-defect list."""
    manifest = manifest_rows(roster.version, list(roster.tables))
    if as_zip:
        write_zip(roster, manifest, out)
    else:
        write_folder(roster, manifest, out)
    return defect_manifest(roster)


def write_all(roster: Roster, out: Path, as_zip: bool, students: int, rate: float) -> int:
    defects = write_export(roster, out, as_zip)
    if rate > 0:
        write_defects(defects, defects_path(out), students, rate)
    return len(defects)
