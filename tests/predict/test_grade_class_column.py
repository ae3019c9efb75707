"""enrollments._grade_classes (made once per (class, grade), each row its place in the
table) gives each split row `cid-grade` (the class's main grade for an ungraded
student) and null elsewhere: the per-row expression is the oracle."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.enrollments import _grade_classes
from roster_lint.predict.kernel import local_categorical

GRADES = [None, "", "KG", "09", "é"]

rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 4)),  # _crow (null: no class row)
        st.sampled_from(GRADES),  # user_grade
        st.booleans(),  # _split
    ),
    max_size=60,
)


def _oracle(e: pl.DataFrame, classes: pl.DataFrame) -> list[str | None]:
    info = classes.with_row_index("_crow")
    joined = e.join(info, on="_crow", how="left", maintain_order="left")
    grade = pl.col("user_grade").cast(pl.String)
    grade = pl.when(grade.fill_null("") != "").then(grade)
    made = pl.col("cid") + pl.lit("-") + pl.coalesce(grade, "main_grade")
    return joined.select(pl.when(pl.col("_split")).then(made)).to_series().to_list()


@settings(max_examples=150, deadline=None)
@given(rows)
def test_grade_class_is_the_per_row_text(data: list[tuple[int | None, str | None, bool]]) -> None:
    # A split row always has its class (the decision reads the class's row).
    data = [(c if c is not None or not s else 0, g, s) for c, g, s in data]
    e = pl.DataFrame(
        data,
        schema={"_crow": pl.UInt32(), "user_grade": pl.String(), "_split": pl.Boolean()},
        orient="row",
    ).with_columns(pl.col("user_grade").cast(local_categorical()))
    classes = pl.DataFrame(
        {"cid": [f"c{i}" for i in range(5)], "main_grade": ["KG", "09", "01", "02", "KG"]}
    )
    index, table = _grade_classes(e, classes)
    assert index.len() == e.height
    assert table[0] is None  # 0: no grade class
    assert table.gather(index).to_list() == _oracle(e, classes)
