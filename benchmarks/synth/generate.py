"""Build a clean district export in memory (see benchmarks.synth for the CLI)."""

from __future__ import annotations

import polars as pl

from benchmarks.synth import layout, people, schedule
from benchmarks.synth.model import Config, Roster
from benchmarks.synth.rand import uuid_like

# Numeric ids start here so that every kind of id has a recognisable length.
NUMERIC_START = {"users": 10_000, "classes": 50_000, "courses": 3_000}


def make_ids(cfg: Config, kind: str, n: int) -> pl.Series:
    idx = pl.int_range(n)
    if cfg.ids == "uuid":
        expr = uuid_like(cfg.seed, kind, idx)
    else:
        expr = (idx + NUMERIC_START[kind]).cast(pl.String)
    return pl.select(expr.alias("id")).to_series()


def manifest_rows(version: str, present: list[str]) -> dict[str, str]:
    files = [
        "academicSessions", "categories", "classes", "classResources", "courses",
        "courseResources", "demographics", "enrollments", "lineItems", "orgs", "resources",
        "results", "users",
    ]  # fmt: skip
    if version == "1.2":
        files += ["roles", "userProfiles", "userResources", "scoreScales",
                  "lineItemLearningObjectiveIds", "lineItemScoreScales",
                  "resultLearningObjectiveIds", "resultScoreScales"]  # fmt: skip
    rows = {"manifest.version": "1.0", "oneroster.version": version}
    for f in files:
        rows[f"file.{f}"] = "bulk" if f + ".csv" in present else "absent"
    rows["source.systemName"] = "ClassLink OneRoster"
    rows["source.systemCode"] = "ClassLink"
    return rows


def generate(cfg: Config) -> Roster:
    """A clean OneRoster 1.1 district (1.2 is derived from it by synth.v12)."""
    d = layout.district(cfg)
    cal = layout.calendar(cfg)
    counts = layout.grade_counts(cfg)
    schools = layout.schools_frame(cfg, counts)
    sg = layout.school_grades(cfg, schools, counts)
    courses = schedule.course_grid(sg)
    grid = schedule.class_grid(cfg, sg, courses)
    stu = people.students(cfg, sg)
    staff = people.staff(cfg, grid, sg, stu)

    school_ids = schools["org_id"]
    course_ids = make_ids(cfg, "courses", courses.height)
    class_ids = make_ids(cfg, "classes", grid.height)
    n_users = staff.offsets(stu.height)["end"]
    user_ids = make_ids(cfg, "users", n_users)

    rows = people.user_rows(stu, staff)
    users = people.finish_users(cfg, d, rows, staff, stu.height, user_ids, school_ids)
    keys = people.enrollment_keys(cfg, stu, grid, staff)
    class_school = school_ids.gather(grid["school"])
    tables = {
        "orgs.csv": layout.orgs(cfg, schools),
        "academicSessions.csv": layout.sessions(cfg),
        "courses.csv": schedule.courses_table(courses, course_ids, school_ids, cal.year_id),
        "classes.csv": schedule.classes_table(cfg, grid, class_ids, course_ids, school_ids, cal),
        "users.csv": users,
        "enrollments.csv": people.enrollments_table(keys, cal, class_ids, class_school, user_ids),
    }
    return Roster(version="1.1", tables=tables)
