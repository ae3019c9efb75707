"""classes._count_grades (numpy bincount over class row x grade code) and
classes._per_class (one-grade classes taken as they are) give what the group_by did."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.classes import _count_grades, _per_class
from roster_lint.predict.encode import json_value
from roster_lint.predict.kernel import local_categorical

GRADES = ["", "KG", "09", "PK", '1"0', "é"]
CONTENT = ["KG", "09"]


def _frame(rows: list[tuple[int, str | None]], cats: pl.DataType) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"_crow": pl.UInt32(), "grade": pl.String()}, orient="row"
    ).with_columns(pl.col("grade").cast(cats))


def _by_group(grades: pl.DataFrame) -> set[tuple[int, str | None, int]]:
    out = grades.group_by("_crow", "grade").len("n").with_columns(pl.col("grade").cast(pl.String))
    return set(out.iter_rows())


def _per_class_by_group(counted: pl.DataFrame) -> set[tuple[object, ...]]:
    pair = json_value(pl.col("grade")) + pl.lit(":") + pl.col("n").cast(pl.String)
    out = (
        counted.sort("_crow", "grade")
        .group_by("_crow")
        .agg(
            pl.len().alias("n_grades"),
            (pl.lit("{") + pair.str.join(",") + pl.lit("}")).alias("grades_json"),
            pl.col("grade")
            .sort_by(["n", "grade"], descending=[True, False])
            .first()
            .alias("main_grade"),
            (~pl.col("grade").is_in(CONTENT)).any().alias("grade_no_content"),
        )
    )
    # grades_json is read for classes with several grades only.
    out = out.with_columns(pl.when(pl.col("n_grades") > 1).then(pl.col("grades_json")))
    return set(out.iter_rows())


rows = st.lists(st.tuples(st.integers(0, 6), st.sampled_from(GRADES)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(rows, st.lists(st.sampled_from(GRADES), max_size=3))
def test_same_counts_and_classes(data: list[tuple[int, str]], seen_first: list[str]) -> None:
    cats = local_categorical()
    # Grades seen elsewhere first: codes that no counted row has.
    pl.Series(seen_first, dtype=pl.String()).cast(cats)
    grades = _frame(list(data), cats)
    counts = _count_grades(grades, 7)
    assert counts.schema == {"_crow": pl.UInt32(), "grade": pl.String(), "n": pl.UInt32()}
    assert set(counts.iter_rows()) == _by_group(grades)
    # In the order _per_class reads them: class row, then grade as text (not its code,
    # which follows first appearance: seen_first).
    assert counts.rows() == sorted(counts.rows(), key=lambda r: (r[0], r[1]))
    counted = counts.filter(pl.col("grade") != "")
    assert set(_per_class(counted, CONTENT).iter_rows()) == _per_class_by_group(counted)


def test_null_and_text_grades_are_grouped() -> None:
    cats = local_categorical()
    with_null = _frame([(0, "KG"), (0, None), (1, "KG")], cats)
    assert set(_count_grades(with_null, 2).iter_rows()) == _by_group(with_null)
    # Grouped (a null grade has no code): sorted as the counted pairs are, nulls last.
    assert _count_grades(with_null, 2).rows() == [(0, "KG", 1), (0, None, 1), (1, "KG", 1)]
    text = pl.DataFrame(
        {"_crow": [0, 0, 1], "grade": ["KG", "KG", ""]},
        schema={"_crow": pl.UInt32(), "grade": pl.String()},
    )
    assert _count_grades(text, 2).rows() == [(0, "KG", 2), (1, "", 1)]
    assert _count_grades(text.clear(), 2).height == 0
