"""enrollments.plain_details (an enrollment's detail without the JSON encoder) gives the
bytes of the detail expression it stands for (`detail(pieces)` as enrollment_actions
builds it), and gives way (None) where a grade class needs escaping."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.encode import STR, detail, not_documented, piece
from roster_lint.predict.enrollments import nd_flags, plain_details

FLAGS = ["_ungraded", "_teacher", "_odd_role", "_nd_existing"]


def _oracle(frame: pl.DataFrame) -> list[str]:
    pieces = [
        piece("grade_class", pl.col("grade_class"), pl.col("grade_class").is_not_null()),
        piece("from", pl.col("from_class"), pl.col("from_class").is_not_null()),
        not_documented(nd_flags()),
    ]
    with_from = frame.with_columns(pl.lit(None, STR).alias("from_class"))
    return with_from.select(detail(pieces).alias("d"))["d"].to_list()


plain_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
any_text = st.text(max_size=6)
flag = st.one_of(st.none(), st.booleans())


def _frame(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    schema = {"grade_class": STR, **{f: pl.Boolean() for f in FLAGS}}
    return pl.DataFrame(rows, schema=schema, orient="row")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), plain_text), flag, flag, flag, flag), max_size=40))
def test_plain_details_are_the_detail_expressions_bytes(rows: list[tuple[object, ...]]) -> None:
    frame = _frame(rows)
    made = plain_details(frame)
    if any(isinstance(r[0], str) and ('"' in r[0] or "\\" in r[0]) for r in rows):
        assert made is None
        return
    assert made is not None
    assert made.to_list() == _oracle(frame)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), any_text), flag, flag, flag, flag), max_size=20))
def test_a_grade_class_to_escape_takes_the_encoder(rows: list[tuple[object, ...]]) -> None:
    frame = _frame(rows)
    made = plain_details(frame)
    if made is not None:  # only when nothing needs escaping
        assert made.to_list() == _oracle(frame)
    texts = [r[0] for r in rows if isinstance(r[0], str)]
    if any(not (t.isascii() and t.isprintable()) or '"' in t or "\\" in t for t in texts):
        assert made is None


def test_every_flag_combination_with_and_without_a_grade_class() -> None:
    # Every entry of the tables plain_details gathers its pieces from: 16 flag
    # combinations, each with a grade class, without one and with an empty one.
    rows = [
        (grade, *[bool(m >> i & 1) for i in range(len(FLAGS))])
        for m in range(1 << len(FLAGS))
        for grade in (None, "c-1-05", "")
    ]
    frame = _frame(rows)
    made = plain_details(frame)
    assert made is not None
    assert made.to_list() == _oracle(frame)
    assert plain_details(frame.clear()) is not None
