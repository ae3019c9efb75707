"""predict/findings._shown_rows parses the details' grades only when rows repeat on file,
line and id; the result must be the former one (every detail parsed, kept here as the
oracle): rows repeated with the same or other grades, null lines and ids, more than
GROUP_LIMIT rows in a file."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.findings import _grouped_by_file, _shown_rows

DETAILS = ['{"grades":{"05":3,"06":1}}', '{"grades":{"07":2}}', '{"x":1}', "{}", None]
row = st.tuples(
    st.sampled_from(["classes.csv", "users.csv"]),
    st.one_of(st.none(), st.integers(2, 40)),
    st.sampled_from(["c1", "c2", None]),
    st.sampled_from(DETAILS),
)


def _frame(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"file": pl.String, "line": pl.Int64, "sourced_id": pl.String, "detail": pl.String},
        orient="row",
    )


def _oracle(rows: pl.DataFrame, grades: bool) -> pl.DataFrame:
    keys = ["file", "line", "sourced_id"]
    if grades:
        rows = rows.with_columns(pl.col("detail").str.json_path_match("$.grades").alias("_g"))
        keys.append("_g")
    rows = rows.unique(keys, keep="first", maintain_order=True)
    if grades:
        rows = rows.drop("_g")
    return _grouped_by_file(rows)  # shared: only the unique step above changed


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(row, max_size=60), grades=st.booleans())
def test_shown_rows_as_parsing_every_detail(rows: list[tuple[object, ...]], grades: bool) -> None:
    df = _frame(rows)
    assert _shown_rows(df, grades).equals(_oracle(df, grades))


def test_repeated_row_with_other_grades_is_two_findings() -> None:
    df = _frame([("classes.csv", 2, "c1", DETAILS[0]), ("classes.csv", 2, "c1", DETAILS[1])])
    assert _shown_rows(df, True).height == 2
    assert _shown_rows(df, False).height == 1
