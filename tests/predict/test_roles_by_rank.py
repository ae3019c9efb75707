"""inputs.per_user_roles groups roles.csv without sorting the user ids (_by_rank: the rows
in (rank, line) order, mostly as the loader gives them): the sort by (uid, rank, line)
it replaced is the oracle, per user; and the users keep their order after the join."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.inputs import _by_rank, grouped_roles, per_user_roles, role_rank

PROVISIONED = ["student", "teacher"]
PRIMARY = "primary"

rows = st.lists(
    st.tuples(
        st.sampled_from(["u1", "u2", "u3", "u4"]),  # uid
        st.sampled_from([PRIMARY, "secondary", ""]),  # role_type
        st.sampled_from(["student", "teacher", "aide", ""]),  # role
        st.sampled_from(["s1", "s2", "s3", ""]),  # org
    ),
    max_size=40,
)


def _oracle(roles: pl.DataFrame) -> pl.DataFrame:
    """The sort-based grouping as it was before _by_rank: every row sorted by
    (uid, rank, line), then grouped as per_user_roles groups."""
    ranked = roles.with_columns(role_rank(PRIMARY)).sort(["uid", "_rank", "line"])
    return grouped_roles(ranked, PROVISIONED)


def _frame(data: list[tuple[str, str, str, str]], lines: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "uid": [r[0] for r in data],
            "role_type": [r[1] for r in data],
            "role": [r[2] for r in data],
            "org": [r[3] for r in data],
            "line": lines,
        },
        schema={
            "uid": pl.String,
            "role_type": pl.String,
            "role": pl.String,
            "org": pl.String,
            "line": pl.Int64,
        },
    )


@settings(max_examples=200, deadline=None)
@given(rows, st.randoms(use_true_random=False), st.booleans())
def test_per_user_roles_is_the_sorted_grouping(
    data: list[tuple[str, str, str, str]], rnd: object, shuffled: bool
) -> None:
    lines = list(range(2, len(data) + 2))
    if shuffled:  # rows out of line order (not the loader's, but _by_rank must hold)
        rnd.shuffle(lines)  # type: ignore[attr-defined]
    roles = _frame(data, lines)
    got = per_user_roles(roles, PROVISIONED, PRIMARY).sort("uid")
    want = _oracle(roles).sort("uid")
    assert got.to_dicts() == want.to_dicts()


def test_only_primary_roles_in_line_order_are_not_sorted() -> None:
    roles = _frame([("u2", PRIMARY, "student", "s1"), ("u1", PRIMARY, "teacher", "s2")], [2, 3])
    ranked = roles.with_columns(pl.lit(0, pl.Int8).alias("_rank"))
    assert _by_rank(ranked)["uid"].to_list() == ["u2", "u1"]
    # a secondary row goes after the primary ones, the rest in line order
    mixed = roles.with_columns(pl.Series("_rank", [1, 0], dtype=pl.Int8))
    assert _by_rank(mixed)["uid"].to_list() == ["u1", "u2"]
