"""Two exports' columns compared at the same positions, though the loader cut them
into different chunks (diff's rows and RL4xx, the plan's previous side)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import polars as pl


def same_text(a: pl.Series, b: pl.Series) -> pl.Series:
    """a == b, a null equal to nothing (False)."""
    return (a == b).fill_null(False)


def in_place(
    a: pl.Series, b: pl.Series, op: Callable[[pl.Series, pl.Series], pl.Series]
) -> pl.Series:
    """`op(a, b)` (an element-wise comparison) of two series of one length whose chunks
    differ (two exports' columns do: the loader cuts them by bytes), block by block
    where each side is one chunk.  Polars aligns such operands by copying both whole
    (at 7M rows ~120 MB per string column and side); the blocks are zero-copy slices."""
    ca, cb = a.chunk_lengths(), b.chunk_lengths()
    if ca == cb or len(ca) <= 1 or len(cb) <= 1 or a.len() == 0:
        return op(a, b)
    cuts = sorted(set(itertools.accumulate(ca)) | set(itertools.accumulate(cb)))
    parts, start = [], 0
    for end in cuts:
        parts.append(op(a.slice(start, end - start), b.slice(start, end - start)))
        start = end
    return pl.concat(parts).rechunk()


def in_place_select(a: pl.DataFrame, b: pl.DataFrame, exprs: list[pl.Expr]) -> pl.DataFrame:
    """`exprs` (element-wise) over the columns of `a` and `b` side by side (two frames of
    one height, no column name shared): `in_place` for many columns at once.

    Run by polars' streaming engine, which reads the columns morsel by morsel, slicing
    each where it is cut: the eager engine would copy every column of both frames into
    one chunk first (the two exports' columns are cut differently by the loader), and a
    polars call per block where each side is one chunk (~1,200 blocks at 7M rows) cost
    2-3x the streaming pass (docs/performance.md, branch diffnext)."""
    out = pl.concat([a, b], how="horizontal").lazy().select(exprs).collect(engine="streaming")
    return out.rechunk()
