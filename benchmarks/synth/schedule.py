"""Courses and classes (with their teachers) for every school and grade, as whole frames.

Classes are laid out in (school, grade, period, group) order, so the class a student takes
in period p is plain arithmetic: class_offset + (p - 1) * sections + group.
"""

from __future__ import annotations

import polars as pl

from benchmarks.synth.catalog import BANDS, CO_TEACHING_BP, SPECIALIST_LOAD, SUPPORT_LOAD
from benchmarks.synth.layout import Calendar, grade_code
from benchmarks.synth.model import Config
from benchmarks.synth.rand import below, percent

HUGE = 1 << 30


def course_kinds() -> pl.DataFrame:
    """Every (grade, period, variant) the bands offer, with title, code and teaching style."""
    rows = []
    for band in BANDS:
        for g in band.grades:
            for p, period in enumerate(band.periods, start=1):
                for v, kind in enumerate(period.kinds):
                    title, code = kind.title_code(g, band.grades[0])
                    load = {"homeroom": HUGE, "specialist": SPECIALIST_LOAD}
                    rows.append(
                        {
                            "grade": g,
                            "period": p,
                            "variant": v,
                            "variants": len(period.kinds),
                            "title": title,
                            "code": code,
                            "subject": kind.subject,
                            "homeroom": period.homeroom,
                            "teaching": period.teaching,
                            "load": load.get(period.teaching, band.teacher_load),
                        }
                    )
    return pl.DataFrame(rows)


def course_grid(sg: pl.DataFrame) -> pl.DataFrame:
    """One row per course: every kind of the school's grades that has at least one class."""
    return (
        sg.select("school", "grade", "sections")
        .join(course_kinds(), on="grade")
        .filter(pl.col("variant") < pl.col("sections"))
        .sort("school", "grade", "period", "variant")
        .with_columns(course=pl.int_range(pl.len()))
    )


def class_grid(cfg: Config, sg: pl.DataFrame, courses: pl.DataFrame) -> pl.DataFrame:
    """One row per class, with its course, teacher slot and (rarely) co-teacher slot."""
    periods = pl.int_ranges(1, cfg.classes_per_student + 1)
    grid = (
        sg.select("school", "grade", "sections", "sg_index")
        .with_columns(period=periods)
        .explode("period")
        .with_columns(group=pl.int_ranges(0, pl.col("sections")))
        .explode("group")
        .with_columns(cls=pl.int_range(pl.len()))
    )
    kinds = course_kinds().select("grade", "period", "variants").unique()
    grid = grid.join(kinds, on=["grade", "period"], how="left", maintain_order="left")
    grid = grid.with_columns(variant=pl.col("group") % pl.col("variants")).join(
        courses.drop("sections", "variants"),
        on=["school", "grade", "period", "variant"],
        how="left",
        maintain_order="left",
    )
    # A teacher pool is who could teach the class: the section's own homeroom teacher,
    # the school's art or PE specialist, or the school's teachers of that subject.
    pool = (
        pl.when(pl.col("teaching") == "homeroom")
        .then(pl.col("grade") * 1000 + pl.col("group"))
        .when(pl.col("teaching") == "specialist")
        .then(900_000 + pl.col("period"))
        .otherwise(500_000 + pl.col("period") * 10 + pl.col("variant"))
    )
    grid = grid.with_columns(pool=pool)
    slot = (pl.col("cls").rank("ordinal").over("school", "pool") - 1) // pl.col("load")
    key = (pl.col("school") * 1_000_000 + pl.col("pool")) * 100_000 + slot
    grid = grid.with_columns(teacher=key.rank("dense").cast(pl.Int64) - 1)
    co = (~pl.col("homeroom")) & (percent(cfg.seed, "co-teach", pl.col("cls")) < CO_TEACHING_BP)
    grid = grid.with_columns(co=co)
    co_slot = (pl.col("cls").rank("ordinal").over("school", "co") - 1) // SUPPORT_LOAD
    co_key = pl.when(pl.col("co")).then(pl.col("school") * 100_000 + co_slot)
    return grid.with_columns(support=co_key.rank("dense").cast(pl.Int64) - 1)


_LETTERS = [chr(65 + i) for i in range(26)]


def _section_label(group: pl.Expr) -> pl.Expr:
    letter = (group % 26).replace_strict(list(range(26)), _LETTERS, return_dtype=pl.String)
    rounds = group // 26
    return letter + pl.when(rounds > 0).then(rounds.cast(pl.String)).otherwise(pl.lit(""))


def courses_table(
    courses: pl.DataFrame, ids: pl.Series, schools: pl.Series, year_id: str
) -> pl.DataFrame:
    return courses.select(
        sourcedId=ids,
        status=pl.lit(None, pl.String),
        dateLastModified=pl.lit(None, pl.String),
        schoolYearSourcedId=pl.lit(year_id),
        title=pl.col("title"),
        courseCode=pl.col("code"),
        grades=grade_code("grade"),
        orgSourcedId=schools.gather(courses["school"]),
        subjects=pl.col("subject"),
        subjectCodes=pl.col("code"),
    )


def classes_table(
    cfg: Config,
    grid: pl.DataFrame,
    ids: pl.Series,
    course_ids: pl.Series,
    schools: pl.Series,
    cal: Calendar,
) -> pl.DataFrame:
    grade_short = (
        pl.when(pl.col("grade") == 0).then(pl.lit("K")).otherwise(pl.col("grade").cast(pl.String))
    )
    room = 100 + below(cfg.seed, "room", pl.col("cls"), 300)
    return grid.select(
        sourcedId=ids,
        status=pl.lit(None, pl.String),
        dateLastModified=pl.lit(None, pl.String),
        title=pl.concat_str(
            pl.col("title"), pl.lit(" ("), grade_short, _section_label(pl.col("group")), pl.lit(")")
        ),
        grades=grade_code("grade"),
        courseSourcedId=course_ids.gather(grid["course"]),
        classCode=pl.concat_str(
            pl.col("code"), pl.lit("-"), (pl.col("group") + 1).cast(pl.String).str.zfill(2)
        ),
        classType=pl.when(pl.col("homeroom"))
        .then(pl.lit("homeroom"))
        .otherwise(pl.lit("scheduled")),
        location=pl.lit("Room ") + room.cast(pl.String),
        schoolSourcedId=schools.gather(grid["school"]),
        termSourcedIds=pl.lit(cal.terms),
        subjects=pl.col("subject"),
        subjectCodes=pl.col("code"),
        periods=pl.col("period").cast(pl.String),
    )
