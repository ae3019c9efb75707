"""inputs._with_per_user: the users' role columns beside them where roles.csv lists the
users in users.csv's order, the left join on uid it replaced (the oracle) otherwise."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.inputs import _with_per_user


def _oracle(users: pl.DataFrame, per_user: pl.DataFrame) -> pl.DataFrame:
    return users.join(per_user, on="uid", how="left", maintain_order="left")


def _users(uids: list[str], cut: int) -> pl.DataFrame:
    """Users in two chunks (as the loader's columns come): cut at `cut`."""
    frame = pl.DataFrame(
        {"uid": uids, "line": list(range(2, len(uids) + 2))},
        schema={"uid": pl.String, "line": pl.Int64},
    )
    return pl.concat([frame.head(cut), frame.slice(cut)], rechunk=False)


def _per_user(uids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "uid": uids,
            "role": [f"r-{u}" for u in uids],
            "schools": [[u, "s"] for u in uids],
        },
        schema={"uid": pl.String, "role": pl.String, "schools": pl.List(pl.String)},
    )


ids = st.lists(st.sampled_from([f"u{i}" for i in range(12)]), max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    ids,
    st.integers(0, 12),
    st.randoms(use_true_random=False),
    st.sampled_from(["same", "shuffled", "some"]),
)
def test_with_per_user_is_the_join(uids: list[str], cut: int, rnd: object, order: str) -> None:
    users = _users(uids, min(cut, len(uids)))
    distinct = list(dict.fromkeys(uids))
    if order == "shuffled":
        rnd.shuffle(distinct)  # type: ignore[attr-defined]
    elif order == "some":
        distinct = distinct[: len(distinct) // 2]
    per_user = _per_user(distinct)
    got = _with_per_user(users, per_user)
    want = _oracle(users, per_user)
    assert got.schema == want.schema
    assert got.to_dicts() == want.to_dicts()
    if order == "same" and len(distinct) == len(uids):  # beside them, all in one chunk
        assert {c.n_chunks() for c in got.get_columns()} == {1}


def test_roles_in_the_users_order_are_not_joined(joined: list[int]) -> None:
    users = _users(["u1", "u2", "u3"], 1)
    got = _with_per_user(users, _per_user(["u1", "u2", "u3"]))
    assert got["role"].to_list() == ["r-u1", "r-u2", "r-u3"]
    assert joined == []
    _with_per_user(users, _per_user(["u2", "u1", "u3"]))
    assert joined == [3]
