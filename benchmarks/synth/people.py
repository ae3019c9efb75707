"""Users (students, teachers, staff, a few aides and parents) and enrollments.

Every user has a global index: students first (by school and grade), then teachers,
support (co-)teachers, administrators, aides and parents.  Enrollments are built as
integer frames (class index, user index) and only turned into text at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from benchmarks.synth.layout import Calendar, District, grade_code
from benchmarks.synth.model import Config
from benchmarks.synth.names import FAMILY, GIVEN
from benchmarks.synth.rand import below, draw, percent

USER_COLUMNS_V11 = [
    "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
    "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
    "sms", "phone", "agentSourcedIds", "grades", "password",
]  # fmt: skip
ADMIN_PER_STUDENTS = 600
PARENT_PER_STUDENTS = 400


def students(cfg: Config, sg: pl.DataFrame) -> pl.DataFrame:
    """One row per student: school, grade, core section and elective groups."""
    df = (
        sg.select("school", "grade", "sections", "sg_index", "class_offset", "students")
        .with_columns(r=pl.int_ranges(0, pl.col("students")))
        .explode("r")
        .drop_nulls("r")
        .with_columns(user=pl.int_range(pl.len()))
    )
    df = df.with_columns(section=pl.col("r") % pl.col("sections"))
    # Elective groups: a different shuffle of the grade per elective period, so the
    # students of one core section do not all sit together again in the electives.
    for p in (6, 7):
        key = draw(cfg.seed, f"elective{p}", pl.col("user"))
        grp = (key.rank("ordinal").over("sg_index").cast(pl.Int64) - 1) % pl.col("sections")
        df = df.with_columns(grp.alias(f"g{p}"))
    return df


@dataclass(frozen=True)
class Staff:
    """Staff counts and where each kind starts in the global user index."""

    teachers: pl.DataFrame  # school, by teacher index
    support: pl.DataFrame  # school, by support-teacher index
    admins: pl.DataFrame  # school, principal (bool)
    aides: pl.DataFrame  # school
    parents: pl.DataFrame  # student (user index), school

    def offsets(self, n_students: int) -> dict[str, int]:
        t0 = n_students
        s0 = t0 + self.teachers.height
        a0 = s0 + self.support.height
        d0 = a0 + self.admins.height
        p0 = d0 + self.aides.height
        return {
            "teacher": t0,
            "support": s0,
            "admin": a0,
            "aide": d0,
            "parent": p0,
            "end": p0 + self.parents.height,
        }


def staff(cfg: Config, grid: pl.DataFrame, sg: pl.DataFrame, stu: pl.DataFrame) -> Staff:
    per_school = sg.group_by("school", maintain_order=True).agg(
        pl.col("students").sum(), pl.col("band").first()
    )
    admins = (
        per_school.select(
            "school",
            n=1
            + (pl.col("band") != "elementary").cast(pl.Int64)
            + pl.col("students") // ADMIN_PER_STUDENTS,
        )
        .with_columns(k=pl.int_ranges(0, pl.col("n")))
        .explode("k")
    )
    aides = (
        per_school.select("school", n=pl.when(pl.col("band") == "elementary").then(2).otherwise(1))
        .with_columns(k=pl.int_ranges(0, pl.col("n")))
        .explode("k")
    )
    n_parents = max(1, cfg.students // PARENT_PER_STUDENTS)
    step = max(1, cfg.students // n_parents)
    parents = stu.select("user", "school").gather_every(step).head(n_parents)

    def home(col: str) -> pl.DataFrame:
        g = grid.drop_nulls(col).group_by(col).agg(pl.col("school").min())
        return g.sort(col).select("school")

    return Staff(
        teachers=home("teacher"),
        support=home("support"),
        admins=admins.select("school", principal=pl.col("k") == 0),
        aides=aides.select("school"),
        parents=parents.rename({"user": "student"}),
    )


def _names(cfg: Config, user: pl.Expr) -> list[pl.Expr]:
    given = pl.lit(pl.Series(GIVEN)).gather(below(cfg.seed, "given", user, len(GIVEN)))
    family = pl.lit(pl.Series(FAMILY)).gather(below(cfg.seed, "family", user, len(FAMILY)))
    middle_pick = pl.lit(pl.Series(GIVEN)).gather(below(cfg.seed, "middle", user, len(GIVEN)))
    middle = (
        pl.when(percent(cfg.seed, "has-middle", user) < 6000)
        .then(middle_pick)
        .otherwise(pl.lit(""))
    )
    return [given.alias("given"), family.alias("family"), middle.alias("middle")]


def user_rows(stu: pl.DataFrame, st: Staff) -> pl.DataFrame:
    """(user, school, role, grade) for every user, in global index order."""
    off = st.offsets(stu.height)
    none = pl.lit(None, pl.Int64)

    def part(df: pl.DataFrame, start: str, end: str, role: str) -> pl.DataFrame:
        return df.select(
            user=pl.int_range(off[start], off[end]), school="school", role=pl.lit(role), grade=none
        )

    return pl.concat(
        [
            stu.select("user", "school", role=pl.lit("student"), grade=pl.col("grade")),
            part(st.teachers, "teacher", "support", "teacher"),
            part(st.support, "support", "admin", "teacher"),
            part(st.admins, "admin", "aide", "administrator"),
            part(st.aides, "aide", "parent", "aide"),
            part(st.parents, "parent", "end", "parent"),
        ],
        how="vertical_relaxed",
    )


def finish_users(
    cfg: Config,
    d: District,
    u: pl.DataFrame,
    st: Staff,
    n_students: int,
    user_ids: pl.Series,
    school_ids: pl.Series,
) -> pl.DataFrame:
    """Text columns for every user row (u: user, school, role, grade)."""
    off = st.offsets(n_students)
    u = u.with_columns(*_names(cfg, pl.col("user")))
    is_student = pl.col("role") == "student"
    number = (
        pl.when(is_student)
        .then(200_000 + pl.col("user"))
        .otherwise(10_000 + pl.col("user") - n_students)
    )
    ident = (
        pl.when(is_student)
        .then(number.cast(pl.String))
        .otherwise(pl.lit("E") + number.cast(pl.String))
    )
    username = pl.concat_str(
        pl.col("given").str.to_lowercase(),
        pl.lit("."),
        pl.col("family").str.to_lowercase(),
        number.cast(pl.String),
    )
    domain = (
        pl.when(is_student)
        .then(pl.lit("@students." + d.domain))
        .when(pl.col("role") == "parent")
        .then(pl.lit("@mail.example"))
        .otherwise(pl.lit("@" + d.domain))
    )
    # Parents and the one student each is linked to name each other (reciprocal agents).
    links = pl.concat(
        [
            st.parents.select(
                user=pl.col("student"), agent=pl.int_range(off["parent"], off["end"])
            ),
            st.parents.select(
                user=pl.int_range(off["parent"], off["end"]), agent=pl.col("student")
            ),
        ]
    )
    u = u.join(links, on="user", how="left", maintain_order="left")
    return u.select(
        sourcedId=user_ids.gather(u["user"]),
        status=pl.lit(None, pl.String),
        dateLastModified=pl.lit(None, pl.String),
        enabledUser=pl.lit("true"),
        orgSourcedIds=school_ids.gather(u["school"]),
        role=pl.col("role"),
        username=username,
        userIds=pl.concat_str(pl.lit("{FED:"), ident, pl.lit("}")),
        givenName=pl.col("given").str.to_uppercase(),
        familyName=pl.col("family").str.to_uppercase(),
        middleName=pl.col("middle").str.to_uppercase(),
        identifier=ident,
        email=pl.concat_str(username, domain),
        sms=pl.lit(""),
        phone=pl.lit(""),
        agentSourcedIds=pl.when(pl.col("agent").is_not_null()).then(
            user_ids.gather(u["agent"].fill_null(0))
        ),
        grades=grade_code("grade"),
        password=pl.lit(""),
    )


def enrollment_keys(cfg: Config, stu: pl.DataFrame, grid: pl.DataFrame, st: Staff) -> pl.DataFrame:
    """(cls, kind, user) for every enrollment, sorted: teachers first, then students."""
    off = st.offsets(stu.height)
    parts = [
        grid.select("cls", kind=pl.lit(0), user=pl.col("teacher") + off["teacher"]),
        grid.filter(pl.col("co")).select(
            "cls", kind=pl.lit(1), user=pl.col("support") + off["support"]
        ),
    ]
    for p in range(1, cfg.classes_per_student + 1):
        group = pl.col(f"g{p}") if p in (6, 7) else pl.col("section")
        # Elementary schedules keep the section together all day.
        if p in (6, 7):
            group = pl.when(pl.col("grade") <= 5).then(pl.col("section")).otherwise(group)
        cls = pl.col("class_offset") + (p - 1) * pl.col("sections") + group
        parts.append(stu.select(cls=cls, kind=pl.lit(2), user=pl.col("user")))
    keys = pl.concat([p.select(pl.col("cls", "kind", "user").cast(pl.Int64)) for p in parts])
    return keys.sort("cls", "kind", "user")


def enrollments_table(
    keys: pl.DataFrame,
    cal: Calendar,
    class_ids: pl.Series,
    class_school: pl.Series,
    user_ids: pl.Series,
) -> pl.DataFrame:
    cls = class_ids.gather(keys["cls"])
    usr = user_ids.gather(keys["user"])
    kind = pl.col("kind")
    return keys.select(
        sourcedId=pl.concat_str(pl.lit(cls), pl.lit("_"), pl.lit(usr)),
        status=pl.lit(None, pl.String),
        dateLastModified=pl.lit(None, pl.String),
        classSourcedId=pl.lit(cls),
        schoolSourcedId=pl.lit(class_school.gather(keys["cls"])),
        userSourcedId=pl.lit(usr),
        role=pl.when(kind == 2).then(pl.lit("student")).otherwise(pl.lit("teacher")),
        primary=pl.when(kind == 0)
        .then(pl.lit("true"))
        .when(kind == 1)
        .then(pl.lit("false"))
        .otherwise(pl.lit("")),
        beginDate=pl.lit(cal.start),
        endDate=pl.lit(cal.end),
    )
