"""history.match_pairs (the plan's previous side of `diff`): enrollments matched in place
where both exports list them in the same order give the same masks as the join of every
row, with nulls, repeats, rows added, removed and moved."""

from __future__ import annotations

import random

import polars as pl
import pytest

from roster_lint.predict import history
from roster_lint.predict.model import ACTION
from tests.diff.helpers import same_match


def _side(rows: list[tuple[str | None, str | None, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "eid": [f"e{i}" for i in range(len(rows))],
            "cid": [r[0] for r in rows],
            "uid": [r[1] for r in rows],
            "role": ["student"] * len(rows),
            "course": ["k"] * len(rows),
            "school": ["s"] * len(rows),
            "action": pl.Series([r[2] for r in rows], dtype=ACTION),
        }
    )


def _exports(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(seed)
    # Mostly live before (only live rows are matched: a dead one moves the rest up).
    acts = ["enroll", "enroll", "unchanged", "transfer"]
    was = [
        (
            rng.choice([f"c{i % 30}", None]) if rng.random() < 0.05 else f"c{i % 30}",
            f"u{i}",
            rng.choice(acts) if i < 260 else rng.choice(["skip", "unenroll", "enroll"]),
        )
        for i in range(300)
    ]
    now = []
    for i, (c, u, _) in enumerate(was):
        r = rng.random()
        if r < 0.05 and i > 200:
            continue  # removed: the rows after it move up
        if r < 0.1:
            now.append((f"c{i % 7}", f"x{i}", "enroll"))  # another pair in its place
            continue
        now.append((c, u, rng.choice(["enroll", "skip", "unenroll"])))
    if seed % 3 == 0:
        now[5], now[90] = now[90], now[5]
    if seed % 4 == 1:  # a repeated pair: the join decides
        now.append(now[10])
    if seed % 4 == 2:
        was.append(was[20])
    return _side(now), _side(was)


@pytest.mark.parametrize("seed", range(16))
def test_match_pairs_in_place_is_the_join_of_every_row(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    now, prev = _exports(seed)
    fast = history.match_pairs(now, prev)
    monkeypatch.setattr(history.pairs, "ALIGNED", False)
    slow = history.match_pairs(now, prev)
    fast, slow = same_match(fast, slow)
    assert slow.had.sum() > 100  # the oracle itself matches rows


def test_match_pairs_in_place_with_an_empty_previous_side() -> None:
    now, prev = _exports(1)
    none = prev.with_columns(pl.lit("skip", ACTION).alias("action"))
    pairs = history.match_pairs(now, none)
    assert pairs is not None and pairs.was.height == 0 and not pairs.had.any()


def _chunked(values: list[str | None], cut: list[int]) -> pl.Series:
    parts, start = [], 0
    for end in [*cut, len(values)]:
        parts.append(pl.Series("v", values[start:end], dtype=pl.String))
        start = end
    return pl.concat(parts, rechunk=False)


@pytest.mark.parametrize("seed", range(6))
def test_in_place_on_series_chunked_apart_is_the_plain_comparison(seed: int) -> None:
    rng = random.Random(seed)
    n = 200
    a = [rng.choice([None, "", "x", "y", "a long value, past twelve bytes"]) for _ in range(n)]
    b = [v if rng.random() < 0.7 else rng.choice([None, "", "x"]) for v in a]
    sa = _chunked(a, sorted(rng.sample(range(1, n), 5)))
    sb = _chunked(b, sorted(rng.sample(range(1, n), 7)))
    assert sa.n_chunks() == 6 and sb.n_chunks() == 8
    for op in (history.same_text, lambda x, y: x.ne_missing(y)):
        got = history.in_place(sa, sb, op)
        want = op(sa.rechunk(), sb.rechunk())
        assert got.n_chunks() == 1 and got.to_list() == want.to_list()


def _vs_previous_by_join(e: pl.DataFrame, pairs: history.Pairs, student: str) -> pl.DataFrame:
    """enrollments_vs_previous as it was: a left join of every row (the oracle)."""
    from roster_lint.predict import kernel
    from roster_lint.predict.rules.history import MOVED

    out = e.hstack([pairs.had.alias("_had")])
    enrolled = pl.col("action") == "enroll"
    before = (
        pairs.was.filter((pl.col("role") == student) & ~pairs.still_enrolled)
        .select("uid", "course", pl.col("cid").alias("from_class"))
        .unique(["uid", "course"], keep="first", maintain_order=True)
    )
    out = out.join(before, on=["uid", "course"], how="left", maintain_order="left")
    moved = (
        enrolled
        & ~pl.col("_had")
        & pl.col("from_class").is_not_null()
        & (pl.col("role") == student)
    )
    return out.with_columns(
        pl.when(enrolled & pl.col("_had"))
        .then(pl.lit("unchanged", ACTION))
        .when(moved)
        .then(pl.lit("transfer", ACTION))
        .otherwise(pl.col("action"))
        .alias("action"),
        pl.when(moved)
        .then(kernel.append(pl.col("reasons"), MOVED["enrollment"]))
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
        pl.when(moved).then(pl.col("from_class")).alias("from_class"),
    ).drop("_had")


@pytest.mark.parametrize("seed", range(10))
def test_enrollments_vs_previous_looks_up_only_new_pairs(seed: int) -> None:
    """Students moved to another class of a course they were enrolled in (transfers),
    with nulls in role, user and course: the same frame as the left join of every row."""
    rng = random.Random(seed)
    now, prev = _exports(seed)
    courses = [rng.choice(["k1", "k2", None]) for _ in range(max(now.height, prev.height))]
    roles = ["student", "student", "teacher", None]

    def dress(df: pl.DataFrame) -> pl.DataFrame:
        return df.with_columns(
            pl.Series("course", courses[: df.height]),
            pl.Series("role", [rng.choice(roles) for _ in range(df.height)]),
            pl.Series(
                "uid", [u if rng.random() < 0.7 else f"u{rng.randrange(300)}" for u in df["uid"]]
            ),
            pl.Series("reasons", [rng.choice(["", "a", "a;b"]) for _ in range(df.height)]),
        )

    now, prev = dress(now), dress(prev)

    def mover(df: pl.DataFrame, cid: str) -> pl.DataFrame:  # one sure transfer
        row = df.head(1).with_columns(
            pl.lit(cid).alias("cid"),
            pl.lit("mover").alias("uid"),
            pl.lit("k1").alias("course"),
            pl.lit("student").alias("role"),
            pl.lit("enroll", ACTION).alias("action"),
        )
        return pl.concat([df, row])

    now, prev = mover(now, "c-new"), mover(prev, "c-old")
    pairs = history.match_pairs(now, prev)
    assert pairs is not None
    got = history.enrollments_vs_previous(now, pairs, "student")
    want = _vs_previous_by_join(now, pairs, "student")
    assert got.equals(want)
    assert (got["action"] == "transfer").sum() > 0


@pytest.mark.parametrize("seed", range(6))
def test_with_previous_user_is_the_join_of_the_users_frame(seed: int) -> None:
    """users_vs_previous' lookup of each user's previous account: repeated and null uids,
    skipped accounts, users chunked apart."""
    rng = random.Random(seed)

    def users(n: int, acts: list[str]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "uid": [rng.choice([f"u{rng.randrange(60)}", None]) for _ in range(n)],
                "action": pl.Series([rng.choice(acts) for _ in range(n)], dtype=ACTION),
                "ok_schools": [[f"s{rng.randrange(3)}"] for _ in range(n)],
                "sig": [rng.randrange(5) for _ in range(n)],
                "extra": [f"x{i}" for i in range(n)],
            }
        )

    now = pl.concat([users(40, ["create"]), users(30, ["create", "skip"])], rechunk=False)
    prev = users(80, ["create", "skip", "unchanged"])
    had = prev.filter(pl.col("action") != "skip").unique("uid", keep="first")
    had = had.select(
        "uid", pl.col("ok_schools").alias("from_schools"), pl.col("sig").alias("_psig")
    )
    want = now.join(had, on="uid", how="left", maintain_order="left")
    got = history.with_previous_user(now, prev)
    assert got.equals(want)
    assert got["_psig"].is_not_null().sum() > 3


@pytest.mark.parametrize("seed", range(6))
def test_in_place_select_on_frames_chunked_apart_is_the_plain_select(seed: int) -> None:
    """Columns cut into other chunks on each side (and one column cut unlike its frame's
    others): the same flags as one select over the rechunked frames."""
    rng = random.Random(seed)
    n = 200
    values = [None, "", "x", "y", "a long value, past twelve bytes"]
    a = [[rng.choice(values) for _ in range(n)] for _ in range(3)]
    b = [[v if rng.random() < 0.7 else rng.choice(values) for v in col] for col in a]
    cut_a, cut_b = sorted(rng.sample(range(1, n), 5)), sorted(rng.sample(range(1, n), 7))
    left = pl.DataFrame([_chunked(col, cut_a).alias(f"a{i}") for i, col in enumerate(a)])
    odd = _chunked(b[2], sorted(rng.sample(range(1, n), 3))).alias("b2")
    right = pl.DataFrame(
        [_chunked(b[0], cut_b).alias("b0"), _chunked(b[1], cut_b).alias("b1"), odd]
    )
    exprs = [
        pl.all_horizontal(
            [(pl.col(f"a{i}") == pl.col(f"b{i}")).fill_null(False) for i in range(3)]
        ).alias("same"),
        pl.any_horizontal([pl.col(f"a{i}").ne_missing(pl.col(f"b{i}")) for i in range(3)]).alias(
            "moved"
        ),
    ]
    got = history.in_place_select(left, right, exprs)
    want = pl.concat([left.rechunk(), right.rechunk()], how="horizontal").select(exprs)
    assert got.n_chunks() == 1 and got.equals(want)
    assert 0 < int(want["same"].sum()) < n and 0 < int(want["moved"].sum()) < n
