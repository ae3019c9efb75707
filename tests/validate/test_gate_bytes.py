"""The leading-zero gate answered from the string views (bytescan.may_start_short): never
shut where the polars gate opens, and its shut gates are not queried by the runner."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import bytescan
from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for
from roster_lint.validate.schema.checks import CODE_MAX_DIGITS, leading_zero_check


def polars_gate(s: pl.Series) -> bool:
    d = leading_zero_check("c")
    assert d.gate is not None
    return bool(pl.DataFrame({"c": s}).select(d.gate(pl.col("c")).fill_null(False)).item())


# Values around the gate's edges: a leading "0" or not, 0..40 bytes (inline views hold up
# to 12, longer ones a 4-byte prefix), the longest code (18) and one past it.
VALUE = st.builds(
    lambda first, n: (first + "7" * 40)[:n],
    st.sampled_from(["0", "1", "a", " ", "é"]),
    st.sampled_from([0, 1, 2, 11, 12, 13, CODE_MAX_DIGITS, CODE_MAX_DIGITS + 1, 36]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.none() | VALUE, max_size=40), st.integers(1, 5), st.integers(0, 3))
def test_the_byte_gate_is_shut_only_where_the_polars_gate_is(
    values: list[str | None], chunks: int, offset: int
) -> None:
    # Several chunks, and a slice (an offset into the views), as polars' reader leaves them.
    parts = [pl.Series("c", values[i::chunks], pl.String) for i in range(chunks)]
    s = pl.concat(parts, rechunk=False) if parts else pl.Series("c", [], pl.String)
    s = s.slice(min(offset, s.len()))
    if polars_gate(s):
        assert bytescan.may_start_short(s, ord("0"), CODE_MAX_DIGITS)
    want = any(v is not None and 1 <= len(v.encode()) <= 18 and v[0] == "0" for v in s)
    assert polars_gate(s) == want


def test_a_shut_gate_is_not_queried() -> None:
    # 30k users (past EXACT_ROWS) whose ids and identifiers are numbers without a zero in
    # front: no gate query at all; one "0123" identifier opens the identifier's.
    n = R.EXACT_ROWS + 10_000
    ids = [str(10_000 + i) for i in range(n)]
    df = pl.DataFrame(
        {"sourcedId": ids, "identifier": ids, "__line": range(2, n + 2)},
        schema={"sourcedId": pl.String, "identifier": pl.String, "__line": pl.Int64},
    )
    users = schema_for("users.csv", "1.1", "bulk")
    assert not [j for j in R.jobs(users, df) if isinstance(j, R._Gate)]
    zero = df.with_columns(
        pl.when(pl.col("__line") == 2)
        .then(pl.lit("0123"))
        .otherwise("identifier")
        .alias("identifier")
    )
    gates = [j for j in R.jobs(users, zero) if isinstance(j, R._Gate)]
    assert [[d.name for _, d in g.gated] for g in gates] == [["identifier:leading-zeros"]]


def _placements(df: pl.DataFrame) -> list[R._Place]:
    jobs = R.jobs(schema_for("enrollments.csv", "1.1", "bulk"), df, exact_rows=0, group=True)
    return [f for j in jobs for f in j.finish(j.query.collect())[1] if isinstance(f, R._Place)]


def _enrollments(primary: list[str | None]) -> pl.DataFrame:
    n = len(primary)
    return pl.DataFrame(
        {
            "sourcedId": [f"e{i}" for i in range(n)],
            "primary": primary,
            "__line": range(2, n + 2),
        },
        schema={"sourcedId": pl.String, "primary": pl.String, "__line": pl.Int64},
    )


def test_a_column_bad_in_every_row_is_placed_without_a_lookup() -> None:
    # Excel's TRUE/FALSE in every row: every distinct value is bad, so every row is a hit;
    # no membership test is made (no hashing of every row), and the counts are the rows.
    df = _enrollments(["TRUE", "FALSE"] * 500)
    [place] = _placements(df)
    assert 'col("primary").is_in' not in place.query.explain()
    hits = R.collect_jobs(
        [R.jobs(schema_for("enrollments.csv", "1.1", "bulk"), df, exact_rows=0, group=True)],
        group=True,
    )[0]
    assert hits.select("check", "count", "line").rows() == [("primary:case", 1000, 2)]


def test_a_column_with_one_good_value_still_looks_each_row_up() -> None:
    # "true" is good, and a null is no value to judge: only the "TRUE" rows are hits.
    df = _enrollments(["TRUE", "true", None, "TRUE"] * 250)
    [place] = _placements(df)
    assert 'col("primary").is_in' in place.query.explain()
    hits = R.collect_jobs(
        [R.jobs(schema_for("enrollments.csv", "1.1", "bulk"), df, exact_rows=0, group=True)],
        group=True,
    )[0]
    assert hits.select("check", "count", "line").rows() == [("primary:case", 500, 2)]
