"""Quiet columns (bytescan.is_quiet: printable ASCII without a space or a plus): the schema
runner leaves out the checks that cannot fire there and judges blank-only ids on their
rows.  The hits must be those of the runner without the shortcut and of pandera's."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import bytescan
from roster_lint.model import LINE
from roster_lint.validate.schema import checks as C
from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for
from tests.validate.test_crossfile_bytescan import chunked

# Short (inline) and long (data buffer) pieces, and every byte the test must see.
PIECES = ["0042", "a56131c1-8d8b-4305", "-", "x" * 14, "E", "+", "E+", " ", "\t", "é", "~"]
values = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)
column = st.lists(st.lists(st.one_of(values, st.none()), max_size=8), min_size=1, max_size=5)


def quiet_values(s: pl.Series) -> bool:
    return all(0x20 < ord(c) < 0x7F and c != "+" for v in s.drop_nulls() for c in v)


@settings(max_examples=300, deadline=None)
@given(column, st.integers(0, 40))
def test_is_quiet_only_when_no_value_holds_a_space_plus_or_non_printable(
    parts: list[list[str | None]], cut: int
) -> None:
    whole = chunked(parts)
    # Unsliced, the buffers hold the values only: the answer is exact.
    assert bytescan.is_quiet(whole) == quiet_values(whole)
    # Slices share buffers with rows they do not hold: a superset, never a pass of a bad row.
    cut = min(cut, whole.len())
    s = pl.concat([whole.slice(cut), whole.slice(0, cut)], rechunk=False).head(max(cut, 1))
    if bytescan.is_quiet(s):
        assert quiet_values(s)


def test_is_quiet_in_the_counting_path_and_the_buffers() -> None:
    short = [str(1000 + i) for i in range(50)]
    long = [f"a56131c1-8d8b-4305-ad99-{i:012d}" for i in range(50)]
    for clean in (short, long):
        assert bytescan.is_quiet(pl.Series(clean))
        for bad in ("1.5E+11", " 12", "12 ", "1\t2", "ü", "\x7f", "+"):
            for at in (0, 23, 49):
                assert not bytescan.is_quiet(pl.Series([*clean[:at], bad, *clean[at + 1 :]]))


def test_silent_checks_are_text_or_space_screened() -> None:
    schema = schema_for("enrollments.csv", "1.1", "bulk")
    silent = {name for name, d in schema.defs.items() if C.silent_on_quiet(d)}
    assert {"sourcedId:padded", "sourcedId:scientific", "sourcedId:only-spaces"} <= silent
    assert "sourcedId:control" in silent and "sourcedId:required" not in silent
    assert "sourcedId:leading-zeros" not in silent  # gated, judged apart


IDS = [f"a56131c1-8d8b-4305-ad99-{i:012d}" for i in range(40)]
BAD = ["", None, " ", "  ", " x", "x ", "1.23457E+11", "4E+12", "a\tb", "x\u00a0"]
DAMAGE = [*BAD, "é1", "0042", "a+b"]  # the last three: no finding, but not quiet either


def _enrollments(rows: int, ids: st.DrawFn | None = None) -> pl.DataFrame:
    n = rows
    return (
        pl.DataFrame(
            {
                "sourcedId": [f"e{i:07d}" for i in range(n)],
                "classSourcedId": [IDS[(i // 50) % len(IDS)] for i in range(n)],  # few values
                "schoolSourcedId": ["school-1" if i % 3 else "school-2" for i in range(n)],
                "userSourcedId": [f"u{i:06d}" for i in range(n)],
                "role": ["student" if i % 9 else "teacher" for i in range(n)],
                "primary": ["false"] * n,
                "beginDate": ["2026-08-17"] * n,
                "endDate": ["2027-06-11"] * n,
            }
        )
        .with_row_index(LINE, offset=2)
        .with_columns(pl.col(LINE).cast(pl.Int64))
    )


def _runs(df: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> tuple[pl.DataFrame, ...]:
    schema = schema_for("enrollments.csv", "1.1", "bulk")
    fast = R.run_fast(schema, df, exact_rows=0)
    with monkeypatch.context() as m:  # the runner before quiet columns
        m.setattr(bytescan, "is_quiet", lambda s: False)
        old = R.run_fast(schema, df, exact_rows=0)
    return fast, old, R.run_pandera(schema, df)


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort("check", "line", "column")


def test_quiet_ids_leave_out_their_silent_checks_and_find_every_blank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    df = _enrollments(2_000)
    blank = [5, 700, 1_999]  # blanks in a quiet few-valued column and a quiet unique one
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()).is_in(blank)).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("classSourcedId", "userSourcedId")
    )
    spy: list[list[str]] = []
    real = R._quiet_columns

    def quiet(*args: object) -> frozenset[str]:
        found = real(*args)  # type: ignore[arg-type]
        spy.append(sorted(found))
        return found

    monkeypatch.setattr(R, "_quiet_columns", quiet)
    fast, old, slow = _runs(df, monkeypatch)
    assert spy[0] == ["classSourcedId", "schoolSourcedId", "sourcedId", "userSourcedId"]
    required = fast.filter(pl.col("check").str.ends_with(":required"))
    assert sorted(required["line"].to_list()) == sorted([b + 2 for b in blank] * 2)
    assert _sorted(fast).equals(_sorted(old))
    assert _sorted(fast).equals(_sorted(slow))


@pytest.mark.parametrize("bad", DAMAGE)
@pytest.mark.parametrize("column", ["sourcedId", "classSourcedId", "userSourcedId"])
@pytest.mark.parametrize("at", [0, 1_234, 2_999])
def test_one_damaged_value_anywhere_is_found(
    bad: str | None, column: str, at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file the shortcut would misread: quiet from top to bottom but for one value."""
    df = _enrollments(3_000)
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) == at)
        .then(pl.lit(bad))
        .otherwise(pl.col(column))
        .alias(column)
    )
    fast, old, slow = _runs(df, monkeypatch)
    assert _sorted(fast).equals(_sorted(old))
    assert _sorted(fast).equals(_sorted(slow))
    if bad in BAD:
        assert at + 2 in fast.filter(pl.col("column") == column)["line"].to_list()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(values, st.none()), min_size=1, max_size=30), st.integers(0, 2))
def test_any_ids_same_hits_as_without_quiet_columns(mixed: list[str | None], which: int) -> None:
    column = ["sourcedId", "classSourcedId", "userSourcedId"][which]
    df = _enrollments(1_500)
    picks = pl.Series(mixed * (1_500 // len(mixed) + 1), dtype=pl.String).head(1_500)
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 0).then(picks).otherwise(pl.col(column)).alias(column)
    )
    schema = schema_for("enrollments.csv", "1.1", "bulk")
    fast = R.run_fast(schema, df, exact_rows=0)
    real = bytescan.is_quiet
    bytescan.is_quiet = lambda s: False
    try:
        old = R.run_fast(schema, df, exact_rows=0)
    finally:
        bytescan.is_quiet = real
    assert _sorted(fast).equals(_sorted(old))
