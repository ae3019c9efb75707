"""The hashed row comparison (rows._match) and RL403 read from its pairs give what a plain
join on the text gives, on random frames with nulls, blanks, repeats and regenerated ids."""

from __future__ import annotations

import random

import polars as pl
import pytest

from roster_lint.diff import findings, rows
from roster_lint.diff.findings import _example, _rekeyed, _rekeyed_from_pairs
from roster_lint.diff.model import FileDiff
from roster_lint.diff.rows import IDX, NEW, PAIR_KEY, KeyHashes, compare_tables, overlap
from roster_lint.model import LINE, Table

KEY3 = ("classSourcedId", "userSourcedId", "role")
VALUES = [None, "", "a", "b", "A", " a"]


def _frame(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    cols = ["sourcedId", "classSourcedId", "userSourcedId", "role", "beginDate", "status"]
    df = pl.DataFrame(rows, schema={c: pl.String for c in cols})
    return df.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))


def _table(df: pl.DataFrame) -> Table:
    return Table("enrollments.csv", "enrollments.csv", df, [c for c in df.columns if c != LINE])


def _pair(seed: int, regenerate: bool, repeats: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(seed)
    old, new = [], []
    for i in range(300):
        row = {
            "sourcedId": rng.choice([f"e{i}", f"e{i}", None]),
            "classSourcedId": rng.choice([f"c{i % 40}", f"c{i % 40}", "", None]),
            "userSourcedId": f"u{i}",
            "role": rng.choice(["student", "student", "teacher", ""]),
            "beginDate": rng.choice(VALUES),
            "status": rng.choice(VALUES),
        }
        old.append(row)
        if rng.random() < 0.1:  # removed
            continue
        changed = dict(row)
        for c in ("beginDate", "status", "role"):
            if rng.random() < 0.15:
                changed[c] = rng.choice(VALUES)
        if regenerate and rng.random() < 0.9:
            changed["sourcedId"] = rng.choice([f"n{i}", None])
        new.append(changed)
    new += [{**old[0], "userSourcedId": f"x{i}"} for i in range(20)]  # added
    if repeats:
        old.append(dict(old[5]))
        new.append({**new[7], "beginDate": "zz"})
    rng.shuffle(new)
    return _frame(old), _frame(new)


def _reference(old: pl.DataFrame, new: pl.DataFrame, key: tuple[str, ...]) -> tuple[object, ...]:
    """The comparison as a join on the key text (first row per key), every value compared."""
    skip = {*key, LINE} | ({"sourcedId"} if key == PAIR_KEY else set())
    common = [c for c in old.columns if c not in skip]
    o = old.filter(pl.struct(list(key)).is_first_distinct())
    n = new.filter(pl.struct(list(key)).is_first_distinct())
    joined = o.join(n, on=list(key), how="inner", suffix=NEW)  # a null key matches nothing
    changed = joined.filter(
        pl.any_horizontal([pl.col(c).ne_missing(pl.col(c + NEW)) for c in common])
    )
    added = n.join(joined.select(LINE + NEW), left_on=LINE, right_on=LINE + NEW, how="anti")
    removed = o.join(joined.select(LINE), on=LINE, how="anti")
    return (
        sorted(added[LINE].to_list()),
        sorted(removed[LINE].to_list()),
        sorted(changed[LINE + NEW].to_list()),
        old.height - o.height,
        new.height - n.height,
    )


def _summary(fd: FileDiff) -> tuple[object, ...]:
    return (
        fd.added["line"].to_list(),
        fd.removed["line"].to_list(),
        sorted(fd.changed["line"].to_list()),
        fd.duplicate_keys_old,
        fd.duplicate_keys_new,
    )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("regenerate", [False, True])
def test_hashed_rows_match_a_text_join(seed: int, regenerate: bool) -> None:
    old, new = _pair(seed, regenerate, repeats=seed % 2 == 0)
    fd = compare_tables("enrollments.csv", _table(old), _table(new))
    assert _summary(fd) == _reference(old, new, fd.key)
    # Each changed record lists exactly the columns whose text differs.
    by_line = {r["line"]: r for r in fd.changed.iter_rows(named=True)}
    assert all(r["columns"] for r in by_line.values())
    for r in by_line.values():
        for c in r["columns"]:
            assert r["old:" + c] != r["new:" + c]


@pytest.mark.parametrize("seed", range(8))
def test_rl403_from_pairs_is_the_natural_key_join(seed: int) -> None:
    old, new = _pair(seed, regenerate=True, repeats=seed % 4 == 0)
    fd = compare_tables("enrollments.csv", _table(old), _table(new))
    assert fd.key == PAIR_KEY and fd.paired is not None
    joined = _rekeyed(old, new, KEY3)
    read = _rekeyed_from_pairs(old, new, KEY3, fd.paired)
    if fd.paired.duplicates:
        assert read is None  # repeated pair keys: the join decides
        return
    assert read is not None
    assert _pair_list(read) == _pair_list(joined) != []
    assert _example(old, new, read) == _example(old, new, joined)


@pytest.mark.parametrize("seed", range(6))
def test_share_found_from_the_pairs_is_the_sampled_overlap(seed: int) -> None:
    old, new = _pair(seed, regenerate=True, repeats=seed % 2 == 0)
    share = KeyHashes(old, new).share_found(PAIR_KEY)
    if seed % 2 == 0:
        assert share is None  # OLD repeats a pair: the sample is probed instead
    else:
        assert share == overlap(old, new, PAIR_KEY) > 0


def _in_order(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A pair listed in much the same order (as exports are): rows removed, added, moved
    and changed here and there, so some rows pair in place and some do not."""
    rng = random.Random(seed)
    old, _ = _pair(seed, regenerate=seed % 2 == 1, repeats=False)
    records = old.to_dicts()
    out = []
    for i, row in enumerate(records):
        if rng.random() < 0.08:
            if i > 250:
                continue  # removed: the rows after it are no longer in place
            row = {**row, "userSourcedId": f"z{i}", "sourcedId": f"z{i}"}  # one for another
        row = dict(row)
        for c in ("beginDate", "status", "role"):
            if rng.random() < 0.1:
                row[c] = rng.choice(VALUES)
        if seed % 2 and rng.random() < 0.9:
            row["sourcedId"] = f"n{i}"
        out.append(row)
        if i > 200 and rng.random() < 0.05:  # added
            out.append({**row, "userSourcedId": f"y{i}", "sourcedId": f"y{i}"})
    if seed % 3 == 0:  # two rows swap places
        out[3], out[40] = out[40], out[3]
    if seed % 4 == 1:  # a null key in place on both sides
        records[10]["classSourcedId"] = None
        out[10] = {**records[10]}
    cols = [c for c in old.columns if c != LINE]
    strip = [{c: r[c] for c in cols} for r in records], [{c: r[c] for c in cols} for r in out]
    return _frame(strip[0]), _frame(strip[1])


def _pairs_of(fd: FileDiff) -> list[tuple[int, int]]:
    assert fd.paired is not None
    p = fd.paired.pairs
    return sorted(zip(p[IDX].to_list(), p[IDX + NEW].to_list(), strict=True))


@pytest.mark.parametrize("seed", range(12))
def test_pairing_in_place_is_the_join_of_every_row(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KeyHashes._aligned (rows in place, the rest joined) against the join of every row
    (ALIGNED off) and the plain text join: the same pairs, records and changed values."""
    old, new = _in_order(seed)
    fast = compare_tables("enrollments.csv", _table(old), _table(new))
    monkeypatch.setattr(rows, "ALIGNED", False)
    slow = compare_tables("enrollments.csv", _table(old), _table(new))
    assert fast.key == slow.key
    assert _summary(fast) == _summary(slow) == _reference(old, new, fast.key)
    assert _pairs_of(fast) == _pairs_of(slow)
    assert fast.changed.equals(slow.changed)
    assert fast.added.equals(slow.added) and fast.removed.equals(slow.removed)
    assert fast.column_changes == slow.column_changes
    assert fast.id_overlap == slow.id_overlap


def test_pairing_in_place_pairs_an_export_with_itself_whole() -> None:
    old, _ = _in_order(1)
    old = old.with_columns(pl.format("e{}", pl.col(LINE)).alias("sourcedId"))
    fd = compare_tables("enrollments.csv", _table(old), _table(old.clone()))
    assert fd.key == ("sourcedId",) and fd.counts == {"added": 0, "removed": 0, "changed": 0}
    assert _pairs_of(fd) == [(i, i) for i in range(old.height)]


@pytest.mark.parametrize("regenerate", [False, True])
def test_pairing_every_row_in_place(regenerate: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row paired in place, no value changed (an export and the next with its
    enrollment ids regenerated): PairedRows.in_place, and the paired rows' masks made
    without a scatter of the positions (rows.mask); nothing added, removed or changed."""
    old, _ = _in_order(1)
    old = old.filter(pl.col("classSourcedId").is_not_null() & pl.col("sourcedId").is_not_null())
    old = old.unique(PAIR_KEY, keep="first", maintain_order=True)
    old = old.with_columns(pl.format("e{}", pl.col(LINE)).alias("sourcedId"))
    new = old.clone()
    if regenerate:
        new = new.with_columns(pl.format("n{}", pl.col(LINE)).alias("sourcedId"))
    scattered: list[int] = []
    real_mask = rows.mask

    def counted(size: int, at: pl.Series) -> pl.Series:
        scattered.append(at.len())
        return real_mask(size, at)

    monkeypatch.setattr(rows, "mask", counted)
    fd = compare_tables("enrollments.csv", _table(old), _table(new))
    assert fd.key == (PAIR_KEY if regenerate else ("sourcedId",))
    assert fd.counts == {"added": 0, "removed": 0, "changed": 0}
    assert fd.paired is not None and fd.paired.in_place
    assert _pairs_of(fd) == [(i, i) for i in range(old.height)]
    assert scattered == []
    # One value changed: not in place, the masks scattered as before.
    changed = new.with_columns(
        pl.when(pl.col(LINE) == 5).then(pl.lit("zz")).otherwise(pl.col("status")).alias("status")
    )
    fd = compare_tables("enrollments.csv", _table(old), _table(changed))
    assert fd.paired is not None and not fd.paired.in_place
    assert fd.counts == {"added": 0, "removed": 0, "changed": 1} and scattered


@pytest.mark.parametrize("seed", [1, 3, 5, 7, 11, 13])
def test_rl403_from_pairs_in_place_is_the_natural_key_join(seed: int) -> None:
    """RL403 from pairs made mostly in place (findings._rekeyed_in_place) against the
    natural-key join."""
    old, new = _in_order(seed)
    fd = compare_tables("enrollments.csv", _table(old), _table(new))
    assert fd.key == PAIR_KEY and fd.paired is not None and not fd.paired.duplicates
    p = fd.paired.pairs
    assert (p[IDX] == p[IDX + NEW]).sum() > p.height // 4  # many pairs in place
    read = _rekeyed_from_pairs(old, new, KEY3, fd.paired)
    joined = _rekeyed(old, new, KEY3)
    assert read is not None
    assert _pair_list(read) == _pair_list(joined) != []
    assert _example(old, new, read) == _example(old, new, joined)


def _pair_list(f: pl.DataFrame) -> list[tuple[int, int]]:
    """The (OLD row, NEW row) pairs of `f`, sorted: pairs made two ways compared as sets."""
    return sorted(zip(f[IDX].to_list(), f[IDX + NEW].to_list(), strict=True))


def _chunks(df: pl.DataFrame, size: int) -> pl.DataFrame:
    """`df` in chunks of `size` rows (the loader's frames come in many; two exports' chunks
    differ)."""
    return pl.concat([df.slice(i, size) for i in range(0, df.height, size)], rechunk=False)


@pytest.mark.parametrize("seed", [1, 3, 4, 7])
def test_pairing_in_place_on_frames_chunked_apart(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = _in_order(seed)
    old, new = _chunks(old, 37), _chunks(new, 53)
    assert old.n_chunks() > 1 and new.n_chunks() > 1
    fast = compare_tables("enrollments.csv", _table(old), _table(new))
    monkeypatch.setattr(rows, "ALIGNED", False)
    slow = compare_tables("enrollments.csv", _table(old), _table(new))
    assert _pairs_of(fast) == _pairs_of(slow)
    assert fast.changed.equals(slow.changed) and fast.column_changes == slow.column_changes
    assert _summary(fast) == _reference(old.rechunk(), new.rechunk(), fast.key)
    if fast.key == PAIR_KEY and fast.paired is not None and not fast.paired.duplicates:
        read = _rekeyed_from_pairs(old, new, KEY3, fast.paired)
        assert read is not None
        got = sorted(zip(read[IDX].to_list(), read[IDX + NEW].to_list(), strict=True))
        want = _rekeyed(old, new, KEY3)
        assert got == sorted(zip(want[IDX].to_list(), want[IDX + NEW].to_list(), strict=True))


@pytest.mark.parametrize("seed", range(4))
def test_example_of_every_record_is_the_filtered_ones(seed: int) -> None:
    """_example when every record was re-keyed in place (no filter of the ids) against the
    same records listed out of order (the filtered path)."""
    rng = random.Random(seed)
    n = 50
    # The smallest id first, so that leaving out the first record changes the example.
    old = pl.DataFrame({"sourcedId": ["a0"] + [f"e{rng.randrange(10**6)}" for _ in range(n - 1)]})
    new = pl.DataFrame({"sourcedId": [f"n{rng.randrange(10**6)}" for _ in range(n)]})
    at = pl.int_range(n, dtype=pl.UInt32, eager=True)
    every = pl.DataFrame([at.alias(IDX), at.alias(IDX + NEW)])
    assert _example(old, new, every) == _example(old, new, every.reverse())
    assert _example(old, new, every)[0] == old["sourcedId"].min()
    some = every.slice(1)  # all but the first: the filtered path picks among them
    assert _example(old, new, some)[0] == old["sourcedId"].slice(1).min()


@pytest.mark.parametrize("seed", range(12))
def test_pairing_in_place_first_hashes_only_new_rows_not_in_place(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KeyHashes._in_place_first: the pairs, repeats left out and MOVED flags of the usual
    way (`_aligned` over both sides' hashes, and the join of every row), with NEW's key
    hashed only where its rows are not in place (never whole)."""
    old, new = _in_order(seed)
    old, new = _chunks(old, 37), _chunks(new, 53)
    for key in (PAIR_KEY, ("sourcedId",)):
        first = KeyHashes(old, new)
        fast = first.pairing(key)
        if key == PAIR_KEY:  # OLD's pairs are distinct (its ids are not: nulls, repeats)
            assert (key, 1) not in first._done  # NEW's key was not hashed whole
        made = []
        for aligned in (True, False):
            monkeypatch.setattr(rows, "IN_PLACE_FIRST", False)
            monkeypatch.setattr(rows, "ALIGNED", aligned)
            made.append(KeyHashes(old, new).pairing(key))
        monkeypatch.setattr(rows, "ALIGNED", True)
        monkeypatch.setattr(rows, "IN_PLACE_FIRST", True)
        for slow in made:
            assert fast[0].sort(IDX).equals(slow[0].sort(IDX))
            assert [s.to_list() for s in fast[1]] == [s.to_list() for s in slow[1]]
            assert fast[2] == slow[2]


def test_pairing_in_place_first_declines_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    """NEW repeating a key OLD holds in place: nothing is taken from `_in_place_first`, the
    usual way hashes NEW whole (and pairs each key's first row); NEW's rows all moved
    (listed in reverse) are taken, the same pairs as the join of every row."""
    old, _ = _in_order(1)
    old = old.unique(PAIR_KEY, keep="first", maintain_order=True)
    repeated = pl.concat([old, old.slice(3, 1)])  # NEW repeats OLD's fourth pair at its end
    hashes = KeyHashes(old, repeated)
    assert hashes._in_place_first(PAIR_KEY, hashes.common(PAIR_KEY)) is None
    assert hashes.pairing(PAIR_KEY)[1][1].to_list() == [old.height]
    assert (PAIR_KEY, 1) in hashes._done
    moved = old.reverse()
    hashes = KeyHashes(old, moved)
    fast = hashes.pairing(PAIR_KEY)
    assert (PAIR_KEY, 1) not in hashes._done and fast[0].height > old.height // 2
    monkeypatch.setattr(rows, "ALIGNED", False)
    slow = KeyHashes(old, moved).pairing(PAIR_KEY)
    assert fast[0].sort(IDX).equals(slow[0].sort(IDX))


def test_rl403_every_row_in_place_is_the_natural_key_join(monkeypatch: pytest.MonkeyPatch) -> None:
    """RL403 when every row is paired in place with no compared value changed
    (findings._rekeyed_every_row: only the ids compared across the sides) against the
    natural-key join: roles blank or null, classes blank, ids kept, new or null."""
    rng = random.Random(5)
    records = [
        {
            "sourcedId": rng.choice([f"e{i}", f"e{i}", None]),
            "classSourcedId": rng.choice([f"c{i % 7}", f"c{i % 7}", ""]),
            "userSourcedId": f"u{i}",
            "role": rng.choice(["student", "teacher", "", None]),
            "beginDate": rng.choice(VALUES),
            "status": rng.choice(VALUES),
        }
        for i in range(200)
    ]
    old = _frame(records)
    line = pl.col(LINE) % 3
    new = old.with_columns(
        pl.when(line == 0)
        .then(pl.col("sourcedId"))
        .when(line == 1)
        .then(pl.format("n{}", pl.col(LINE)))
        .alias("sourcedId")
    )
    old, new = _chunks(old, 37), _chunks(new, 53)
    fd = compare_tables("enrollments.csv", _table(old), _table(new))
    assert fd.key == PAIR_KEY and fd.paired is not None and fd.paired.in_place
    monkeypatch.setattr(findings, "_rekeyed_in_place", None)  # not the pairs' general path
    read = _rekeyed_from_pairs(old, new, KEY3, fd.paired)
    joined = _rekeyed(old, new, KEY3)
    assert read is not None
    assert _pair_list(read) == _pair_list(joined) != []
    assert _example(old, new, read) == _example(old, new, joined)
