"""kernel.aligned reads the chunks of its frame's first column alone: `get_columns()`
would make every column of one value held as that value (the loader's `_constants`,
such as enrollments' empty `status`: 7.3M 16-byte views at 1M students) on each call."""

from __future__ import annotations

import polars as pl

from roster_lint.predict.kernel import aligned


class _Watched(pl.DataFrame):
    """A frame that fails where all of its columns are made at once.  Frames polars
    derives from it (`select`) are of this class too, but not watched."""

    watched = False

    def get_columns(self) -> list[pl.Series]:
        assert not self.watched, "every column made, to read the first one's chunks"
        return super().get_columns()


def _frame() -> pl.DataFrame:
    """Two chunks in `a`, and `s` a column of one value held as that value."""
    parts = [pl.DataFrame({"a": ["x", "y"]}), pl.DataFrame({"a": ["z"]})]
    return pl.concat(parts, rechunk=False).with_columns(pl.lit("", pl.String).alias("s"))


def test_aligned_reads_the_first_column_alone() -> None:
    frame = _Watched(_frame())
    frame.watched = True
    made, empty = aligned(
        frame,
        [
            pl.lit(pl.Series(["p", "q"])).gather((pl.col("a") == "z").cast(pl.UInt8)),
            (pl.col("s") == "").alias("e"),
        ],
    )
    assert made.chunk_lengths() == [2, 1]
    assert made.to_list() == ["p", "p", "q"]
    assert empty.chunk_lengths() == [2, 1]
    assert empty.to_list() == [True, True, True]


def test_aligned_same_chunks_as_every_column_read() -> None:
    """What aligned gives equals the columns cut like `get_columns()[0]` (the former way)."""
    frame = _frame()
    like = frame.get_columns()[0]
    exprs = [pl.col("a").str.len_bytes().alias("n"), pl.col("s").alias("t")]
    for got, want in zip(aligned(frame, exprs), frame.select(exprs).get_columns(), strict=True):
        assert got.chunk_lengths() == like.chunk_lengths()
        assert got.to_list() == want.to_list()
        assert got.name == want.name
