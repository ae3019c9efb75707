"""Keep new columns chunked like the loader's frames.

The loader's columns come in hundreds of chunks (7M enrollments: ~700).  A frame whose
columns are chunked differently is rechunked whole by the next eager operation that needs
them aligned: a copy of every column's 16-byte string views (0.7 GB for six id columns at
1M students).  Columns the plan adds (join results, looked-up reasons, details) are cut
into the same chunks instead: slices, no copy.
"""

from __future__ import annotations

import polars as pl


def chunked_like(s: pl.Series, like: pl.Series) -> pl.Series:
    """`s` cut into the same chunks as `like` (zero-copy slices).  A frame whose columns
    are chunked differently is rechunked whole by the next eager operation: the loader's
    7M-row columns come in hundreds of chunks, and copying them costs 0.7 GB at 1M."""
    lengths = like.chunk_lengths()
    if s.chunk_lengths() == lengths:
        return s
    if len(lengths) <= 1:
        return s.rechunk()
    parts, start = [], 0
    for n in lengths:
        parts.append(s.slice(start, n))
        start += n
    return pl.concat(parts, rechunk=False)


def aligned(frame: pl.DataFrame, exprs: list[pl.Expr]) -> list[pl.Series]:
    """The columns `exprs` make on `frame`, chunked like its columns (see chunked_like)."""
    like = frame.get_columns()[0]
    return [chunked_like(s, like) for s in frame.select(exprs).get_columns()]


def local_categorical() -> pl.Categorical:
    """A Categorical with categories of its own (freed with the columns that use them),
    for the plan's working columns (class ids, grades)."""
    return pl.Categorical(pl.Categories.random())
