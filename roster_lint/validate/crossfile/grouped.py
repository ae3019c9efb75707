"""Hits that will be grouped, made only for the rows a report shows.

Findings.add groups more than GROUP_LIMIT hits of one rule x file x column into one finding
at the first row by line, with `count` and the first LINES_SHOWN lines (findings.group_rows).
A check whose hits are one per line of one file and column (a class, a duplicate row) knows
that grouping in advance: it gives Findings.add the grouped row ("count" path) and makes the
message of that first row only, not of 280,000 rows no one reads.  `--output rows:` wants
every row (findings.rows_wanted): then every hit is made, as before.

Equivalence: Findings.add de-duplicates its hits on every column; hits at distinct lines
are distinct, so the group's count is the rows' and its lines their first LINES_SHOWN, and
its fields those of the row with the smallest line, which is what group_rows keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from roster_lint.findings import GROUP_LIMIT, LINES_SHOWN, Findings, rows_wanted
from roster_lint.model import LINE


def add_by_line(
    out: Findings,
    rule: str,
    rows: pl.DataFrame,
    hits: Callable[[pl.DataFrame], pl.DataFrame],
    **constants: Any,
) -> None:
    """Adds `rule`'s hits for `rows` (one per distinct, non-null LINE, all of one file and
    column): `hits(part)` makes the hit rows (message and all) of `part`, a subset of
    `rows` (all of them, or the first by line)."""
    if rows.height == 0:
        return
    if rows_wanted() or rows.height <= GROUP_LIMIT:
        out.add(rule, hits(rows), **constants)
        return
    first = rows.slice(int(rows[LINE].arg_min() or 0), 1)
    lines = rows[LINE].bottom_k(LINES_SHOWN).sort().cast(pl.Int64())
    out.add(
        rule,
        hits(first).with_columns(
            pl.lit(rows.height, pl.Int64()).alias("count"),
            pl.Series("lines", [lines], dtype=pl.List(pl.Int64())),
        ),
        **constants,
    )
