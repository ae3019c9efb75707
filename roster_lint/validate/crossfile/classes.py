"""Classes: their teachers and students (from enrollments) and their course's org.

Counting "no teacher" or "no students" needs the whole enrollment set, so those rules
only run when enrollments.csv is bulk; a delta file only carries changes.
"""

from __future__ import annotations

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import LINE, Export, Table
from roster_lint.validate.crossfile.common import (
    SID,
    is_complete,
    live,
    not_deleted,
    present,
    quote_list,
    repeats,
    sliced,
    table,
)
from roster_lint.validate.crossfile.grouped import add_by_line
from roster_lint.validate.crossfile.hierarchy import ancestors

SEVERAL_PRIMARY = "RL230"
NO_TEACHER = "RL231"
NO_PRIMARY = "RL232"
COURSE_ORG_OUTSIDE = "RL233"
NO_STUDENTS = "RL234"


def _teacher_rows(export: Export) -> pl.Series | None:
    """Row numbers (u32) of the live teacher enrollments, read by both teacher rules: a few
    percent of 7M rows, so each rule gathers what it needs from them instead of comparing
    role, status and primary over every row again."""
    enr = table(export, "enrollments.csv", "classSourcedId", "role")
    if enr is None:
        return None
    mask = enr.df.select((pl.col("role") == "teacher").fill_null(False)).to_series()
    keep = live(export, enr)
    return (mask if keep is None else mask & keep).arg_true()


def _primary(enr: Table, rows: pl.Series) -> pl.Series:
    """primary == "true" on the given rows (False where the column is missing or blank)."""
    if not enr.has("primary"):
        return pl.Series("primary", [False] * rows.len(), dtype=pl.Boolean())
    return (enr.df["primary"].gather(rows) == "true").fill_null(False)


def _several_primary(
    export: Export, out: Findings, teachers: pl.Series, primary: pl.Series
) -> None:
    enr = table(export, "enrollments.csv", "classSourcedId", "role", "primary")
    if enr is None:
        return
    sid = pl.col(SID) if enr.has(SID) else pl.col(LINE).cast(pl.String())
    # Most classes have one primary teacher: find the classes whose hash repeats among the
    # primary rows, then gather and group the strings of only those classes' rows.
    rows = teachers.filter(primary)
    shared = export.id_hash(enr.name, "classSourcedId").gather(rows)
    twice = repeats(shared)
    if twice.len() == 0:
        return
    rows = rows.filter(shared.is_in(twice.implode()))
    found = enr.df.select(LINE, sid.alias("sourced_id"), "classSourcedId", "primary")[rows]
    groups = (
        found.group_by("classSourcedId")
        .agg(pl.len().alias("n"), pl.col("sourced_id").sort().alias("ids"))
        .filter(pl.col("n") > 1)
    )
    if groups.height == 0:
        return
    hits = found.join(groups, on="classSourcedId", how="inner")
    out.add(
        SEVERAL_PRIMARY,
        hits.select(
            pl.col(LINE).alias("line"),
            "sourced_id",
            pl.col("primary").alias("value"),
            pl.col("classSourcedId").alias("related_value"),
            pl.format(
                "class '{}' has {} primary teachers (enrollments {}); mark one lead teacher.",
                "classSourcedId",
                "n",
                quote_list(pl.col("ids")),
            ).alias("message"),
        ),
        file=enr.path,
        column="primary",
        related_file="classes.csv",
        related_column=SID,
    )


def _teacher_counts(keys: pl.Series, primary: pl.Series, on: str) -> pl.DataFrame:
    """(on, teachers, primaries) per class key over teacher rows (their keys, primary flags)."""
    return (
        pl.DataFrame({on: keys, "p": primary})
        .group_by(on)
        .agg(pl.len().alias("teachers"), pl.col("p").sum().alias("primaries"))
    )


def _doubtful(
    unsure: pl.DataFrame, hashes: pl.Series, enr: pl.DataFrame, teacher_rows: pl.Series
) -> pl.Series:
    """The class hashes (`_h`) of `unsure` whose teacher counts may not be their class's:
    the hash is shared by two class ids, or by a teacher row of another class id (a
    collision).  Elsewhere every teacher row counted under the hash is of that one class,
    so its hash counts are its exact counts.  Only the teacher rows of unsure hashes are
    compared as strings (not grouped): `hashes` are the teacher rows' class hashes.

    Most often (every class with an Excel `TRUE` is unsure) no hash of `unsure` repeats:
    then each names one id, and the uniques of every (hash, id) pair are spared (a sort of
    the hashes costs a fraction of them: docs/performance.md, "Branch checkfast4")."""
    names = unsure.select("_h", SID)
    if repeats(unsure["_h"]).len() == 0:
        twice = unsure["_h"].clear()
    else:
        names = names.unique()
        twice = names.filter(pl.col("_h").is_duplicated())["_h"]
        names = names.unique("_h", keep="first")
    mine = hashes.is_in(unsure["_h"].implode())
    seen = pl.DataFrame(
        {"_h": hashes.filter(mine), "_t": enr["classSourcedId"].gather(teacher_rows.filter(mine))}
    ).join(names, on="_h", how="left")
    other = seen.filter(pl.col("_t").ne_missing(pl.col(SID)))["_h"]
    return pl.concat([twice, other]).unique()


def _counts(export: Export, out: Findings, teacher_rows: pl.Series, primary: pl.Series) -> None:
    classes = table(export, "classes.csv", SID)
    enr = table(export, "enrollments.csv", "classSourcedId", "role")
    if classes is None or enr is None or not is_complete(enr):
        return
    # Teachers per class on the shared u64 hashes of the class ids (grouping 36-character
    # strings costs far more): a class whose hash has no teacher row certainly has no
    # teacher; "teachers but no primary" is confirmed on the strings below.
    shared = export.id_hash(enr.name, "classSourcedId")
    teachers = _teacher_counts(shared.gather(teacher_rows), primary, "_h")
    # Student rows are millions: compare the shared u64 hashes of their classes; a class
    # whose hash is absent certainly has no student.
    # A class's rows usually follow each other: dropping repeats of the previous value
    # (cheap) shrinks the set to build from millions to about one entry per class; done
    # by slices, so the 6.5M student rows' hashes are never gathered at once.
    mask = pl.col("role") == "student"
    keep = live(export, enr)
    if keep is not None:
        mask = mask & pl.col("_live")
    student = pl.col("_c").filter(mask.fill_null(False))
    given = {"_c": shared}
    if keep is not None:
        given["_live"] = keep
    taught = sliced(enr.df, {"h": student.filter(student.ne_missing(student.shift(1)))}, given)
    own = export.id_hash(classes.name, SID)
    joined = (
        classes.df.lazy()  # lazy: the filter copies only the columns selected
        .with_columns(
            own.is_in(taught["h"].implode()).cast(pl.Int8()).alias("students"), own.alias("_h")
        )
        .filter(present(SID) & not_deleted(classes))
        .select(LINE, SID, "students", "_h")
        .collect()
        .join(teachers, on="_h", how="left")
        .with_columns(pl.col("teachers", "primaries").fill_null(0))
    )
    no_primary = (pl.col("teachers") > 0) & (pl.col("primaries") == 0)
    unsure = joined.filter(no_primary)
    if unsure.height:  # a hash collision could merge two classes' teachers: count exactly
        doubt = _doubtful(unsure, shared.gather(teacher_rows), enr.df, teacher_rows)
        exact_rows = unsure.filter(pl.col("_h").is_in(doubt.implode()))
        if exact_rows.height:
            ids = enr.df["classSourcedId"].gather(teacher_rows)
            wanted = ids.is_in(exact_rows[SID].unique().implode())
            exact = _teacher_counts(ids.filter(wanted), primary.filter(wanted), SID)
            exact_rows = (
                exact_rows.drop("teachers", "primaries")
                .join(exact, on=SID, how="left")
                .with_columns(pl.col("teachers", "primaries").fill_null(0))
                .select(unsure.columns)
            )
            unsure = pl.concat([unsure.filter(~pl.col("_h").is_in(doubt.implode())), exact_rows])
    common = {"file": classes.path, "column": SID, "related_file": enr.path}

    def emit(rule: str, frame: pl.DataFrame, cond: pl.Expr, text: str) -> None:
        def hits(part: pl.DataFrame) -> pl.DataFrame:
            return part.select(
                pl.col(LINE).alias("line"),
                pl.col(SID).alias("sourced_id"),
                pl.col(SID).alias("value"),
                pl.col(SID).alias("related_value"),  # the class's rows of enrollments.csv
                pl.format(text, SID).alias("message"),
            )

        # One hit per class row (a line): grouped before the messages are made.
        found = frame.filter(cond).select(LINE, SID)
        add_by_line(out, rule, found, hits, related_column="classSourcedId", **common)

    emit(NO_TEACHER, joined, pl.col("teachers") == 0, "class '{}' has no teacher enrollment.")
    emit(
        NO_PRIMARY,
        unsure,
        no_primary,
        "class '{}' has teacher enrollments but none with primary=true.",
    )
    emit(NO_STUDENTS, joined, pl.col("students") == 0, "class '{}' has no student enrollment.")


def _course_org(export: Export, out: Findings) -> None:
    classes = table(export, "classes.csv", SID, "courseSourcedId", "schoolSourcedId")
    courses = table(export, "courses.csv", SID, "orgSourcedId")
    orgs = table(export, "orgs.csv", SID, "parentSourcedId")
    if classes is None or courses is None:
        return
    course_org = (
        courses.df.lazy()  # lazy: the filter copies only the columns selected
        .filter(present("orgSourcedId"))
        .select(pl.col(SID).alias("courseSourcedId"), pl.col("orgSourcedId").alias("courseOrg"))
        .collect()
        .unique(subset="courseSourcedId", keep="first")
    )
    # The course may belong to the class school itself or to any org above it (its district).
    up = ancestors(orgs.df) if orgs is not None else {}
    pairs = [(school, org) for school, above in up.items() for org in above]
    allowed = pl.DataFrame(
        {"schoolSourcedId": [p[0] for p in pairs], "courseOrg": [p[1] for p in pairs]},
        schema={"schoolSourcedId": pl.String(), "courseOrg": pl.String()},
    )
    hits = (
        classes.df.lazy()
        .filter(present("schoolSourcedId"))
        .select(LINE, SID, "courseSourcedId", "schoolSourcedId")
        .collect()
        .join(course_org, on="courseSourcedId", how="inner")
        .filter(pl.col("courseOrg") != pl.col("schoolSourcedId"))
        .join(allowed, on=["schoolSourcedId", "courseOrg"], how="anti")
    )
    out.add(
        COURSE_ORG_OUTSIDE,
        hits.select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col("courseSourcedId").alias("value"),
            pl.col("courseOrg").alias("related_value"),
            pl.format(
                "course '{}' belongs to org '{}', which is neither the class school '{}'"
                " nor an org above it.",
                "courseSourcedId",
                "courseOrg",
                "schoolSourcedId",
            ).alias("message"),
        ),
        file=classes.path,
        column="courseSourcedId",
        related_file=courses.path,
        related_column="orgSourcedId",
    )


def run(export: Export, out: Findings) -> None:
    teachers = _teacher_rows(export)
    if teachers is not None:
        primary = _primary(export.tables["enrollments.csv"], teachers)
        _several_primary(export, out, teachers, primary)
        _counts(export, out, teachers, primary)
    _course_org(export, out)
