"""predict/findings._Tagged finds each (entity, reason)'s action rows as exploding the
actions did (the former code, kept here as the oracle): empty and null lists, a reason
twice in one list, null elements, a reason the registry does not name."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.findings import _REG, _Tagged
from roster_lint.predict.model import ENTITIES, ENTITY

KNOWN = sorted(_REG.reasons)[:4]
REASONS = [*KNOWN, "not-a-registry-reason"]
lists = st.one_of(st.none(), st.lists(st.one_of(st.none(), st.sampled_from(REASONS)), max_size=4))
actions = st.lists(st.tuples(st.sampled_from(ENTITIES), lists), max_size=40)


def _frame(rows: list[tuple[str, list[str | None] | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"entity": [e for e, _ in rows], "reasons": [r for _, r in rows]},
        schema={"entity": ENTITY, "reasons": pl.List(pl.String())},
    )


def _oracle(df: pl.DataFrame, entity: str, reason: str) -> list[int]:
    ex = (
        df.with_row_index("_r")
        .filter(pl.col("reasons").list.len() > 0)
        .explode("reasons")
        .filter((pl.col("entity") == entity) & (pl.col("reasons") == reason))
    )
    return ex["_r"].to_list()


@settings(max_examples=100, deadline=None)
@given(actions)
def test_rows_as_exploded(rows: list[tuple[str, list[str | None] | None]]) -> None:
    df = _frame(rows)
    asked = REASONS[1:]  # a reason not asked for is not unpacked
    tagged = _Tagged(df, asked)
    for reason in asked:
        for entity in ENTITIES:
            assert tagged.rows(entity, reason).to_list() == _oracle(df, entity, reason)
        want = sorted(e for e in ENTITIES if _oracle(df, e, reason))
        assert tagged.entities(reason) == want


def test_a_reason_twice_tags_its_action_twice() -> None:
    df = _frame([("user", [KNOWN[0]]), ("class", []), ("user", [KNOWN[1], KNOWN[0], KNOWN[0]])])
    assert _Tagged(df, KNOWN).rows("user", KNOWN[0]).to_list() == [0, 2, 2]
    assert _Tagged(df, KNOWN).rows("class", KNOWN[0]).to_list() == []
