"""Export shapes for the benchmark: the damage and styles districts really send.

Each shape is a transform of a generated district (benchmarks.synth), whole-column polars,
deterministic from the seed:

  clean      the generator's export as it is (ClassLink CSV style, UUID ids, NCES ids)
  skipped    no NCES ID anywhere (orgs.identifier empty): the sync skips every school
  status     status `active` and a dateLastModified in every row of every bulk file
  excel      every file opened and saved by Excel: dates M/D/YYYY, digits-only values lose
             their leading zeros (grades `9`, NCES ids of 11 digits, manifest `1.0` -> `1`),
             booleans TRUE/FALSE, quotes only where needed, CRLF line ends
  truncated  enrollments.csv cut off at 60% of its bytes, in the middle of a row
  v12        OneRoster 1.2 with roles.csv
  numeric    short numeric ids instead of UUIDs
  classlink  valid NCES ids, blank status, students shuffled across the classes of their
             school (classes of mixed grades; a few students land twice in one class)

`write_shape` writes one shape; `write_pair` also writes the same export with every
enrollment sourcedId regenerated (the files that did not change are hard links), which is
what `diff` is timed on.

    python -m benchmarks.shapes --students 2000 --out /tmp/shapes      # every shape
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl

from benchmarks.synth import build
from benchmarks.synth.generate import manifest_rows
from benchmarks.synth.io import write_folder, write_table
from benchmarks.synth.model import TAG, Config, Roster
from benchmarks.synth.rand import draw, uuid_like

SHAPES = ("clean", "skipped", "status", "excel", "truncated", "v12", "numeric", "classlink")
TRUNCATE_AT = 0.6  # share of enrollments.csv's bytes kept by the truncated shape
MODIFIED = "2026-08-01T00:00:00Z"


def _config(shape: str, students: int, seed: int) -> Config:
    if shape == "v12":
        return Config(students=students, seed=seed, version="1.2")
    if shape == "numeric":
        return Config(students=students, seed=seed, ids="numeric")
    return Config(students=students, seed=seed)


def _no_nces(r: Roster) -> Roster:
    r.tables["orgs.csv"] = r.tables["orgs.csv"].with_columns(identifier=pl.lit(""))
    return r


def _status_everywhere(r: Roster) -> Roster:
    for name, df in r.tables.items():
        if "status" in df.columns:
            r.tables[name] = df.with_columns(
                status=pl.lit("active"), dateLastModified=pl.lit(MODIFIED)
            )
    return r


def _mixed_grades(r: Roster, seed: int) -> Roster:
    """Students' enrollments shuffled among their school's student seats: every class keeps
    its size and every student their number of classes, but classes mix grades."""
    e = r.tables["enrollments.csv"].with_row_index("__i")
    seats = e.filter(pl.col("role") == "student").select(
        "__i", "schoolSourcedId", "userSourcedId", __k=draw(seed, "shape-mix", pl.col("__i"))
    )
    # Both sides sorted by school: the n-th seat of a school gets its n-th shuffled student.
    slots = seats.sort("schoolSourcedId", "__i").select("__i")
    movers = seats.sort("schoolSourcedId", "__k").select(__u="userSourcedId")
    moved = pl.concat([slots, movers], how="horizontal")
    r.tables["enrollments.csv"] = (
        e.join(moved, on="__i", how="left", maintain_order="left")
        .with_columns(userSourcedId=pl.coalesce("__u", "userSourcedId"))
        .drop("__i", "__u")
    )
    return r


TRANSFORMS: dict[str, Callable[[Roster, int], Roster]] = {
    "skipped": lambda r, _seed: _no_nces(r),
    "status": lambda r, _seed: _status_everywhere(r),
    "classlink": _mixed_grades,
}


def regenerate_enrollment_ids(r: Roster, seed: int) -> Roster:
    """Every enrollment gets a new sourcedId (a SIS that rebuilds its enrollment table)."""
    e = r.tables["enrollments.csv"]
    row = pl.int_range(pl.len())
    numeric = e.height > 0 and e["sourcedId"][0].replace("_", "").isdigit()
    new = (
        (pl.lit(900_000_000, pl.Int64) + row).cast(pl.String)
        if numeric
        else uuid_like(seed, "shape-new-enrollment-id", row)
    )
    r.tables["enrollments.csv"] = e.with_columns(sourcedId=new)
    return r


# --- Excel ---------------------------------------------------------------------------------

_ISO_DATE = r"^(\d{4})-(\d{2})-(\d{2})$"


def _excel_value(c: pl.Expr) -> pl.Expr:
    """What Excel shows (and saves) for a text cell it reads as a number, date or boolean."""
    date = c.str.extract_groups(_ISO_DATE)
    month = date.struct.field("2").cast(pl.Int32).cast(pl.String)
    day = date.struct.field("3").cast(pl.Int32).cast(pl.String)
    year = date.struct.field("1")
    lower = c.str.to_lowercase()
    return (
        pl.when(c.str.contains(_ISO_DATE))
        .then(pl.concat_str([month, day, year], separator="/"))
        .when(c.str.contains(r"^[0-9]{1,15}$"))  # a number: leading zeros go ("09" -> "9")
        .then(c.str.strip_chars_start("0").replace("", "0"))
        .when(c.str.contains(r"^[0-9]+\.0+$"))  # "1.0" -> "1"
        .then(c.str.replace(r"\.0+$", ""))
        .when(lower.is_in(["true", "false"]))
        .then(lower.str.to_uppercase())
        .otherwise(c)
    )


def write_excel_table(df: pl.DataFrame, path: Path) -> None:
    cols = [c for c in df.columns if not c.startswith("__")]
    # Excel writes an empty cell as nothing at all (polars would quote an empty string).
    out = df.select(_excel_value(pl.col(c)).replace("", None).alias(c) for c in cols)
    out.write_csv(path, quote_style="necessary", line_terminator="\r\n", null_value="")


def _write_excel(r: Roster, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = manifest_rows(r.version, list(r.tables))
    m = pl.DataFrame({"propertyName": list(manifest), "value": list(manifest.values())})
    write_excel_table(m, folder / "manifest.csv")
    for name, df in r.tables.items():
        write_excel_table(df, folder / name)


# --- Writing ---------------------------------------------------------------------------------


def _write(shape: str, r: Roster, folder: Path, only: str | None = None) -> None:
    """The export in the shape's style; with `only`, that one file (the rest exist)."""
    folder.mkdir(parents=True, exist_ok=True)
    if only is not None:
        write = write_excel_table if shape == "excel" else write_table
        write(r.tables[only], folder / only)
    elif shape == "excel":
        _write_excel(r, folder)
    else:
        write_folder(r, manifest_rows(r.version, list(r.tables)), folder)
    if shape == "truncated":
        path = folder / "enrollments.csv"
        with path.open("rb+") as fh:
            size = fh.seek(0, os.SEEK_END)
            cut = int(size * TRUNCATE_AT)
            fh.seek(max(cut - 4096, 0))
            head = fh.read(cut - fh.tell())
            # Cut between two fields of a row (the last row is short): a cut inside a quoted
            # value would leave a quote open, which even the floor's reader refuses.
            fh.truncate(cut - (len(head) - head.rindex(b",") - 1))


def roster_for(shape: str, students: int, seed: int) -> Roster:
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r} (one of {', '.join(SHAPES)})")
    r = build(_config(shape, students, seed))
    for name, df in r.tables.items():
        if TAG in df.columns:
            r.tables[name] = df.drop(TAG)
    transform = TRANSFORMS.get(shape)
    return transform(r, seed) if transform else r


def write_shape(shape: str, students: int, seed: int, out: Path) -> Roster:
    r = roster_for(shape, students, seed)
    _write(shape, r, out)
    return r


def write_pair(shape: str, students: int, seed: int, old: Path, new: Path) -> None:
    """OLD: the shape; NEW: the same export with regenerated enrollment ids."""
    r = write_shape(shape, students, seed, old)
    new.mkdir(parents=True, exist_ok=True)
    for p in old.iterdir():
        if p.name != "enrollments.csv":
            target = new / p.name
            target.unlink(missing_ok=True)
            os.link(p, target)
    _write(shape, regenerate_enrollment_ids(r, seed), new, only="enrollments.csv")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--students", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True, help="one folder per shape goes here")
    p.add_argument("--shape", action="append", choices=SHAPES, help="default: every shape")
    p.add_argument("--pair", action="store_true", help="also write SHAPE.new (diff's input)")
    a = p.parse_args(argv)
    for shape in a.shape or SHAPES:
        if a.pair:
            write_pair(shape, a.students, a.seed, a.out / shape, a.out / f"{shape}.new")
        else:
            write_shape(shape, a.students, a.seed, a.out / shape)
        print(f"wrote {a.out / shape}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
