"""enrollment_actions' details without --previous: a row with no not-documented flag
takes its grade class's detail by its place in the grade-class table (`_gc`), and only
the flagged rows are keyed (enrollments._detail_places).  Every row's detail, in the
frame and as `table[_d]`, is what the detail expression gives it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict import enrollments as enr
from roster_lint.predict.encode import STR, detail, not_documented, piece
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.model import ACTION

FLAGS = ["_ungraded", "_teacher", "_odd_role", "_nd_existing"]


def _oracle(e: pl.DataFrame, grade_classes: pl.Series) -> list[str]:
    """Each row's detail by the detail expression, row by row (no table)."""
    pieces = [
        piece("grade_class", pl.col("grade_class"), pl.col("grade_class").is_not_null()),
        piece("from", pl.col("from_class"), pl.col("from_class").is_not_null()),
        not_documented(enr.nd_flags()),
    ]
    text = grade_classes.gather(e["_gc"]).alias("grade_class")
    return e.with_columns(text).select(detail(pieces).alias("d"))["d"].to_list()


def _frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    schema = {"_gc": pl.UInt32(), **{f: pl.Boolean() for f in FLAGS}}
    e = pl.DataFrame(rows, schema=schema, orient="row")
    n = e.height
    return e.with_columns(
        pl.Series("eid", [f"e{i}" for i in range(n)], dtype=STR),
        pl.Series("action", ["enroll"] * n, dtype=ACTION),
        pl.Series("_m", [0] * n, dtype=pl.UInt16),
        pl.Series("school", ["s"] * n, dtype=STR),
        pl.Series("line", range(2, n + 2), dtype=pl.UInt32),
        pl.Series("from_class", [None] * n, dtype=STR),
    )


INP = cast(Inputs, SimpleNamespace(paths={}))


def _actions(e: pl.DataFrame, grade_classes: pl.Series) -> tuple[pl.DataFrame, list[pl.Series]]:
    tables: list[pl.Series] = []
    made = enr.enrollment_actions(e, INP, True, grade_classes, lists=False, detail_table=tables)
    return made, tables


plain = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=8)
flag = st.one_of(st.none(), st.booleans())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(plain, st.just('a"b')), min_size=0, max_size=5),
    st.lists(st.tuples(st.integers(0, 5), flag, flag, flag, flag), max_size=40),
)
def test_every_detail_is_the_expressions(texts: list[str], rows: list[tuple[Any, ...]]) -> None:
    grade_classes = pl.Series("grade_class", [None, *texts], dtype=STR)
    rows = [(g % grade_classes.len(), *f) for g, *f in rows]
    e = _frame(rows)
    made, tables = _actions(e, grade_classes)
    want = _oracle(e, grade_classes)
    assert made["detail"].to_list() == want
    (table,) = tables
    assert table.gather(made["_d"].cast(pl.UInt32)).to_list() == want


def test_only_the_flagged_rows_are_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Six rows of split classes with no flag, two teachers (a flag, no grade class), one
    # ungraded student (a flag and a grade class): the keys are the three flagged rows'.
    keyed: list[int] = []
    real = enr.keyed_table

    def spy(key: np.ndarray, make: Any) -> Any:
        keyed.append(len(key))
        return real(key, make)

    monkeypatch.setattr(enr, "keyed_table", spy)
    grade_classes = pl.Series("grade_class", [None, "c1-05", "c1-06", "c2-05"], dtype=STR)
    no = (False, False, False, None)
    rows = [(1, *no), (2, *no), (3, *no), (1, *no), (2, *no), (3, *no)]
    rows += [(0, False, True, False, None), (0, False, True, False, None)]
    rows += [(3, True, False, False, None)]
    e = _frame(rows)
    made, tables = _actions(e, grade_classes)
    assert keyed == [3]
    assert made["detail"].to_list() == _oracle(e, grade_classes)
    # The grade classes' own details first (place = `_gc`), then the flagged ones'.
    assert tables[0].to_list() == [
        "{}",
        '{"grade_class":"c1-05"}',
        '{"grade_class":"c1-06"}',
        '{"grade_class":"c2-05"}',
        '{"not_documented":["teacher-enrollment"]}',
        '{"grade_class":"c2-05","not_documented":["split-class-ungraded-students"]}',
    ]
    assert made["_d"].to_list()[:6] == [1, 2, 3, 1, 2, 3]
