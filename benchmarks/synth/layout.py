"""Orgs, academic sessions and the school-grade grid that everything else hangs off.

Only the small tables (one row per school, per school and grade, per session) are built
with Python loops; they have a few thousand rows even for a million students.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from benchmarks.synth.catalog import BANDS, GRADES
from benchmarks.synth.model import Config
from benchmarks.synth.names import DISTRICTS, STREETS, place
from benchmarks.synth.rand import mix_int, stream_key

DISTRICT_ID = "100"  # org ids are short SIS numbers, as in ClassLink exports


@dataclass(frozen=True)
class District:
    name: str
    domain: str  # e-mail domain (the reserved .example TLD keeps it clearly synthetic)
    nces: str  # 7 digits: 2-digit state FIPS + 5-digit LEA number
    city: str


def district(cfg: Config) -> District:
    k = stream_key(cfg.seed, "district")
    base = DISTRICTS[k % len(DISTRICTS)]
    lea = 10_000 + (k >> 16) % 89_999
    slug = base.lower().replace(" ", "")
    return District(f"{base} Unified School District", f"{slug}.k12.example", f"06{lea:05d}", base)


def _u(seed: int, stream: str, i: int) -> float:
    """A float in [0, 1) for scalar choices."""
    return (mix_int(stream_key(seed, stream) ^ i) % 1_000_000) / 1_000_000


def _split(total: int, weights: list[float]) -> list[int]:
    """Integer shares of `total` proportional to weights, summing exactly to total."""
    w = sum(weights)
    shares = [int(total * x / w) for x in weights]
    for i in range(total - sum(shares)):
        shares[i % len(shares)] += 1
    return shares


def grade_counts(cfg: Config) -> list[int]:
    """Students per grade KG..12: even, +-4% so grades differ a little."""
    return _split(cfg.students, [0.96 + 0.08 * _u(cfg.seed, "grade", g) for g in range(13)])


def schools_frame(cfg: Config, counts: list[int]) -> pl.DataFrame:
    """One row per school: index, band, org id, name, NCES id."""
    d = district(cfg)
    rows = []
    s = 0
    offset = stream_key(cfg.seed, "names") % 61
    for band in BANDS:
        students = sum(counts[g] for g in band.grades)
        for i in range(max(1, round(students / band.school_size))):
            rows.append(
                {
                    "school": s,
                    "band": band.key,
                    "local": i,
                    "org_id": str(int(DISTRICT_ID) + 1 + s),
                    "name": f"{place(i + offset)} {band.suffix}",
                    "nces": f"{d.nces}{(101 + 7 * s) % 100_000:05d}",
                    "weight": 0.7 + 0.6 * _u(cfg.seed, "school-size", s),
                }
            )
            s += 1
    return pl.DataFrame(rows)


def school_grades(cfg: Config, schools: pl.DataFrame, counts: list[int]) -> pl.DataFrame:
    """One row per (school, grade) in school, grade order: students, sections, offsets."""
    rows = []
    for band in BANDS:
        mine = schools.filter(pl.col("band") == band.key)
        for g in band.grades:
            shares = _split(counts[g], mine["weight"].to_list())
            for school, n in zip(mine["school"].to_list(), shares, strict=True):
                rows.append({"school": school, "grade": g, "students": n, "band": band.key})
    sg = pl.DataFrame(rows).sort("school", "grade")
    sg = sg.with_columns(
        pl.max_horizontal(1, (pl.col("students") / cfg.class_size).round().cast(pl.Int64)).alias(
            "sections"
        )
    )
    periods = cfg.classes_per_student
    return sg.with_columns(
        sg_index=pl.int_range(pl.len()),
        student_offset=pl.col("students").cum_sum() - pl.col("students"),
        class_offset=(pl.col("sections") * periods).cum_sum() - pl.col("sections") * periods,
    )


def orgs(cfg: Config, schools: pl.DataFrame) -> pl.DataFrame:
    d = district(cfg)
    n = schools.height
    street = [STREETS[i % len(STREETS)] for i in range(n + 1)]
    return pl.DataFrame(
        {
            "sourcedId": [DISTRICT_ID, *schools["org_id"].to_list()],
            "status": [None] * (n + 1),
            "dateLastModified": [None] * (n + 1),
            "name": [d.name, *schools["name"].to_list()],
            "type": ["district"] + ["school"] * n,
            "identifier": [d.nces, *schools["nces"].to_list()],
            "parentSourcedId": ["", *([DISTRICT_ID] * n)],
            "metadata.address1": [f"{100 + 17 * i} {street[i]}" for i in range(n + 1)],
            "metadata.city": [d.city] * (n + 1),
            "metadata.state": ["CA"] * (n + 1),
            "metadata.postCode": [f"{95000 + (mix_int(i) % 900):05d}" for i in range(n + 1)],
        },
        schema={c: pl.String for c in ORG_COLUMNS},
    )


ORG_COLUMNS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "name",
    "type",
    "identifier",
    "parentSourcedId",
    "metadata.address1",
    "metadata.city",
    "metadata.state",
    "metadata.postCode",
]


@dataclass(frozen=True)
class Calendar:
    year_id: str
    terms: str  # termSourcedIds of a full-year class: both semesters
    start: str
    end: str


def calendar(cfg: Config) -> Calendar:
    y = cfg.school_year
    return Calendar(f"SY{y}", f"SY{y}-S1,SY{y}-S2", f"{y - 1}-08-17", f"{y}-06-11")


def sessions(cfg: Config) -> pl.DataFrame:
    """School year, two semesters, four grading periods; schoolYear = the ending year."""
    y, p = cfg.school_year, cfg.school_year - 1
    sy = f"SY{y}"
    rows = [
        (sy, f"{p}-{y}", "schoolYear", f"{p}-08-17", f"{y}-06-11", ""),
        (f"{sy}-S1", f"Fall {p}", "semester", f"{p}-08-17", f"{y}-01-15", sy),
        (f"{sy}-S2", f"Spring {y}", "semester", f"{y}-01-19", f"{y}-06-11", sy),
        (f"{sy}-Q1", "Quarter 1", "gradingPeriod", f"{p}-08-17", f"{p}-10-23", f"{sy}-S1"),
        (f"{sy}-Q2", "Quarter 2", "gradingPeriod", f"{p}-10-26", f"{y}-01-15", f"{sy}-S1"),
        (f"{sy}-Q3", "Quarter 3", "gradingPeriod", f"{y}-01-19", f"{y}-03-26", f"{sy}-S2"),
        (f"{sy}-Q4", "Quarter 4", "gradingPeriod", f"{y}-03-29", f"{y}-06-11", f"{sy}-S2"),
    ]
    cols = ["sourcedId", "title", "type", "startDate", "endDate", "parentSourcedId"]
    df = pl.DataFrame(rows, schema=cols, orient="row")
    return df.with_columns(
        status=pl.lit(None, pl.String),
        dateLastModified=pl.lit(None, pl.String),
        schoolYear=pl.lit(str(y)),
    ).select(
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    )


def grade_code(col: str) -> pl.Expr:
    return pl.col(col).replace_strict(list(range(13)), list(GRADES), return_dtype=pl.String)
