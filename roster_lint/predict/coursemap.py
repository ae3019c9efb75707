"""Course maps: read --course-map, and write the list of courses to send for mapping."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from roster_lint.errors import UsageError
from roster_lint.model import Export

COLUMN = "courseSourcedId"
# A cell starting with one of these is a formula in a spreadsheet: prefix it with '.
# Spreadsheets also read the full-width forms and skip leading spaces ( =1+1 is a formula).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def read_course_map(path: str) -> set[str]:
    """Every courseSourcedId listed (exact text); other columns are allowed and ignored."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"--course-map {path}: no such file")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--course-map {path}: not readable UTF-8 text") from exc
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(rows)
        if COLUMN not in header:
            raise UsageError(f"--course-map {path}: no {COLUMN} column")
        i = header.index(COLUMN)
        # The file may be `course-map init`'s own output: its formula guard is undone.
        return {unguard(r[i]) for r in rows if len(r) > i and r[i] != ""}
    except StopIteration as exc:
        raise UsageError(f"--course-map {path}: empty file") from exc
    except csv.Error as exc:
        raise UsageError(f"--course-map {path}: not CSV ({exc})") from exc


def _is_formula(value: str) -> bool:
    return value.lstrip(" \u3000").startswith(FORMULA_START)


def _looks_guarded(value: str) -> bool:
    """One or more ' before a formula: what _safe writes for a formula (or for a value that
    already looked like that, so that unguard(_safe(v)) == v for every v)."""
    rest = value.lstrip("'")
    return len(rest) < len(value) and _is_formula(rest)


def _safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): the value is kept, prefixed by '."""
    return "'" + value if _is_formula(value) or _looks_guarded(value) else value


def unguard(value: str) -> str:
    """The value _safe guarded (its one added ' removed); any other value as it is."""
    return value[1:] if _looks_guarded(value) else value


def course_map_rows(export: Export) -> list[list[str]]:
    """courseSourcedId, title, courseCode, grades, school, schoolName, classes (count)."""
    header = ["courseSourcedId", "title", "courseCode", "grades", "school", "schoolName", "classes"]
    courses = export.frame("courses.csv")
    if courses is None or "sourcedId" not in courses.columns:
        return [header]

    def col(df: pl.DataFrame, name: str) -> pl.Expr:
        return pl.col(name) if name in df.columns else pl.lit("")

    c = courses.select(
        pl.col("sourcedId").alias("course"),
        col(courses, "title").alias("title"),
        col(courses, "courseCode").alias("code"),
        col(courses, "grades").alias("grades"),
        col(courses, "orgSourcedId").alias("school"),
    ).unique("course", keep="first", maintain_order=True)
    orgs = export.frame("orgs.csv")
    if orgs is not None and {"sourcedId", "name"} <= set(orgs.columns):
        names = orgs.select(pl.col("sourcedId").alias("school"), pl.col("name").alias("sname"))
        c = c.join(names.unique("school"), on="school", how="left", maintain_order="left")
    else:
        c = c.with_columns(pl.lit("").alias("sname"))
    classes = export.frame("classes.csv")
    if classes is not None and "courseSourcedId" in classes.columns:
        n = classes.group_by(pl.col("courseSourcedId").alias("course")).len("n")
        c = c.join(n, on="course", how="left", maintain_order="left")
    else:
        c = c.with_columns(pl.lit(0).alias("n"))
    c = c.with_columns(pl.col("n").fill_null(0).cast(pl.String)).with_columns(
        pl.all().cast(pl.String).fill_null("")
    )
    body = [[_safe(str(v)) for v in row] for row in c.sort("course").iter_rows()]
    return [header, *body]


def course_map_csv(export: Export) -> str:
    buf = io.StringIO()
    # QUOTE_MINIMAL quotes only the writer's own line terminator: a value holding a lone CR
    # would be written bare and split the row in a spreadsheet.  Quote it too.
    writer = csv.writer(buf, lineterminator="\n")
    for row in course_map_rows(export):
        if any("\r" in v for v in row):
            csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(row)
        else:
            writer.writerow(row)
    return buf.getvalue()
