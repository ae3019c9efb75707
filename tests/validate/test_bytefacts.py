"""RL211's byte screen and the schema's is_quiet in one pass (validate.bytefacts): the
combined screen marks exactly what either marks, the quiet fact outlives
pipeline.release_validation_caches, and a column changed since is screened again."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import bytescan
from roster_lint.findings import Findings
from roster_lint.model import LINE, Export, Table
from roster_lint.pipeline import release_validation_caches
from roster_lint.validate import bytefacts, schema
from roster_lint.validate.crossfile import duplicates
from tests.validate.test_crossfile_bytescan import chunked

# Short (inline) and long (data buffer) pieces: capitals, spaces, pluses, DEL, non-ASCII.
PIECES = ["0042", "a56131c1-8d8b-4305", "-", "x" * 14, "Q", "+", " ", "\t", "é", "\x7f"]
values = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)
column = st.lists(st.lists(st.one_of(values, st.none()), max_size=8), min_size=1, max_size=5)

SID = "sourcedId"
ROWS = 30_000  # above the schema's EXACT_ROWS: the byte screens are asked


@settings(max_examples=300, deadline=None)
@given(column)
def test_calm_marks_the_union_of_both_screens(parts: list[list[str | None]]) -> None:
    s = chunked(parts)
    both = bytescan.marked_rows(s, bytescan.calm)
    marked, quiet = bytescan.marked_rows(s), bytescan.marked_rows(s, bytescan._quiet)
    assert both is not None and marked is not None and quiet is not None
    assert both == sorted(set(marked) | set(quiet))


def _export(ids: list[str]) -> Export:
    df = pl.DataFrame({LINE: range(2, len(ids) + 2), SID: ids})
    t = Table(name="orgs.csv", path="orgs.csv", df=df, header=[SID])
    return Export("x", "folder", "1.1", {}, {t.name: t}, Findings())


def _uuids(n: int) -> list[str]:
    return [f"a56131c1-8d8b-4305-ad99-{i:012d}" for i in range(n)]


def _no_second_pass(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def is_quiet(s: pl.Series) -> bool:
        asked.append(s.name)
        return bytescan.is_quiet(s)

    monkeypatch.setattr(bytefacts, "is_quiet", is_quiet)
    return asked


def test_the_quiet_fact_outlives_the_cross_file_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    export = _export(_uuids(ROWS))
    duplicates.run(export, Findings())
    release_validation_caches(export)
    asked = _no_second_pass(monkeypatch)
    out = Findings()
    schema.run(export, out)
    assert asked == []  # sourcedId was judged quiet from RL211's pass
    assert not any(k.startswith(bytefacts.PREFIX) for k in export.derived)  # read once
    fresh = _export(_uuids(ROWS))
    expected = Findings()
    schema.run(fresh, expected)
    assert out.frame().equals(expected.frame())


@pytest.mark.parametrize(
    "change",
    [
        lambda df: df.with_columns(pl.col(SID).str.replace("^a5", "a ")),  # rebuilt
        lambda df: df.filter(pl.col(LINE) % 2 == 0).with_columns(  # filtered, one bad
            pl.when(pl.col(LINE) == 4).then(pl.lit("+1")).otherwise(pl.col(SID)).alias(SID)
        ),
        lambda df: df.slice(1),  # sliced: the same bytes, not the same rows
    ],
)
def test_a_column_changed_since_is_screened_again(
    monkeypatch: pytest.MonkeyPatch, change: object
) -> None:
    export = _export(_uuids(ROWS))
    t = export.tables["orgs.csv"]
    assert bytefacts.changing_ranges(export, t.name, t.df[SID]) == []
    t.df = change(t.df)  # type: ignore[operator]
    asked = _no_second_pass(monkeypatch)
    s = t.df.get_column(SID)
    assert bytefacts.quiet(export, t.name, s) == bytescan.is_quiet(s)
    assert asked == [SID]


def test_a_fact_of_an_unchanged_column_is_used_once(monkeypatch: pytest.MonkeyPatch) -> None:
    export = _export(_uuids(ROWS))
    t = export.tables["orgs.csv"]
    bytefacts.changing_ranges(export, t.name, t.df.select(LINE, SID)[SID])
    asked = _no_second_pass(monkeypatch)
    assert bytefacts.quiet(export, t.name, t.df.get_column(SID))
    assert asked == []
    assert bytefacts.quiet(export, t.name, t.df.get_column(SID))
    assert asked == [SID]
