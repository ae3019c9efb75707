"""redact._user_ids: one {type:id} cut by a split, every other value by the regex; the
values (read as a set) must be the regex's on every row, whatever the braces, colons and
commas."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.report import redact

PIECES = ["{", "}", ":", ",", "FED", "200000", "a", " ", "é", "{FED:", "}", "{STATE:1}"]
values = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
column = st.lists(st.one_of(values, st.none()), max_size=30)


def by_regex(s: pl.Series) -> list[str | None]:
    """Every value cut by the regex (the code before the split)."""
    col = pl.col("userIds")
    ids = col.str.extract_all(r":[^{},]+").list.eval(pl.element().str.slice(1))
    cut = pl.when(ids.list.len() > 0).then(ids.list.join(" ")).otherwise(col)
    return s.to_frame().select(cut).to_series().to_list()


def key(v: str | None) -> tuple[bool, str]:
    return (v is None, v or "")


@settings(max_examples=400, deadline=None)
@given(column)
def test_user_ids_are_the_regex_values(vals: list[str | None]) -> None:
    s = pl.Series("userIds", vals, dtype=pl.String)
    got = redact._user_ids(s.to_frame(), "userIds").to_list()
    assert sorted(got, key=key) == sorted(by_regex(s), key=key)


def test_commas_and_braces_inside_take_the_regex() -> None:
    # The regex stops an identifier at a comma or a brace; the split would not.
    vals = ["{FED:1,2}", "{F,D:1}", "{FED:1}x}", "{FED:1{2}", "{FED:1},", ",{FED:1}", "{{FED:1}"]
    s = pl.Series("userIds", vals, dtype=pl.String)
    assert not s.str.contains(redact.ONE_USER_ID).any()
    got = redact._user_ids(s.to_frame(), "userIds").to_list()
    assert sorted(got, key=key) == sorted(by_regex(s), key=key)


def test_one_id_per_value_takes_the_split() -> None:
    vals = ["{FED:200000}", "{FED:1:2}", "{:x}", "{FED:é 1}", "{FED:}", "{a:b},{c:d}", "x", None]
    s = pl.Series("userIds", vals, dtype=pl.String)
    assert s.str.contains(redact.ONE_USER_ID).to_list()[:4] == [True] * 4
    got = redact._user_ids(s.to_frame(), "userIds").to_list()
    assert sorted(got, key=key) == sorted(
        ["200000", "1:2", "x", "é 1", "{FED:}", "b d", "x", None], key=key
    )
