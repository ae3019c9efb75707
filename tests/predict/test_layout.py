"""The plan's memory layout keeps its content: looked-up reasons equal the joined names,
re-chunked columns hold the same values, Enum columns sort as their text."""

from __future__ import annotations

import itertools

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict import enrollments as enr
from roster_lint.predict import kernel
from roster_lint.predict.encode import SEP
from roster_lint.predict.kernel import aligned, chunked_like
from roster_lint.predict.model import ACTION, ACTION_SCHEMA, ACTIONS, ENTITIES, ENTITY

NAMES = ["a-flag", "b-flag", "c-flag"]


def _concat_joined(flags: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """The reference: one optional name per flag, concatenated (the former kernel.joined)."""
    parts = [pl.when(f.fill_null(False)).then(pl.lit(n)) for n, f in flags]
    return pl.concat_str(parts, separator=SEP, ignore_nulls=True).fill_null("")


# no deadline: polars' first call of a query shape can take longer than 200 ms on a busy machine
@settings(deadline=None)
@given(st.lists(st.tuples(*[st.sampled_from([True, False, None])] * 3), max_size=30))
def test_joined_by_table_equals_concatenation(rows: list[tuple[bool | None, ...]]) -> None:
    df = pl.DataFrame(rows, schema=NAMES, orient="row")
    flags = [(n, pl.col(n)) for n in NAMES]
    got = df.select(kernel.joined(flags).alias("r"))["r"].to_list()
    want = df.select(_concat_joined(flags).alias("r"))["r"].to_list()
    assert got == want


def test_joined_literal_flags_broadcast() -> None:
    df = pl.DataFrame({"x": [1, 2, 3]})
    out = df.with_columns(kernel.joined([("p", pl.lit(True)), ("q", pl.lit(False))]).alias("r"))
    assert out["r"].to_list() == ["p", "p", "p"]


def test_enrollment_reason_table_matches_flags() -> None:
    """`_m` bit i = SKIPS[i], the next bit = tobedeleted: every combination's text."""
    for classes_on in (True, False):
        k = len(enr.SKIPS) if classes_on else 1
        masks = list(range(1 << (k + 1)))
        df = pl.DataFrame({"_m": pl.Series(masks, dtype=pl.UInt16)})
        text = df.select(enr.reasons_text(df, classes_on).alias("r"))["r"].to_list()
        lists = df.select(enr.reasons_list(df, classes_on).alias("r"))["r"].to_list()
        firsts = df.select(enr.first_reason(df, classes_on).alias("r"))["r"].to_list()
        for m, t, lst, first in zip(masks, text, lists, firsts, strict=True):
            names = [n for i, n in enumerate(enr.SKIPS[:k]) if m >> i & 1]
            if not names and m >> k:
                names = ["enrollment-tobedeleted"]
            assert t == SEP.join(names)
            assert lst == names
            assert first == (names[0] if names else None)  # kernel.first: null when none


def test_chunked_like_cuts_as_the_model_and_keeps_values() -> None:
    like = pl.concat([pl.Series(["a"] * n) for n in (3, 1, 4)], rechunk=False)
    s = pl.Series("v", list(range(8)))
    out = chunked_like(s, like)
    assert out.chunk_lengths() == [3, 1, 4]
    assert out.to_list() == list(range(8))
    one = chunked_like(pl.concat([s.head(2), s.tail(6)], rechunk=False), pl.Series(range(8)))
    assert one.chunk_lengths() == [8]


def test_aligned_columns_share_the_frames_chunks() -> None:
    frame = pl.concat([pl.DataFrame({"a": ["x", "y"]}), pl.DataFrame({"a": ["z"]})], rechunk=False)
    (made,) = aligned(
        frame, [pl.lit(pl.Series(["p", "q"])).gather((pl.col("a") == "z").cast(pl.UInt8))]
    )
    assert made.chunk_lengths() == [2, 1]
    assert made.to_list() == ["p", "p", "q"]


def test_enum_columns_sort_as_text() -> None:
    """Sorting the actions frame by entity/action gives the order the text would."""
    assert ACTION_SCHEMA["entity"] == ENTITY and ACTION_SCHEMA["action"] == ACTION
    entities = pl.Series(list(ENTITIES), dtype=ENTITY)
    assert entities.sort().cast(pl.String).to_list() == sorted(ENTITIES)
    acts = sorted(set(itertools.chain(*ACTIONS.values())))
    assert pl.Series(acts[::-1], dtype=ACTION).sort().cast(pl.String).to_list() == acts
