"""The --previous steps of the plan (predict/history/) that branch diffnext made cheaper
give what the code before them gave (copied here as the oracle), on random frames:
users whose school lists are equal, reordered, changed, null, moved within a district
and across districts; enrollments with and without transfers, cut into several chunks
with the text reasons in one (as the engine makes them); retained enrollments with
none gone and some gone."""

from __future__ import annotations

import itertools
import random

import polars as pl
import pytest

from roster_lint.predict import history, kernel
from roster_lint.predict.encode import STR
from roster_lint.predict.model import ACTION
from roster_lint.predict.rules.history import MOVED

# --- the oracle: main's code before branch diffnext -------------------------------------


def _old_users_vs_previous(
    users: pl.DataFrame, prev: pl.DataFrame, orgs: pl.DataFrame, prev_orgs: pl.DataFrame
) -> pl.DataFrame:
    out = history.with_previous_user(users, prev)
    existing = (pl.col("action") == "create") & pl.col("_psig").is_not_null()
    now, before = pl.col("ok_schools"), pl.col("from_schools")
    left = before.list.set_difference(now).list.len() > 0
    joined = now.list.set_difference(before).list.len() > 0
    changed = existing & (left | joined).fill_null(False)
    same_district = pl.lit(True)
    parents = pl.concat([o.filter(pl.col("is_school"))["parent"] for o in (orgs, prev_orgs)])
    if parents.drop_nulls().n_unique() > 1:
        same_district = (
            history.users._districts(before, prev_orgs)
            .list.set_intersection(history.users._districts(now, orgs))
            .list.len()
            > 0
        )
    moved = changed & (left & joined & same_district).fill_null(False)
    other_district = changed & (left & joined & ~same_district).fill_null(False)
    out = out.with_columns(
        existing.alias("_existing"),
        changed.alias("_changed"),
        moved.alias("_moved"),
        other_district.alias(history.OTHER_DISTRICT),
    )
    existing, changed, moved = pl.col("_existing"), pl.col("_changed"), pl.col("_moved")
    action = (
        pl.when(moved)
        .then(pl.lit("transfer", ACTION))
        .when(changed)
        .then(pl.lit("update", ACTION))
        .when(existing & (pl.col("sig") != pl.col("_psig")))
        .then(pl.lit("update", ACTION))
        .when(existing)
        .then(pl.lit("unchanged", ACTION))
        .otherwise(pl.col("action"))
    )
    return out.with_columns(
        action.alias("action"),
        pl.when(moved)
        .then(kernel.append(pl.col("reasons"), MOVED["user"]))
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
        pl.when(moved).then(pl.col("from_schools")).alias("from_schools"),
    ).drop("_psig", "_existing", "_changed", "_moved")


def _old_enrollments_vs_previous(
    e: pl.DataFrame, pairs: history.Pairs, student_role: str
) -> pl.DataFrame:
    had = kernel.chunked_like(pairs.had.alias("_had"), e["eid"])
    before = (
        pairs.was.filter((pl.col("role") == student_role) & ~pairs.still_enrolled)
        .select("uid", "course", pl.col("cid").alias("from_class"))
        .unique(["uid", "course"], keep="first", maintain_order=True)
    )
    could = e.select(
        ((pl.col("action") == "enroll") & (pl.col("role") == student_role)).fill_null(False)
    ).to_series()
    at = pl.arg_where(could & ~pairs.had, eager=True)
    from_class = pl.repeat(None, e.height, dtype=pairs.was["cid"].dtype, eager=True)
    if at.len() and before.height:
        found = e.select("uid", "course")[at].join(
            before, on=["uid", "course"], how="left", maintain_order="left"
        )
        from_class = from_class.scatter(at, found["from_class"])
    from_class = kernel.chunked_like(from_class.alias("from_class"), e["eid"])
    moved = kernel.chunked_like(from_class.is_not_null().alias("_moved"), e["eid"])
    enrolled = pl.col("action") == "enroll"
    out = e.hstack([had, moved]).with_columns(
        pl.when(enrolled & pl.col("_had"))
        .then(pl.lit("unchanged", ACTION))
        .when(pl.col("_moved"))
        .then(pl.lit("transfer", ACTION))
        .otherwise(pl.col("action"))
        .alias("action"),
        pl.when(pl.col("_moved"))
        .then(kernel.append(pl.col("reasons"), MOVED["enrollment"]))
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
    )
    return out.drop("_had", "_moved").hstack([from_class])


def _old_retained_enrollments(e: pl.DataFrame, pairs: history.Pairs) -> pl.DataFrame:
    gone = pairs.was.filter(~pairs.shared).unique(["cid", "uid"], keep="first", maintain_order=True)
    moved = e.filter(pl.col("action") == "transfer").select(
        "uid", pl.col("from_class").alias("cid")
    )
    gone = gone.join(moved, on=["uid", "cid"], how="anti", maintain_order="left")
    reused = e.select("eid").join(gone.select("eid"), on="eid", how="semi")
    gone = gone.join(reused, on="eid", how="anti", maintain_order="left")
    return gone.select(
        pl.lit("enrollment").alias("entity"),
        pl.col("eid").alias("id"),
        *history.common._gone("enrollment")[:2],
        pl.lit(None, STR).alias("detail"),
        "school",
        pl.lit(None, STR).alias("file"),
        pl.lit(None, pl.Int64()).alias("line"),
        *history.common._gone("enrollment")[2:],
    )


# --- users ---------------------------------------------------------------------------

SCHOOLS = [f"s{i}" for i in range(6)]


def _schools(rng: random.Random) -> list[str] | None:
    r = rng.random()
    if r < 0.05:
        return None
    if r < 0.1:
        return []
    return rng.sample(SCHOOLS, rng.choice([1, 1, 1, 2, 3]))


def _users(seed: int, districts: int) -> tuple[pl.DataFrame, ...]:
    rng = random.Random(seed)
    n = 300
    now_schools = [_schools(rng) for _ in range(n)]
    before_schools = []
    for s in now_schools:
        r = rng.random()
        if s is None or r < 0.4:
            before_schools.append(s)  # the same list
        elif r < 0.55:
            before_schools.append(list(reversed(s)))  # the same set, another order
        else:
            before_schools.append(_schools(rng))  # moved, joined, left, or null
    sep = kernel.SEP
    users = pl.DataFrame(
        {
            "uid": [f"u{i}" for i in range(n)],
            "action": pl.Series(
                [rng.choice(["create", "create", "create", "skip"]) for _ in range(n)],
                dtype=ACTION,
            ),
            "ok_schools": pl.Series(now_schools, dtype=pl.List(STR)),
            "sig": [rng.randrange(3) for _ in range(n)],
            "reasons": [rng.choice(["", "a", f"a{sep}b"]) for _ in range(n)],
        },
        schema_overrides={"sig": pl.UInt64, "reasons": STR},
    )
    kept = [i for i in range(n) if rng.random() < 0.85]  # some users are new
    prev = pl.DataFrame(
        {
            "uid": [f"u{i}" for i in kept],
            "action": pl.Series(
                [rng.choice(["create", "create", "skip"]) for _ in kept], dtype=ACTION
            ),
            "ok_schools": pl.Series([before_schools[i] for i in kept], dtype=pl.List(STR)),
            "sig": [rng.randrange(3) for _ in kept],
        },
        schema_overrides={"sig": pl.UInt64},
    )

    def orgs() -> pl.DataFrame:
        return pl.DataFrame(
            {
                "oid": [*SCHOOLS, "d0", "d1"],
                "parent": [f"d{i % districts}" for i in range(len(SCHOOLS))] + [None, None],
                "is_school": [True] * len(SCHOOLS) + [False, False],
            }
        )

    return users, prev, orgs(), orgs()


@pytest.mark.parametrize("districts", [1, 2])
@pytest.mark.parametrize("seed", range(8))
def test_users_vs_previous_is_the_old_one(seed: int, districts: int) -> None:
    users, prev, orgs, prev_orgs = _users(seed, districts)
    got = history.users_vs_previous(users, prev, orgs, prev_orgs)
    want = _old_users_vs_previous(users, prev, orgs, prev_orgs)
    assert got.equals(want)
    actions = want["action"].value_counts().to_dict(as_series=False)
    counted = dict(zip(actions["action"], actions["count"], strict=True))
    # The random frames reach every branch: unchanged, updated, moved (and, with two
    # districts, moved to another district).
    assert counted.get("transfer", 0) + want[history.OTHER_DISTRICT].sum() > 0
    assert counted.get("update", 0) > 0 and counted.get("unchanged", 0) > 0
    if districts == 2:
        assert want[history.OTHER_DISTRICT].sum() > 0


def test_users_vs_previous_when_nobody_moved() -> None:
    users, prev, orgs, prev_orgs = _users(3, 1)
    # Every previous account at the schools it has today.
    prev = prev.drop("ok_schools").join(
        users.select("uid", "ok_schools"), on="uid", how="left", maintain_order="left"
    )
    got = history.users_vs_previous(users, prev, orgs, prev_orgs)
    want = _old_users_vs_previous(users, prev, orgs, prev_orgs)
    assert got.equals(want)
    assert got["from_schools"].null_count() == got.height
    assert not (got["action"] == "transfer").any()


# --- enrollments -----------------------------------------------------------------------


def _chunked(frame: pl.DataFrame, cuts: list[int]) -> pl.DataFrame:
    """`frame` in chunks cut at `cuts` (as the loader cuts its columns), but its text
    reasons in one chunk (as the engine makes them)."""
    bounds = [0, *cuts, frame.height]
    parts = [frame.slice(a, b - a) for a, b in itertools.pairwise(bounds)]
    out = pl.concat(parts, rechunk=False)
    return out.with_columns(out["reasons"].rechunk())


def _enrollments(seed: int, transfers: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(today's decided enrollments, the previous ones): regenerated ids, some pairs
    gone, some new; with `transfers`, students moved to another class of a course and
    dead previous rows."""
    rng = random.Random(seed)
    n = 400
    was = [(f"c{i % 40}", f"u{i // 2}", f"k{(i % 40) // 4}") for i in range(n)]
    now = []
    for c, u, k in was:
        r = rng.random()
        if r < 0.05:
            continue  # dropped
        if transfers and r < 0.15:
            moved = int(c[1:]) // 4 * 4 + (int(c[1:]) + 1) % 4  # same course
            now.append((f"c{moved}", u, k))
            continue
        now.append((c, u, k))
    now += [(f"c{i}", f"new{i}", f"k{i // 4}") for i in range(10)]
    sep = kernel.SEP

    def frame(rows: list[tuple[str, str, str]], acts: list[str], tag: str) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "eid": [f"{tag}{rng.randrange(10**9)}" for _ in rows],
                "cid": [r[0] for r in rows],
                "uid": [r[1] for r in rows],
                "role": [rng.choice(["student", "student", "teacher"]) for _ in rows],
                "course": [r[2] for r in rows],
                "school": ["s"] * len(rows),
                "line": list(range(2, len(rows) + 2)),
                "action": pl.Series([rng.choice(acts) for _ in rows], dtype=ACTION),
                "reasons": [rng.choice(["", "", "a", f"a{sep}b"]) for _ in rows],
            },
            schema_overrides={"reasons": STR},
        )

    e = frame(now, ["enroll", "enroll", "enroll", "skip", "unenroll"], "n")
    # Without transfers every previous enrollment is live: a pair dead before and
    # enrolled today is a new one, and its student may have moved from another class.
    prev = frame(was, ["enroll", "unchanged"] + ["skip"] * transfers, "o")
    if not transfers:  # a reused id: its pair gone, the id shared today by another pair
        gone = prev.join(e, on=["cid", "uid"], how="anti", maintain_order="left")
        reused = pl.lit(gone["eid"][0], STR)
        e = e.with_columns(
            pl.when(pl.int_range(pl.len()) == 7).then(reused).otherwise("eid").alias("eid")
        )
    return _chunked(e, [37, 150, 151, 290]), prev


@pytest.mark.parametrize("transfers", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_enrollments_vs_previous_is_the_old_one(seed: int, transfers: bool) -> None:
    e, prev = _enrollments(seed, transfers)
    pairs = history.match_pairs(e, prev)
    assert pairs is not None
    got = history.enrollments_vs_previous(e, pairs, "student")
    want = _old_enrollments_vs_previous(e, pairs, "student")
    assert got.equals(want)
    moved = int((want["action"] == "transfer").sum())
    assert (moved > 0) == transfers
    assert (want["action"] == "unchanged").sum() > 100
    # Every column cut like the loader's (the text reasons too): a frame operation on
    # a frame with one column cut otherwise copies all of them into one chunk.
    assert {tuple(c.chunk_lengths()) for c in got.get_columns()} == {
        tuple(e["eid"].chunk_lengths())
    }
    gone = history.retained_enrollments(got, pairs, "enrollments.csv", with_detail=False)
    assert gone is not None
    assert gone.equals(_old_retained_enrollments(want, pairs))
    assert gone.height > 0
    if not transfers:  # the reused id is not retained: today's action stands for it
        assert gone.height == pairs.was.filter(~pairs.shared).height - 1


def test_retained_enrollments_when_none_is_gone() -> None:
    e, prev = _enrollments(1, False)
    prev = prev.join(e.select("cid", "uid"), on=["cid", "uid"], how="semi", maintain_order="left")
    pairs = history.match_pairs(e, prev)
    assert pairs is not None and bool(pairs.shared.all())
    got = history.enrollments_vs_previous(e, pairs, "student")
    gone = history.retained_enrollments(got, pairs, "enrollments.csv", with_detail=False)
    assert gone is not None and gone.height == 0
    assert gone.equals(_old_retained_enrollments(got, pairs))
