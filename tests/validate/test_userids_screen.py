"""userIds' list-damage check is screened by the userIds screen (docs/performance.md,
branch checkfast6): one regex pass for both checks, never a damaged list missed."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint.model import LINE
from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for
from roster_lint.validate.schema.typed import userids_screen

PIECES = ["{", "}", ":", ",", " ", "a", "1", "\u00a0", "\t", "{FED:1}", "{LDAP: x}", ", "]
VALUES = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


def _defs(version: str) -> dict[str, object]:
    schema = schema_for("users.csv", version, "bulk")
    return {d.name: d for col, d in schema.column_defs(["userIds"])}


def test_the_list_check_of_userids_takes_the_userids_screen() -> None:
    for version in ("1.1", "1.2"):
        defs = _defs(version)
        assert defs["userIds:list"].screen is userids_screen  # type: ignore[attr-defined]
        assert defs["userIds:userids"].screen is userids_screen  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(st.one_of(VALUES, st.none()))
def test_the_userids_screen_holds_every_damaged_list(value: str | None) -> None:
    d = _defs("1.1")["userIds:list"]
    got = pl.DataFrame({"u": [value]}, schema={"u": pl.String}).select(
        d.bad(pl.col("u")).fill_null(False).alias("bad"),  # type: ignore[attr-defined]
        userids_screen(pl.col("u")).fill_null(False).alias("screen"),
    )
    if got["bad"][0]:
        assert got["screen"][0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(VALUES, st.none()), min_size=1, max_size=12))
def test_screened_hits_are_the_exact_hits(values: list[str | None]) -> None:
    # exact_rows=0: the large-table path (screens, then the exact check on screened rows).
    df = pl.DataFrame(
        {"sourcedId": [f"u{i}" for i in range(len(values))], "userIds": values},
        schema={"sourcedId": pl.String, "userIds": pl.String},
    ).with_row_index(LINE, offset=2)
    df = df.with_columns(pl.col(LINE).cast(pl.Int64))
    schema = schema_for("users.csv", "1.1", "bulk")
    hits = R.run_fast(schema, df, 0)
    for name in ("userIds:list", "userIds:userids"):
        d = _defs("1.1")[name]
        want = df.filter(d.bad(pl.col("userIds")).fill_null(False))[LINE].to_list()  # type: ignore[attr-defined]
        got = sorted(hits.filter(pl.col("check") == name)["line"].to_list())
        assert got == want
