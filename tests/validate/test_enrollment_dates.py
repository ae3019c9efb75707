"""crossfile.enrollments.dates (RL223) parses only the candidates that hold a "-" in both
dates; its hits must be those of parsing every text-ordered candidate (the former code,
kept here as the oracle): ISO dates, Excel's M/D/YYYY, unpadded and signed ISO, blanks,
nulls."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.findings import Findings
from roster_lint.model import LINE, Export, Table
from roster_lint.validate.crossfile.enrollments import dates

DATES = st.sampled_from(
    [
        "2026-08-17",
        "2027-06-11",
        "2026-8-17",
        "+2027-06-11",
        "8/17/2026",
        "6/11/2027",
        "12/31/2026",
        "20260817",
        "",
        " 2026-08-17",
        "2026-13-01",
        None,
    ]
)


def _export(begin: list[str | None], end: list[str | None]) -> Export:
    df = pl.DataFrame(
        {
            "sourcedId": [f"e{i}" for i in range(len(begin))],
            "beginDate": begin,
            "endDate": end,
            LINE: list(range(2, len(begin) + 2)),
        },
        schema={
            "sourcedId": pl.String,
            "beginDate": pl.String,
            "endDate": pl.String,
            LINE: pl.Int64,
        },
    )
    table = Table(name="enrollments.csv", path="enrollments.csv", df=df, header=df.columns[:-1])
    return Export("x", "folder", "1.1", {}, {"enrollments.csv": table}, Findings())


def _oracle(export: Export) -> list[int]:
    df = export.tables["enrollments.csv"].df
    candidates = df.filter(pl.col("beginDate") > pl.col("endDate"))
    begin = pl.col("beginDate").str.to_date("%Y-%m-%d", strict=False)
    end = pl.col("endDate").str.to_date("%Y-%m-%d", strict=False)
    return candidates.filter(begin > end)[LINE].to_list()


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(st.tuples(DATES, DATES), max_size=20)
)  # at most GROUP_LIMIT hits: one finding each
def test_dates_as_parsing_every_candidate(pairs: list[tuple[str | None, str | None]]) -> None:
    export = _export([b for b, _ in pairs], [e for _, e in pairs])
    out = Findings()
    dates(export, out)
    found = out.frame()
    lines = sorted(found["line"].to_list()) if found.height else []
    assert lines == _oracle(export)


def test_excel_dates_are_not_parsed_into_findings() -> None:
    export = _export(["8/17/2026", "2027-06-11"], ["6/11/2027", "2026-08-17"])
    out = Findings()
    dates(export, out)
    assert out.frame()["line"].to_list() == [3]
