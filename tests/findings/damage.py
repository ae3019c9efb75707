"""Whole-column damage applied to a copy of an export, for the grouping tests."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl

ISO_DATE = r"^(\d{4})-(\d{2})-(\d{2})"


def excel_round_trip(df: pl.DataFrame) -> pl.DataFrame:
    """What opening and saving a CSV in Excel does: dates M/D/YYYY, grades lose their
    leading zero, booleans upper case."""
    out = []
    for col in df.columns:
        c = pl.col(col)
        if col == "grades":
            c = c.str.replace_all(r"(^|,)0(\d)", "${1}${2}")
        elif "date" in col.lower() or col in ("startDate", "endDate", "beginDate"):
            m = c.str.extract_groups(ISO_DATE)
            us = pl.format(
                "{}/{}/{}",
                m.struct.field("2").str.strip_chars_start("0"),
                m.struct.field("3").str.strip_chars_start("0"),
                m.struct.field("1"),
            )
            c = pl.when(c.str.contains(ISO_DATE)).then(us).otherwise(c)
        elif col in ("enabledUser", "primary"):
            c = c.str.to_uppercase()
        out.append(c.alias(col))
    return df.select(out)


def status_everywhere(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.lit("active").alias("status")) if "status" in df.columns else df


def damaged_copy(src: Path, dst: Path, *steps: object) -> Path:
    """Copy the export at `src` to `dst`, every CSV but the manifest passed through `steps`."""
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    for p in sorted(src.iterdir()):
        if p.suffix != ".csv" or p.name == "manifest.csv":
            shutil.copy(p, dst / p.name)
            continue
        df = pl.read_csv(p, infer_schema=False)
        for step in steps:
            df = step(df)  # type: ignore[operator]
        df.write_csv(dst / p.name, quote_style="necessary")
    return dst


def is_iso(value: str) -> bool:
    return re.match(ISO_DATE, value) is not None


def modified_everywhere(df: pl.DataFrame) -> pl.DataFrame:
    """dateLastModified filled in every row the way a spreadsheet writes a date-time."""
    if "dateLastModified" not in df.columns:
        return df
    return df.with_columns(pl.lit("3/4/2026 9:15").alias("dateLastModified"))


def roles_capitalised(df: pl.DataFrame) -> pl.DataFrame:
    """A SIS mapping that writes `Student` for `student`."""
    if "role" not in df.columns:
        return df
    return df.with_columns(pl.col("role").str.to_titlecase())
