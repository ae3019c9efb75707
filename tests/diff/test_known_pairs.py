"""The pairs `diff` made, carried on the plan's previous side (history.with_known_pairs):
match_pairs, with_previous_user and retained_users read them and give what they give
when they match the rows themselves (KNOWN = False is the oracle), on random frames with
rows removed, added, moved and re-keyed, live and dead previous rows; and they do not
read them when today's rows are not in line order."""

from __future__ import annotations

import random

import polars as pl
import pytest

from roster_lint.predict import history
from roster_lint.predict.model import ACTION
from tests.diff.helpers import same_match


def _enrollments(rng: random.Random, keys: list[tuple[str, str]], acts: list[str]) -> pl.DataFrame:
    n = len(keys)
    return pl.DataFrame(
        {
            "eid": [f"e{rng.randrange(10**9)}" for _ in range(n)],  # regenerated ids
            "cid": [k[0] for k in keys],
            "uid": [k[1] for k in keys],
            "role": [rng.choice(["student", "teacher"]) for _ in range(n)],
            "course": [rng.choice(["k1", "k2"]) for _ in range(n)],
            "school": ["s"] * n,
            "action": pl.Series([rng.choice(acts) for _ in range(n)], dtype=ACTION),
            "line": list(range(2, n + 2)),
        }
    )


def _diff_pairs(
    old: pl.DataFrame, new: pl.DataFrame, key: list[str]
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """What `diff` pairs (no key repeated, none null): a join on the key text."""
    at = pl.int_range(pl.len(), dtype=pl.UInt32)
    joined = old.select(*key, at.alias("_j")).join(new.select(*key, at.alias("_i")), on=key)
    return joined["_j"], joined["_i"], new["line"].gather(joined["_i"])


def _exports(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(seed)
    was = [(f"c{i % 30}", f"u{i}") for i in range(300)]
    now: list[tuple[str, str]] = []
    for i, k in enumerate(was):
        r = rng.random()
        if r < 0.05:
            continue  # removed
        now.append((f"c{i % 7}", f"x{i}") if r < 0.1 else k)  # another pair, or the same
    now[5], now[90] = now[90], now[5]  # listed apart
    now += [(f"c{i}", f"new{i}") for i in range(12)]  # added
    prev = _enrollments(rng, was, ["enroll", "unchanged", "transfer", "skip", "unenroll"])
    e = _enrollments(rng, now, ["enroll", "skip", "unenroll"])
    return e, prev


@pytest.mark.parametrize("seed", range(12))
def test_match_pairs_from_known_pairs_is_its_own(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    e, prev = _exports(seed)
    known = history.with_known_pairs(prev, *_diff_pairs(prev, e, ["cid", "uid"]))
    assert history.pairs._known_rows(e, known) is not None
    fast = history.match_pairs(e, known)
    monkeypatch.setattr(history.pairs, "KNOWN", False)
    slow = history.match_pairs(e, prev)
    fast, slow = same_match(fast, slow)
    assert slow.had.sum() > 100 and slow.was.height < prev.height  # dead rows left out


@pytest.mark.parametrize("seed", range(4))
def test_known_pairs_are_not_read_when_rows_are_out_of_line_order(seed: int) -> None:
    e, prev = _exports(seed)
    known = history.with_known_pairs(prev, *_diff_pairs(prev, e, ["cid", "uid"]))
    moved = e.with_columns(pl.col("line").reverse())  # the positions name other lines
    assert history.pairs._known_rows(moved, known) is None
    shifted = e.slice(1)  # a row fewer: each paired position holds the next line
    assert history.pairs._known_rows(shifted, known) is None
    fast, slow = history.match_pairs(moved, known), history.match_pairs(moved, prev)
    assert fast is not None and slow is not None and fast.had.equals(slow.had)


def _users(rng: random.Random, ids: list[str], acts: list[str]) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame(
        {
            "uid": ids,
            "action": pl.Series([rng.choice(acts) for _ in range(n)], dtype=ACTION),
            "ok_schools": [[f"s{rng.randrange(3)}"] for _ in range(n)],
            "sig": [rng.randrange(5) for _ in range(n)],
            "summit_role": [rng.choice(["student", "teacher"]) for _ in range(n)],
            "line": list(range(2, n + 2)),
        }
    )


@pytest.mark.parametrize("seed", range(8))
def test_users_from_known_pairs_are_their_own(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    was = [f"u{i}" for i in range(120)]
    now = [u for u in was if rng.random() > 0.1] + [f"n{i}" for i in range(9)]
    now[3], now[50] = now[50], now[3]
    prev = _users(rng, was, ["create", "skip", "unchanged", "update"])
    users = _users(rng, now, ["create", "skip"])
    known = history.with_known_pairs(prev, *_diff_pairs(prev, users, ["uid"]))
    fast = (history.with_previous_user(users, known), history.retained_users(users, known))
    monkeypatch.setattr(history.pairs, "KNOWN", False)
    slow = (history.with_previous_user(users, prev), history.retained_users(users, prev))
    assert fast[0].equals(slow[0])
    assert fast[1] is not None and slow[1] is not None
    assert fast[1].sort("id").equals(slow[1].sort("id"))  # the engine orders them by id
    assert slow[0]["_psig"].is_not_null().sum() > 50 and slow[1].height > 3


def _in_place_exports(seed: int, swap: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Today's export lists the previous one's (class, user) pairs in the same order (only
    the enrollment ids regenerated, the actions decided anew), or with two rows swapped."""
    rng = random.Random(seed)
    was = [(f"c{i % 30}", f"u{i}") for i in range(300)]
    now = list(was)
    if swap:
        now[5], now[90] = now[90], now[5]
    prev = _enrollments(rng, was, ["enroll", "unchanged", "transfer", "skip", "unenroll"])
    return _enrollments(rng, now, ["enroll", "skip", "unenroll"]), prev


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_known_pairs_in_order_are_their_own(
    seed: int, swap: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row paired (history.pairs.in_order: no scatter or gather), in place or with
    NEW's rows moved: the same Pairs as matching the rows again."""
    e, prev = _in_place_exports(seed, swap)
    # Cut apart, as the loader cuts two exports' frames (by bytes): NEW's lines too.
    e, prev = _chunked(e, 37), _chunked(prev, 23)
    at_old, at_new, lines = _diff_pairs(prev, e, ["cid", "uid"])
    order = at_old.arg_sort()
    at_old, at_new = at_old.gather(order), at_new.gather(order)
    lines = e["line"] if not swap else lines.gather(order)
    assert history.pairs.in_order(at_old, prev.height)
    assert history.pairs.in_order(at_new, e.height) is not swap
    known = history.with_known_pairs(prev, at_old, at_new, lines)
    assert known[history.PAIR].equals(at_new, check_names=False)
    # The two columns come cut like the previous rows' (a frame chunked unevenly is
    # copied whole by the next operation).
    like = known["eid"].chunk_lengths()
    assert known[history.PAIR].chunk_lengths() == known[history.PAIR_LINE].chunk_lengths() == like
    assert history.pairs._known_rows(e, known) is not None
    fast = history.match_pairs(e, known)
    monkeypatch.setattr(history.pairs, "KNOWN", False)
    slow = history.match_pairs(e, prev)
    fast, slow = same_match(fast, slow)
    assert slow.was.height < prev.height and slow.still_enrolled.sum() > 10  # dead rows too
    assert fast.had.n_chunks() == 1  # cut like today's rows by enrollments_vs_previous
    # Lines that are not the paired ones (renumbered) are not read, in order or not.
    renumbered = e.with_columns(pl.col("line") + 1)
    assert history.pairs._known_rows(renumbered, known) is None


def _chunked(df: pl.DataFrame, cut: int) -> pl.DataFrame:
    return pl.concat([df.slice(i, cut) for i in range(0, df.height, cut)], rechunk=False)


def test_in_order() -> None:
    s = lambda v: pl.Series(v, dtype=pl.UInt32)  # noqa: E731
    assert history.pairs.in_order(s([0, 1, 2]), 3)
    assert history.pairs.in_order(s([]), 0)
    assert not history.pairs.in_order(s([0, 1, 2]), 4)
    assert not history.pairs.in_order(s([0, 2, 1]), 3)
    assert not history.pairs.in_order(s([0, None, 2]), 3)
    assert not history.pairs.in_order(s([1, 2, 3]), 3)
