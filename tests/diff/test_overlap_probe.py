"""The sourcedId overlap (rows.overlap) probed as text, and not probed for a file NEW took
from OLD (rows.shared_overlap): each the number the hash join gives (docs/performance.md,
branch difffast9)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_lint import api
from roster_lint.diff import findings, rows
from roster_lint.diff.compare import _file_order, compare_rows, measured_overlaps
from roster_lint.diff.rows import HASH, ID_KEY, PAIR_KEY, KeyHashes, key_hash, overlap
from roster_lint.load import load_export
from tests.diff.test_reuse import _load_pair

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
IDS = [None, "", "a", "b", "c", "A", " a", "d" * 40]


def _frame(ids: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"sourcedId": ids}, schema={"sourcedId": pl.String})


def _oracle(old: pl.DataFrame, new: pl.DataFrame, step: int) -> float:
    """The sampled share, plainly: every `step`-th previous id (distinct, a null one too),
    found where NEW holds the same text (a null found nowhere)."""
    sample = set(old["sourcedId"].gather_every(step).to_list())
    there = set(new["sourcedId"].drop_nulls().to_list())
    return sum(1 for v in sample if v is not None and v in there) / len(sample)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(IDS), min_size=1, max_size=25),
    st.lists(st.sampled_from(IDS), max_size=25),
    st.sampled_from([1, 2, 3, 100_000]),
)
def test_text_probe_is_the_hash_join(
    old_ids: list[str | None], new_ids: list[str | None], sample: int
) -> None:
    """A one-column key is probed as text, never hashed: the hash join's number (NEW's
    hashes given, as choose_key gave them before) and the plain count's."""
    old, new = _frame(old_ids), _frame(new_ids)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rows, "SAMPLE", sample)
        hashed = overlap(old, new, ID_KEY, new.select(key_hash(ID_KEY))[HASH])

        def no_hash(key: tuple[str, ...]) -> pl.Expr:
            raise AssertionError("hashed")

        mp.setattr(rows, "key_hash", no_hash)
        got = overlap(old, new, ID_KEY)
    assert got == hashed == _oracle(old, new, max(1, old.height // sample))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(IDS), min_size=1, max_size=25),
    st.sampled_from([1, 2, 3, 100_000]),
)
def test_same_is_the_probe_of_a_copy(ids: list[str | None], sample: int) -> None:
    """same=True (one frame on both sides) is the number the probe of a copy gives."""
    df = _frame(ids)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rows, "SAMPLE", sample)
        probed = overlap(df, df.clone(), ID_KEY)
        assert overlap(df, df, ID_KEY, same=True) == probed
        assert probed == _oracle(df, df, max(1, df.height // sample))


def test_pair_key_still_hashed() -> None:
    """A key of two columns is probed by hash, NEW's hashes given or not."""
    old = pl.DataFrame({"classSourcedId": ["c1", "c1", None, "c2"], "userSourcedId": list("abcd")})
    new = pl.DataFrame({"classSourcedId": ["c1", None, "c2"], "userSourcedId": list("acd")})
    given_hash = overlap(old, new, PAIR_KEY, new.select(key_hash(PAIR_KEY))[HASH])
    assert overlap(old, new, PAIR_KEY) == given_hash == 2 / 4


@pytest.mark.parametrize("which", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_shared_files_not_probed(which: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export against itself, every file shared: the RL4xx checks are given each shared
    file's overlap (none is probed by findings.changed_id_schemes), the number a probe of
    the file read twice gives, and the same warnings."""
    path = str(SAMPLES / which)
    old, new, shared = _load_pair(path, path)
    assert {"users.csv", "orgs.csv"} <= shared
    a, b = load_export(path), load_export(path)
    opts = api.Options()
    want = compare_rows(a, b, opts)
    files = [
        rows.compare_tables(n, old.tables.get(n), new.tables.get(n), same=n in shared)
        for n in _file_order(set(old.tables))
    ]
    measured = measured_overlaps(old, new, files, shared)
    for name in shared:
        if "sourcedId" in old.tables[name].df.columns:
            assert measured[name] == overlap(a.tables[name].df, b.tables[name].df, ID_KEY), name

    def probed(*args: object, **kwargs: object) -> float:
        raise AssertionError("probed")

    monkeypatch.setattr(findings, "overlap", probed)
    got = compare_rows(old, new, opts, shared)
    assert got.warnings.equals(want.warnings)


def test_in_place_rest_empty_not_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row of NEW in place (the usual pair): no empty rest is tested for repeats."""
    old = pl.DataFrame({"classSourcedId": ["c1", "c2", "c3"], "userSourcedId": list("abc")})
    new = old.with_columns(pl.Series("sourcedId", ["x", "y", "z"]))
    old = old.with_columns(pl.Series("sourcedId", ["p", "q", "r"]))
    seen: list[int] = []
    real = rows.distinct

    def spy(hashes: pl.Series) -> bool:
        seen.append(hashes.len())
        return real(hashes)

    monkeypatch.setattr(rows, "distinct", spy)
    pairs = KeyHashes(old, new).pairing(PAIR_KEY)[0]
    assert pairs["__i"].to_list() == pairs["__i__new"].to_list() == [0, 1, 2]
    assert 0 not in seen
