"""The next day's export: what a district's nightly changes look like (OneRoster 1.1).

From any 1.1 export in memory: 0.5% of students leave (removed from users and
enrollments), 0.5% move to another school that teaches their grade (new enrollments there,
one class per period), 0.5% of the remaining student enrollments are dropped and 0.5% move
to another class of the same course, and one school gets a new course with one class.
Students linked to a parent are left alone so no agent reference dangles.
"""

from __future__ import annotations

import polars as pl

from benchmarks.synth.model import Roster
from benchmarks.synth.rand import draw, percent

BP = 50  # basis points of each change
ROW = "__r"


def _bands(seed: int, stream: str, n: int) -> pl.Expr:
    return percent(seed, stream, pl.int_range(n))


def _transfers(seed: int, movers: pl.DataFrame, classes: pl.DataFrame) -> pl.DataFrame:
    """(user, grade, school, new_school) for movers whose grade another school teaches."""
    offered = (
        classes.select(new_school="schoolSourcedId", grade="grades")
        .unique()
        .sort("new_school", "grade")
    )
    cand = movers.join(offered, on="grade").filter(pl.col("new_school") != pl.col("school"))
    cand = cand.with_columns(
        k=draw(seed, "transfer-to", pl.col(ROW)) % pl.len().over("user").cast(pl.UInt64)
    )
    cand = cand.with_columns(i=pl.int_range(pl.len()).over("user").cast(pl.UInt64))
    return cand.filter(pl.col("i") == pl.col("k")).select("user", "grade", "school", "new_school")


def _student_rows(users: pl.DataFrame, seed: int) -> pl.DataFrame:
    s = users.with_row_index(ROW).filter(
        (pl.col("role") == "student") & pl.col("agentSourcedIds").is_null()
    )
    return s.with_columns(p=percent(seed, "day-user", pl.col(ROW)))


def next_day(roster: Roster, seed: int) -> Roster:
    t = dict(roster.tables)
    users, enr, classes, courses = (
        t[n] for n in ("users.csv", "enrollments.csv", "classes.csv", "courses.csv")
    )
    dates = enr.select("beginDate", "endDate").row(0)
    stu = _student_rows(users, seed)
    leavers = stu.filter(pl.col("p") < BP)["sourcedId"]
    movers = stu.filter((pl.col("p") >= BP) & (pl.col("p") < 2 * BP)).select(
        ROW, user="sourcedId", grade="grades", school="orgSourcedIds"
    )
    moves = _transfers(seed, movers, classes)

    # Users: leavers go, movers get their new school.
    users = users.filter(~pl.col("sourcedId").is_in(leavers.implode()))
    new_school = dict(zip(moves["user"].to_list(), moves["new_school"].to_list(), strict=True))
    users = users.with_columns(
        orgSourcedIds=pl.col("sourcedId").replace_strict(
            new_school, default=pl.col("orgSourcedIds")
        )
    )

    # Enrollments: leavers' and movers' old rows go; movers join one class per period.
    gone = pl.concat([leavers, moves["user"]]).implode()
    enr = enr.filter(~pl.col("userSourcedId").is_in(gone))
    per_period = (
        classes.group_by("schoolSourcedId", "grades", "periods")
        .agg(pl.col("sourcedId").min())
        .rename({"schoolSourcedId": "new_school", "grades": "grade", "sourcedId": "cls"})
    )
    joins = moves.join(per_period, on=["new_school", "grade"]).sort("cls", "user")
    enr = pl.concat([enr, _rows(joins, dates)])

    # Of the other student enrollments, some are dropped and some move to a sibling class.
    e = enr.with_columns(p=_bands(seed, "day-enrollment", enr.height))
    student = pl.col("role") == "student"
    e = e.filter(~(student & (pl.col("p") < BP)))
    course_of = classes.select(classSourcedId="sourcedId", course="courseSourcedId")
    sib = classes.select(course="courseSourcedId", sib="sourcedId").sort("course", "sib")
    sib = sib.with_columns(
        nxt=pl.col("sib").shift(-1).over("course"), first=pl.col("sib").first().over("course")
    )
    sib = sib.with_columns(nxt=pl.col("nxt").fill_null(pl.col("first"))).filter(
        pl.col("nxt") != pl.col("sib")
    )
    e = e.join(course_of, on="classSourcedId", how="left", maintain_order="left")
    e = e.join(
        sib.select(classSourcedId="sib", nxt="nxt"),
        on="classSourcedId",
        how="left",
        maintain_order="left",
    )
    move = student & (pl.col("p") >= BP) & (pl.col("p") < 2 * BP) & pl.col("nxt").is_not_null()
    e = e.with_columns(
        classSourcedId=pl.when(move).then(pl.col("nxt")).otherwise(pl.col("classSourcedId")),
        sourcedId=pl.when(move)
        .then(pl.concat_str("nxt", pl.lit("_"), "userSourcedId"))
        .otherwise(pl.col("sourcedId")),
    )
    enr = e.select(enr.columns).unique(
        ["classSourcedId", "userSourcedId"], keep="first", maintain_order=True
    )

    courses, classes, enr = _new_course(courses, classes, enr, dates)
    t.update(
        {"users.csv": users, "enrollments.csv": enr, "classes.csv": classes, "courses.csv": courses}
    )
    return Roster(version=roster.version, tables=t, manifest_extra=roster.manifest_extra)


def _rows(joins: pl.DataFrame, dates: tuple[str, str]) -> pl.DataFrame:
    return joins.select(
        sourcedId=pl.concat_str("cls", pl.lit("_"), "user"),
        status=pl.lit(None, pl.String),
        dateLastModified=pl.lit(None, pl.String),
        classSourcedId="cls",
        schoolSourcedId="new_school",
        userSourcedId="user",
        role=pl.lit("student"),
        primary=pl.lit(""),
        beginDate=pl.lit(dates[0]),
        endDate=pl.lit(dates[1]),
    )


def _new_course(
    courses: pl.DataFrame, classes: pl.DataFrame, enr: pl.DataFrame, dates: tuple[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """A Robotics course and class in the last school, taught by one of its teachers."""
    template = classes.sort("schoolSourcedId", "grades", "sourcedId").tail(1)
    school, grade = template["schoolSourcedId"][0], template["grades"][0]
    course_id, class_id = f"robotics-{school}", f"robotics-{school}-1"
    course = courses.filter(pl.col("sourcedId") == template["courseSourcedId"][0]).with_columns(
        sourcedId=pl.lit(course_id),
        title=pl.lit("Robotics"),
        courseCode=pl.lit("21009"),
        subjects=pl.lit("Engineering and Technology"),
        subjectCodes=pl.lit("21009"),
    )
    cls = template.with_columns(
        sourcedId=pl.lit(class_id),
        title=pl.lit(f"Robotics ({grade})"),
        courseSourcedId=pl.lit(course_id),
        classCode=pl.lit("21009-01"),
        classType=pl.lit("scheduled"),
        subjects=pl.lit("Engineering and Technology"),
        subjectCodes=pl.lit("21009"),
        periods=pl.lit("8"),
    )
    in_template = enr.filter(pl.col("classSourcedId") == template["sourcedId"][0])
    teacher = in_template.filter(pl.col("primary") == "true").head(1)
    students = in_template.filter(pl.col("role") == "student").head(20)
    joins = pl.concat([teacher, students]).with_columns(
        sourcedId=pl.concat_str(pl.lit(class_id + "_"), "userSourcedId"),
        classSourcedId=pl.lit(class_id),
        beginDate=pl.lit(dates[0]),
        endDate=pl.lit(dates[1]),
    )
    return pl.concat([courses, course]), pl.concat([classes, cls]), pl.concat([enr, joins])
