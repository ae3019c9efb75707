"""users.user_details (JSON built once per key, joined back) gives every user the bytes
users.user_detail() gives them."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.users import user_detail, user_details

LISTS = pl.List(pl.String())
SCHEMA = {
    "summit_role": pl.String(),
    "ok_schools": LISTS,
    "bad_schools": LISTS,
    "from_schools": LISTS,
    "_in_scope": pl.Boolean(),
    "some_schools_skipped": pl.Boolean(),
    "_not_at_school": pl.Boolean(),
    "_gone": pl.Boolean(),
    "_role_ambiguous": pl.Boolean(),
    "_org_type_case": pl.Boolean(),
    "_other_district": pl.Boolean(),
}
SCHOOLS = ["s1", "s2", 'q"uote', "é", "s1\\x"]
schools = st.lists(st.sampled_from(SCHOOLS), max_size=3)
rows = st.fixed_dictionaries(
    {
        "summit_role": st.sampled_from([None, "Student", "Teacher", "School Admin"]),
        "ok_schools": schools,
        "bad_schools": schools,
        "from_schools": st.none() | schools,
        "_in_scope": st.booleans(),
        "some_schools_skipped": st.booleans(),
        "_not_at_school": st.booleans(),
        "_gone": st.booleans(),
        "_role_ambiguous": st.booleans(),
        "_org_type_case": st.booleans(),
        "_other_district": st.booleans(),
    }
)


def _check(frame: pl.DataFrame) -> None:
    want = frame.select(user_detail().alias("detail"))["detail"].to_list()
    got = user_details(frame)
    assert got.to_list() == want
    assert got.name == "detail"


@settings(max_examples=200, deadline=None)
@given(st.lists(rows, max_size=40))
def test_same_bytes_as_per_row(data: list[dict[str, object]]) -> None:
    _check(pl.DataFrame(data, schema=SCHEMA))


def test_shapes() -> None:
    """One school each way, none, several, a transfer, no role, and no users at all."""
    data = [
        ("Student", ["s1"], [], None, True, False, False, False, False, False, False),
        ("Student", ["s1"], [], None, True, False, False, False, False, False, False),
        ("Student", [], ["s1"], None, False, False, True, False, False, False, False),
        ("Teacher", ["s1"], [], None, True, False, False, True, False, False, False),
        ("Teacher", ["s1", "s2"], ["s2"], None, True, True, False, False, False, False, False),
        (None, [], [], None, False, False, False, False, False, False, False),
        ("Student", ["s2"], [], ["s1"], True, False, False, False, False, False, False),
        ("Student", ["s2"], [], None, True, False, False, False, False, False, False),
    ]
    frame = pl.DataFrame(data, schema=SCHEMA, orient="row")
    _check(frame)
    got = user_details(frame).to_list()
    assert got[0] == '{"schools":["s1"],"summit_role":"Student"}'
    assert got[6] == '{"from":["s1"],"schools":["s2"],"summit_role":"Student","to":["s2"]}'
    _check(frame.clear())


def test_rows_that_differ_in_one_input() -> None:
    """Every input the JSON reads is in the key: rows equal but for one input each."""
    base = dict(
        zip(
            SCHEMA,
            ("Student", ["s1"], [], None, True, True, False, False, False, False, False),
            strict=True,
        )
    )
    other = {
        "summit_role": "Teacher",
        "ok_schools": ["s2"],
        "bad_schools": ["s1"],
        "from_schools": ["s2"],
        "_in_scope": False,
        "some_schools_skipped": False,
        "_not_at_school": True,
        "_gone": True,
        "_role_ambiguous": True,
        "_org_type_case": True,
        "_other_district": True,
    }
    data = [base] + [{**base, k: v} for k, v in other.items()]
    got = user_details(pl.DataFrame(data, schema=SCHEMA)).to_list()
    assert len(set(got)) == len(data)
    _check(pl.DataFrame(data, schema=SCHEMA))
