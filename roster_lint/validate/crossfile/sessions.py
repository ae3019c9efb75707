"""Academic sessions: date order, nesting, parent types, schoolYear, overlapping periods.

academicSessions.csv holds a few hundred rows; pairwise joins within a parent are cheap.
Dates that do not parse as YYYY-MM-DD are the schema rules' finding and drop out here.
"""

from __future__ import annotations

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import LINE, Export, Table
from roster_lint.validate.crossfile.common import SID, present, table
from roster_lint.validate.crossfile.hierarchy import cycle_hits

ENDS_BEFORE_START = "RL260"
OUTSIDE_PARENT = "RL261"
PARENT_SMALLER = "RL262"
SCHOOL_YEAR_NOT_END = "RL263"
PERIODS_OVERLAP = "RL264"
OUTSIDE_SCHOOL_YEAR = "RL265"
CYCLE = "RL266"

# schoolYear contains semesters and terms, which contain grading periods (§5.2).
RANK = {"schoolYear": 3, "semester": 2, "term": 2, "gradingPeriod": 1}
FILE = "academicSessions.csv"


def _frame(t: Table) -> pl.DataFrame:
    parent = pl.col("parentSourcedId") if t.has("parentSourcedId") else pl.lit(None, pl.String())
    year = pl.col("schoolYear") if t.has("schoolYear") else pl.lit(None, pl.String())
    return t.df.select(
        LINE,
        SID,
        "type",
        "startDate",
        "endDate",
        parent.alias("parentSourcedId"),
        year.alias("schoolYear"),
        pl.col("startDate").str.to_date("%Y-%m-%d", strict=False).alias("start"),
        pl.col("endDate").str.to_date("%Y-%m-%d", strict=False).alias("end"),
    )


def _hits(
    df: pl.DataFrame, value: str, message: pl.Expr, related: str | None = None
) -> pl.DataFrame:
    cols = [
        pl.col(LINE).alias("line"),
        pl.col(SID).alias("sourced_id"),
        pl.col(value).alias("value"),
        message.alias("message"),
    ]
    if related:
        cols.append(pl.col(related).alias("related_value"))
    return df.select(cols)


def _ends_before_start(t: Table, s: pl.DataFrame, out: Findings) -> None:
    bad = s.filter(pl.col("start") > pl.col("end"))
    msg = pl.format("session '{}' ends {} before it starts {}.", SID, "endDate", "startDate")
    out.add(ENDS_BEFORE_START, _hits(bad, "endDate", msg), file=t.path, column="endDate")


def _outside(t: Table, pairs: pl.DataFrame, rule: str, what: str, out: Findings) -> None:
    """pairs: child rows with the container's p_id, p_start, p_end."""
    for col, cond, text in (
        ("startDate", pl.col("start") < pl.col("p_start"), "starts {} before {} '{}' starts {}."),
        ("endDate", pl.col("end") > pl.col("p_end"), "ends {} after {} '{}' ends {}."),
    ):
        bad = pairs.filter(cond)
        other = "p_startDate" if col == "startDate" else "p_endDate"
        msg = pl.format("session '{}' " + text, SID, col, pl.lit(what), "p_id", other)
        out.add(
            rule,
            _hits(bad, col, msg, related="p_id"),
            file=t.path,
            column=col,
            related_file=t.path,
            related_column=SID,
        )


def _parent_frame(s: pl.DataFrame) -> pl.DataFrame:
    return s.unique(subset=SID, keep="first").select(
        pl.col(SID).alias("p_id"),
        pl.col("type").alias("p_type"),
        pl.col("start").alias("p_start"),
        pl.col("end").alias("p_end"),
        pl.col("startDate").alias("p_startDate"),
        pl.col("endDate").alias("p_endDate"),
    )


def _nesting(t: Table, s: pl.DataFrame, out: Findings) -> None:
    with_parent = s.join(_parent_frame(s), left_on="parentSourcedId", right_on="p_id", how="inner")
    with_parent = with_parent.with_columns(pl.col("parentSourcedId").alias("p_id"))
    _outside(t, with_parent, OUTSIDE_PARENT, "its parent", out)
    rank = pl.col("type").replace_strict(RANK, default=None, return_dtype=pl.Int64())
    p_rank = pl.col("p_type").replace_strict(RANK, default=None, return_dtype=pl.Int64())
    # null: a type outside RANK (blank, misspelt) on either side, the enum rules' finding;
    # the order of an unknown type is not judged.
    bad = with_parent.filter((p_rank < rank).fill_null(False))
    msg = pl.format(
        "{} '{}' has a parent '{}' of the smaller type {}.", "type", SID, "p_id", "p_type"
    )
    out.add(
        PARENT_SMALLER,
        _hits(bad, "parentSourcedId", msg, related="p_id"),
        file=t.path,
        column="parentSourcedId",
        related_file=t.path,
        related_column="type",
    )
    # Without a parent, a session is still expected inside the one schoolYear of its year.
    years = (
        s.filter(pl.col("type") == "schoolYear")
        .group_by("schoolYear")
        .agg(pl.len().alias("n"), pl.col(SID).first())
    )
    years = years.filter(pl.col("n") == 1).select("schoolYear", pl.col(SID).alias("year_id"))
    orphans = (
        s.filter(~present("parentSourcedId") & (pl.col("type") != "schoolYear"))
        .join(years, on="schoolYear", how="inner")
        .join(_parent_frame(s), left_on="year_id", right_on="p_id", how="inner")
        .with_columns(pl.col("year_id").alias("p_id"))
    )
    _outside(t, orphans, OUTSIDE_SCHOOL_YEAR, "the school year", out)


def _school_year(t: Table, s: pl.DataFrame, out: Findings) -> None:
    # schoolYear is the year the school year ends [verify]; a school year is taken to turn
    # over in July, so a period starting in September belongs to the next calendar year's.
    start_sy = pl.col("start").dt.year() + (pl.col("start").dt.month() >= 7).cast(pl.Int32())
    expected = (
        pl.when(pl.col("type") == "schoolYear").then(pl.col("end").dt.year()).otherwise(start_sy)
    )
    df = s.filter(pl.col("schoolYear").str.contains(r"^[0-9]{4}$")).with_columns(
        expected.cast(pl.Int64()).alias("expected"),
        pl.col("schoolYear").cast(pl.Int64()).alias("given"),
    )
    bad = df.filter(pl.col("expected").is_not_null() & (pl.col("given") != pl.col("expected")))
    start_year = pl.format(
        "schoolYear {} is the start year of {}..{}; OneRoster uses the ending year {}"
        " (ClassLink's sandbox writes the start year).",
        "schoolYear",
        "startDate",
        "endDate",
        "expected",
    )
    other = pl.format(
        "schoolYear {} does not match {}..{}; expected the ending year {}.",
        "schoolYear",
        "startDate",
        "endDate",
        "expected",
    )
    msg = pl.when(pl.col("given") == pl.col("expected") - 1).then(start_year).otherwise(other)
    out.add(SCHOOL_YEAR_NOT_END, _hits(bad, "schoolYear", msg), file=t.path, column="schoolYear")


def _overlaps(t: Table, s: pl.DataFrame, out: Findings) -> None:
    # Siblings share a parent; without one, they share a schoolYear value.
    periods = s.filter(
        (pl.col("type") == "gradingPeriod")
        & pl.col("start").is_not_null()
        & pl.col("end").is_not_null()
    ).with_columns(
        pl.when(present("parentSourcedId"))
        .then(pl.lit("p:") + pl.col("parentSourcedId"))
        .otherwise(pl.lit("y:") + pl.col("schoolYear").fill_null(""))
        .alias("group")
    )
    other = periods.select(
        "group",
        pl.col(SID).alias("o_id"),
        pl.col(LINE).alias("o_line"),
        pl.col("start").alias("o_start"),
        pl.col("startDate").alias("o_startDate"),
        pl.col("endDate").alias("o_endDate"),
    )
    first = (pl.col("start") < pl.col("o_start")) | (
        (pl.col("start") == pl.col("o_start")) & (pl.col(LINE) < pl.col("o_line"))
    )
    pairs = periods.join(other, on="group", how="inner").filter(
        first & (pl.col("o_start") <= pl.col("end"))
    )
    msg = pl.format(
        "grading period '{}' ({}..{}) overlaps its sibling '{}' ({}..{}).",
        SID,
        "startDate",
        "endDate",
        "o_id",
        "o_startDate",
        "o_endDate",
    )
    out.add(
        PERIODS_OVERLAP,
        _hits(pairs, "endDate", msg, related="o_id"),
        file=t.path,
        column="endDate",
        related_file=t.path,
        related_column=SID,
    )


def _cycles(t: Table, out: Findings) -> None:
    out.add(
        CYCLE,
        cycle_hits(t, "session"),
        file=t.path,
        column="parentSourcedId",
        related_file=t.path,
        related_column=SID,
    )


def run(export: Export, out: Findings) -> None:
    t = table(export, FILE, SID, "type", "startDate", "endDate")
    if t is None:
        return
    s = _frame(t)
    _ends_before_start(t, s, out)
    _nesting(t, s, out)
    _school_year(t, s, out)
    _overlaps(t, s, out)
    _cycles(t, out)
