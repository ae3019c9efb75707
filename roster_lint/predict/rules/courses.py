"""When each course reason holds (SK-C2, SK-P1, SK-F1): the course mapping.

`listed`: the course is in --course-map; `known`: it is in --previous."""

from __future__ import annotations

import polars as pl


def conditions(
    *,
    classes_on: bool,
    broken: bool,
    has_map: bool,
    has_prev: bool,
    listed: pl.Expr,
    known: pl.Expr,
) -> dict[str, pl.Expr]:
    read = pl.lit(classes_on and not broken)
    return {
        "provisioning-mode": pl.lit(not classes_on),
        "header-breaks-sync": pl.lit(classes_on and broken),
        "course-not-mapped": read & pl.lit(has_map) & ~listed,
        "new-course-needs-mapping": read
        & pl.lit(has_prev)
        & ~known
        & (~listed if has_map else pl.lit(True)),
        "course-mapping-unverified": read & pl.lit(not has_map and not has_prev),
    }
