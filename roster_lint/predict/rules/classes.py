"""When each class reason holds (SK-P1, SK-F1, SK-C2..C5, SK-G1).

Columns of the working class frame (predict/classes.py): `course_action` (null: the course
is not in courses.csv), `school_status` (rules.schools vocabulary; null: not in orgs.csv),
`has_teacher` (SK-C3), `_student_primary` (every primary teacher has a Student account),
`n_grades`."""

from __future__ import annotations

import polars as pl

from roster_lint.predict.inputs import Inputs
from roster_lint.predict.rules.schools import BROKEN, SYNC


def conditions(inp: Inputs, classes_on: bool, no_content: pl.Expr) -> dict[str, pl.Expr]:
    """no_content: a grade of the class or of its students has no content (SK-G1)."""
    courses_gone = inp.state.get("courses.csv") in ("missing", "ignored")
    course_broken = inp.broken("courses.csv")
    # Kleene logic: `school_status == BROKEN` is null for a school absent from orgs.csv,
    # and `~null & ...` stays null, which joined() reads as false (the class was created).
    teachers_unread = inp.broken("users.csv") or inp.broken("enrollments.csv")
    school_broken = (pl.col("school_status") == BROKEN).fill_null(False)
    # A broken users.csv leaves every class without a primary teacher in the Users file
    # (SK-C3): the file is the cause, not each class.
    via_file = (
        pl.lit(course_broken)
        | school_broken
        | pl.lit(inp.broken("users.csv"))
        | pl.lit(inp.broken("enrollments.csv"))
    )
    return {
        "provisioning-mode": pl.lit(not classes_on),
        "header-breaks-sync": pl.lit(inp.broken("classes.csv")) | via_file,
        "class-course-missing": ~pl.lit(course_broken)
        & (pl.col("course_action").is_null() | pl.lit(courses_gone)),
        "course-not-mapped": pl.col("course_action") == "needs-mapping",
        "class-school-skipped": ~school_broken
        & (pl.col("school_status").fill_null("missing") != SYNC),
        # Unknown (the step is `?`), not false, when a file it reads was not processed.
        "class-without-primary-teacher": ~pl.col("has_teacher") & ~pl.lit(teachers_unread),
        # Not documented (primary-teacher-is-student): the only primary "teachers" are users
        # with a Student account (enrollment role teacher, user role student).
        "class-primary-teacher-is-student": pl.col("has_teacher")
        & pl.col("_student_primary")
        & ~pl.lit(teachers_unread),
        "mixed-grade-class": pl.col("n_grades") > 1,
        "course-mapping-unverified": pl.col("course_action") == "unverified",
        "grade-without-content": no_content,
    }
