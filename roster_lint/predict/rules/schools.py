"""When each school reason holds (SK-A5, SK-F1, SK-F3, SK-X4).

Columns of the working org frame (predict/schools.py): `status` (how the org resolves:
schools.SYNC, NO_NCES, NOT_SCHOOL, BROKEN, BAD_TYPE), `outside_district` (its NCES ID does not start
with its district's)."""

from __future__ import annotations

import polars as pl

# How a user's or class's org reference resolves (engine-internal vocabulary).
SYNC, NO_NCES, NOT_SCHOOL, BROKEN = "sync", "no-nces", "not-a-school", "broken"
# A school type in another case (`School`): OneRoster's vocabulary is case-sensitive.
BAD_TYPE = "bad-type"


def conditions() -> dict[str, pl.Expr]:
    return {
        "header-breaks-sync": pl.col("status") == BROKEN,
        "org-type-invalid": pl.col("status") == BAD_TYPE,
        "school-missing-nces-id": pl.col("status") == NO_NCES,
        "school-nces-outside-district": pl.col("outside_district"),
    }
