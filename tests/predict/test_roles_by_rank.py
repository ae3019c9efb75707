"""inputs.per_user_roles groups roles.csv without sorting the user ids (_by_rank: the rows
in (rank, line) order, mostly as the loader gives them): the sort by (uid, rank, line)
it replaced is the oracle, per user; and the users keep their order after the join."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.predict.inputs import (
    _by_rank,
    grouped_by_uid,
    grouped_roles,
    per_user_roles,
    role_rank,
)

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
    return grouped_by_uid(ranked, PROVISIONED)


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
    # a secondary row of a user whose primary row comes later goes after it
    u1 = _frame([("u1", "secondary", "aide", "s1"), ("u1", PRIMARY, "teacher", "s2")], [2, 3])
    mixed = u1.with_columns(pl.Series("_rank", [1, 0], dtype=pl.Int8))
    assert _by_rank(mixed)["org"].to_list() == ["s2", "s1"]


def test_primary_rows_first_in_line_order_are_not_sorted() -> None:
    """Every user's primary rows before its other rows (as roles.csv lists them): the
    frame as it is, in line order (no copy of the 1M rows)."""
    data = [
        ("u2", "secondary", "aide", "s1"),
        ("u1", PRIMARY, "teacher", "s2"),
        ("u1", "secondary", "aide", "s3"),
    ]
    ranked = _frame(data, [2, 3, 4]).with_columns(role_rank(PRIMARY))
    assert _by_rank(ranked)["line"].to_list() == [2, 3, 4]


@settings(max_examples=300, deadline=None)
@given(rows, st.randoms(use_true_random=False))
def test_grouped_roles_is_the_group_by(data: list[tuple[str, str, str, str]], rnd: object) -> None:
    """The users of one row taken as they are, the others grouped: the group_by's rows,
    values and order (each user where its first row is), whatever the rows' order."""
    lines = list(range(2, len(data) + 2))
    rnd.shuffle(lines)  # type: ignore[attr-defined]
    ranked = _frame(data, lines).with_columns(role_rank(PRIMARY))
    got = grouped_roles(ranked, PROVISIONED)
    want = grouped_by_uid(ranked, PROVISIONED)
    assert got.schema == want.schema
    assert got.to_dicts() == want.to_dicts()


def test_grouped_roles_of_single_and_repeated_users() -> None:
    data = [
        ("u1", PRIMARY, "aide", ""),  # not provisioned, no org: no school
        ("u2", PRIMARY, "aide", "s1"),  # not provisioned: every org
        ("u3", PRIMARY, "student", ""),  # provisioned, blank org: kept as it is
        ("u4", "secondary", "teacher", "s2"),
        ("u4", PRIMARY, "student", "s3"),
    ]
    ranked = _frame(data, [2, 3, 4, 5, 6]).with_columns(role_rank(PRIMARY))
    got = grouped_roles(_by_rank(ranked), PROVISIONED)
    assert got.rows() == [
        ("u1", "aide", 2, 1, []),
        ("u2", "aide", 3, 1, ["s1"]),
        ("u3", "student", 4, 1, [""]),
        ("u4", "student", 6, 1, ["s3", "s2"]),
    ]


def test_only_repeated_users_are_grouped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The group_by reads the rows of the users with several rows, not every row."""
    heights: list[int] = []
    group_by = pl.DataFrame.group_by

    def spy(self: pl.DataFrame, *a: object, **k: object) -> object:
        heights.append(self.height)
        return group_by(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.DataFrame, "group_by", spy)
    data = [(f"u{i}", PRIMARY, "student", "s1") for i in range(50)]
    data.append(("u7", "secondary", "teacher", "s2"))
    ranked = _frame(data, list(range(2, 53))).with_columns(role_rank(PRIMARY))
    got = grouped_roles(ranked, PROVISIONED)
    assert heights == [2]
    assert got.filter(pl.col("uid") == "u7")["schools"].to_list() == [["s1", "s2"]]
    heights.clear()
    assert grouped_roles(ranked.head(50), PROVISIONED).height == 50
    assert heights == []
