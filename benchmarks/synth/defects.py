"""Plant every defect kind the tool detects, at a small rate, and tag the rows.

Each kind picks its rows deterministically (a hash of seed, kind and row index, never a
row already tagged), changes them with whole-column expressions, and writes its name to
the hidden TAG column as "kind:column".  `io.defect_manifest` turns tags into the
DIR.defects.json list (kind, file, line, id, column).  Kinds that add rows append them
at the end of the file.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from benchmarks.synth.model import TAG, Roster
from benchmarks.synth.rand import draw

Tables = dict[str, pl.DataFrame]
IDX = "__i"


class Planter:
    def __init__(self, tables: Tables, seed: int, rate: float) -> None:
        self.t = {
            k: (v if TAG in v.columns else v.with_columns(pl.lit(None, pl.String).alias(TAG)))
            for k, v in tables.items()
        }
        self.seed = seed
        self.rate = rate

    def pick(self, file: str, eligible: pl.Expr, kind: str) -> pl.DataFrame:
        """Rows to damage: max(1, rate x eligible) of the untagged eligible rows."""
        df = self.t[file].with_row_index(IDX)
        pool = df.filter(eligible & pl.col(TAG).is_null())
        k = max(1, round(self.rate * pool.height)) if pool.height else 0
        order = draw(self.seed, "defect:" + kind, pl.col(IDX))
        return pool.sort(order).head(k).sort(IDX)

    def set(
        self,
        file: str,
        rows: pl.DataFrame,
        column: str,
        value: pl.Expr,
        kind: str,
        tag_column: str | None = None,
    ) -> None:
        """Set `column` to `value` (evaluated on the file) on `rows`, and tag them."""
        hit = pl.int_range(pl.len()).is_in(rows[IDX].implode())
        tag = f"{kind}:{tag_column if tag_column is not None else column}"
        self.t[file] = self.t[file].with_columns(
            pl.when(hit).then(value).otherwise(pl.col(column)).alias(column),
            pl.when(hit).then(pl.lit(tag)).otherwise(pl.col(TAG)).alias(TAG),
        )

    def tag(self, file: str, rows: pl.DataFrame, kind: str, column: str = "") -> None:
        self.set(file, rows, "sourcedId", pl.col("sourcedId"), kind, column)

    def append(self, file: str, rows: pl.DataFrame, kind: str | None, column: str = "") -> None:
        tag = pl.lit(f"{kind}:{column}") if kind else pl.lit(None, pl.String)
        new = rows.with_columns(tag.alias(TAG)).select(self.t[file].columns)
        self.t[file] = pl.concat([self.t[file], new])


STUDENT = pl.col("role") == "student"


def _school_nces(p: Planter) -> None:
    rows = p.pick("orgs.csv", pl.col("type") == "school", "school-missing-nces-id")
    p.set("orgs.csv", rows, "identifier", pl.lit(""), "school-missing-nces-id")


def _no_primary_teacher(p: Planter) -> None:
    rows = p.pick("classes.csv", pl.lit(True), "class-without-primary-teacher")
    p.tag("classes.csv", rows, "class-without-primary-teacher")
    e = p.t["enrollments.csv"]
    hit = pl.col("classSourcedId").is_in(rows["sourcedId"].implode()) & (
        pl.col("role") == "teacher"
    )
    p.t["enrollments.csv"] = e.with_columns(
        pl.when(hit).then(pl.lit("false")).otherwise(pl.col("primary")).alias("primary")
    )


def _course_missing(p: Planter) -> None:
    rows = p.pick("classes.csv", pl.lit(True), "class-course-missing")
    p.set(
        "classes.csv",
        rows,
        "courseSourcedId",
        pl.col("courseSourcedId") + "-9",
        "class-course-missing",
    )


def _mixed_grade(p: Planter) -> None:
    """Two students of another grade of the same school join the class."""
    kind = "mixed-grade-class"
    classes = p.pick("classes.csv", pl.col("classType") == "scheduled", kind)
    users = (
        p.t["users.csv"]
        .filter(STUDENT)
        .select(user="sourcedId", school="orgSourcedIds", ugrade="grades")
        .with_row_index("__u")
    )
    cand = classes.select(cls="sourcedId", school="schoolSourcedId", cgrade="grades").join(
        users, on="school"
    )
    cand = cand.filter(pl.col("ugrade") != pl.col("cgrade"))
    cand = cand.with_columns(
        r=draw(p.seed, kind, pl.col("__u")).rank("ordinal").over("cls")
    ).filter(pl.col("r") <= 2)
    e = p.t["enrollments.csv"]
    first = e.row(0, named=True)
    new = cand.sort("cls", "user").select(
        sourcedId=pl.concat_str("cls", pl.lit("_"), "user"),
        status=pl.lit(None, pl.String),
        dateLastModified=pl.lit(None, pl.String),
        classSourcedId="cls",
        schoolSourcedId="school",
        userSourcedId="user",
        role=pl.lit("student"),
        primary=pl.lit(""),
        beginDate=pl.lit(first["beginDate"]),
        endDate=pl.lit(first["endDate"]),
    )
    p.append("enrollments.csv", new, None)
    p.tag(
        "classes.csv",
        classes.filter(pl.col("sourcedId").is_in(new["classSourcedId"].implode())),
        kind,
    )


def _two_primaries(p: Planter) -> None:
    co = (pl.col("role") == "teacher") & (pl.col("primary") == "false")
    rows = p.pick("enrollments.csv", co, "two-primary-teachers")
    p.set("enrollments.csv", rows, "primary", pl.lit("true"), "two-primary-teachers")


def _user_value(
    kind: str, column: str, eligible: pl.Expr, value: pl.Expr
) -> Callable[[Planter], None]:
    def plant(p: Planter) -> None:
        rows = p.pick("users.csv", eligible, kind)
        p.set("users.csv", rows, column, value, kind)

    return plant


def _other_school(p: Planter) -> None:
    kind = "user-multiple-schools"
    schools = p.t["orgs.csv"].filter(pl.col("type") == "school")["sourcedId"]
    if schools.len() < 2:
        return
    nxt = pl.concat([schools.tail(-1), schools.head(1)])
    rows = p.pick("users.csv", pl.col("role") == "teacher", kind)
    other = pl.col("orgSourcedIds").replace_strict(schools, nxt, default=schools[0])
    p.set(
        "users.csv", rows, "orgSourcedIds", pl.concat_str("orgSourcedIds", pl.lit(","), other), kind
    )


def _duplicate_id(p: Planter) -> None:
    kind = "duplicate-sourcedid"
    rows = p.pick("users.csv", STUDENT, kind)
    copies = rows.drop(IDX).with_columns(
        givenName=pl.lit("JORDAN"), username=pl.col("username") + "b"
    )
    p.append("users.csv", copies, kind, "sourcedId")


def _guardian(p: Planter) -> None:
    kind = "guardian-not-linked-back"
    rows = p.pick("users.csv", STUDENT & pl.col("agentSourcedIds").is_null(), kind)
    g = rows.drop(IDX).with_columns(
        sourcedId=pl.lit("g-") + pl.col("sourcedId"),
        role=pl.lit("guardian"),
        givenName=pl.lit("PAT"),
        username=pl.lit("pat.") + pl.col("familyName").str.to_lowercase() + pl.col("identifier"),
        email=pl.lit("pat.")
        + pl.col("familyName").str.to_lowercase()
        + pl.col("identifier")
        + "@mail.example",
        userIds=pl.lit(""),
        identifier=pl.lit(""),
        agentSourcedIds=pl.col("sourcedId"),
        grades=pl.lit(""),
    )
    p.append("users.csv", g, kind, "agentSourcedIds")


def _district_admin(p: Planter) -> None:
    kind = "district-admin-needs-request"
    district = p.t["orgs.csv"].filter(pl.col("type") == "district")["sourcedId"]
    rows = p.pick("users.csv", pl.col("role") == "administrator", kind)
    if district.is_empty():
        return
    a = rows.drop(IDX).with_columns(
        sourcedId=pl.lit("d-") + pl.col("sourcedId"),
        orgSourcedIds=pl.lit(district[0]),
        username=pl.col("username") + "d",
        email=pl.lit("d.") + pl.col("email"),
        identifier=pl.col("identifier") + "D",
        userIds=pl.concat_str(pl.lit("{FED:"), pl.col("identifier") + "D", pl.lit("}")),
    )
    p.append("users.csv", a, kind, "orgSourcedIds")


def _enrollment_value(kind: str, column: str, value: pl.Expr) -> Callable[[Planter], None]:
    def plant(p: Planter) -> None:
        rows = p.pick("enrollments.csv", STUDENT, kind)
        p.set("enrollments.csv", rows, column, value, kind)

    return plant


def _class_value(
    kind: str, column: str, eligible: pl.Expr, value: pl.Expr
) -> Callable[[Planter], None]:
    def plant(p: Planter) -> None:
        rows = p.pick("classes.csv", eligible, kind)
        p.set("classes.csv", rows, column, value, kind)

    return plant


PADDED = pl.col("grades").is_in(["01", "02", "03", "04", "05", "06", "07", "08", "09"])
US_DATE = pl.col("beginDate").str.replace(r"^(\d{4})-0?(\d{1,2})-0?(\d{1,2})$", "$2/$3/$1")

# Order matters only for determinism: each kind skips rows an earlier kind tagged.
KINDS: dict[str, Callable[[Planter], None]] = {
    "school-missing-nces-id": _school_nces,
    "class-without-primary-teacher": _no_primary_teacher,
    "class-course-missing": _course_missing,
    "mixed-grade-class": _mixed_grade,
    "two-primary-teachers": _two_primaries,
    "enum-wrong-case": _class_value(
        "enum-wrong-case", "classType", pl.col("classType") == "scheduled", pl.lit("Scheduled")
    ),
    "student-without-grade": _user_value("student-without-grade", "grades", STUDENT, pl.lit("")),
    "grade-not-zero-padded": _user_value(
        "grade-not-zero-padded",
        "grades",
        STUDENT & PADDED,
        pl.col("grades").str.strip_chars_start("0"),
    ),
    "grade-without-content": _user_value(
        "grade-without-content", "grades", STUDENT & (pl.col("grades") == "KG"), pl.lit("PK")
    ),
    "boolean-not-lowercase": _user_value(
        "boolean-not-lowercase", "enabledUser", STUDENT, pl.lit("TRUE")
    ),
    "user-disabled": _user_value("user-disabled", "enabledUser", STUDENT, pl.lit("false")),
    "user-org-missing": _user_value(
        "user-org-missing", "orgSourcedIds", STUDENT, pl.lit("closed-") + pl.col("orgSourcedIds")
    ),
    "id-whitespace": _user_value(
        "id-whitespace", "orgSourcedIds", STUDENT, pl.lit(" ") + pl.col("orgSourcedIds")
    ),
    "password-too-short": _user_value(
        "password-too-short",
        "password",
        STUDENT,
        pl.col("givenName").str.to_lowercase().str.slice(0, 3),
    ),
    "user-multiple-schools": _other_school,
    "duplicate-sourcedid": _duplicate_id,
    "guardian-not-linked-back": _guardian,
    "district-admin-needs-request": _district_admin,
    "enrollment-class-missing": _enrollment_value(
        "enrollment-class-missing", "classSourcedId", pl.col("classSourcedId") + "-9"
    ),
    "enrollment-user-missing": _enrollment_value(
        "enrollment-user-missing", "userSourcedId", pl.col("userSourcedId") + "-9"
    ),
    "date-not-iso": _enrollment_value("date-not-iso", "beginDate", US_DATE),
}


def plant(roster: Roster, seed: int, rate: float) -> Roster:
    p = Planter(roster.tables, seed, rate)
    for fn in KINDS.values():
        fn(p)
    return Roster(version=roster.version, tables=p.t, manifest_extra=roster.manifest_extra)
