"""enrollments._counted_by_code (the skipped enrollments grouped on one mixed-radix
integer of `_m` and the inherited roots' codes) gives the groups the group_by on the
columns themselves gave: the same (_m, codes) with the same count and first line."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.enrollments import _counted_by_code, key_type

ALL = pl.lit(True)  # every row is a skipped one

rows = st.lists(
    st.tuples(
        st.integers(0, 15),  # _m
        st.one_of(st.none(), st.integers(0, 3)),  # class root code
        st.one_of(st.none(), st.integers(0, 6)),  # user root code
        st.integers(2, 10**9),  # line
    ),
    max_size=80,
)


def _frame(data: list[tuple[int, int | None, int | None, int]]) -> pl.DataFrame:
    schema = {"_m": pl.UInt16(), "c": pl.UInt32(), "u": pl.UInt32(), "line": pl.Int64()}
    return pl.DataFrame(data, schema=schema, orient="row")


def _grouped(frame: pl.DataFrame, names: list[str]) -> set[tuple[object, ...]]:
    """The plain group_by on the columns (the path it replaced)."""
    out = frame.group_by("_m", *names).agg(pl.len().alias("n"), pl.col("line").min())
    return set(out.select("_m", *names, "n", "line").iter_rows())


def _tables(n_class: int, n_user: int) -> dict[str, pl.DataFrame]:
    return {"c": pl.DataFrame({"x": range(n_class)}), "u": pl.DataFrame({"x": range(n_user)})}


@settings(max_examples=200, deadline=None)
@given(rows, st.sampled_from([["c"], ["u"], ["c", "u"], []]))
def test_same_groups(data: list[tuple[int, int | None, int | None, int]], names: list[str]) -> None:
    frame = _frame(data)
    coded = {n: pl.col(n) for n in names}
    got = _counted_by_code(frame, ALL, 16, coded, {n: _tables(4, 7)[n] for n in names})
    assert got.columns == ["_m", *names, "n", "line"]
    assert got.schema["_m"] == pl.UInt16()
    assert all(got.schema[n] == pl.UInt32() for n in names)
    assert set(got.iter_rows()) == _grouped(frame, names)


def test_too_many_codes_for_one_integer_groups_the_columns() -> None:
    frame = _frame([(3, 1, None, 9), (3, 1, None, 4), (2, None, 5, 7)])
    huge = pl.DataFrame({"x": pl.int_range(0, 1 << 24, eager=True)})
    tables = {"c": huge, "u": huge}  # 2^4 * (2^24)^2 > 2^63 would not fit: the fallback
    got = _counted_by_code(frame, ALL, 1 << 16, {"c": pl.col("c"), "u": pl.col("u")}, tables)
    assert set(got.select("_m", "c", "u", "n", "line").iter_rows()) == _grouped(frame, ["c", "u"])


def test_key_type_holds_every_key_below_top() -> None:
    assert key_type(1) == pl.UInt32()
    assert key_type(1 << 32) == pl.UInt32()  # keys 0 .. 2^32 - 1
    assert key_type((1 << 32) + 1) == pl.UInt64()
    assert key_type((1 << 63) - 1) == pl.UInt64()
    assert key_type(1 << 63) is None


@settings(max_examples=100, deadline=None)
@given(rows, st.sampled_from([["c"], ["u"], ["c", "u"]]))
def test_same_groups_with_u64_keys(
    data: list[tuple[int, int | None, int | None, int]], names: list[str]
) -> None:
    """Tables whose codes multiply past 2^32: the u64 key groups as the columns do."""
    frame = _frame(data)
    coded = {n: pl.col(n) for n in names}
    big = pl.DataFrame({"x": pl.int_range(0, 1 << 17, eager=True)})
    tables = {n: big for n in names}
    got = _counted_by_code(frame, ALL, 1 << 15, coded, tables)
    assert got.columns == ["_m", *names, "n", "line"]
    assert set(got.iter_rows()) == _grouped(frame, names)
