"""The plan's action lines without the JSON encoder (plan_json._plain_lines, plain_fields)
are the bytes the encoder writes, and an id that needs escaping still takes the encoder:
every line is what json.dumps writes for the action.  The (action, reasons) pairs numbered
once (counts.reason_keys) count as the lists do."""

from __future__ import annotations

import json
from collections.abc import Sequence

import polars as pl
import pytest

from roster_lint.bytescan import is_json_plain
from roster_lint.predict.model import ACTION_SCHEMA
from roster_lint.report import plan_json
from roster_lint.report.counts import NOT_SYNCED, _reason_groups, reason_keys
from roster_lint.report.plan_json import action_lines, encoded_lines

COLUMNS = ("entity", "id", "action", "reasons", "detail")


Row = tuple[str, str | None, str, list[str | None] | None, str]


def actions(rows: Sequence[Row]) -> pl.DataFrame:
    schema = {c: ACTION_SCHEMA[c] for c in COLUMNS}
    return pl.DataFrame(rows, schema=schema, orient="row")


def dumped(row: dict[str, object]) -> str:
    """The line json.dumps writes for one action (detail is canonical JSON already)."""
    obj = {**row, "detail": json.loads(str(row["detail"]))}
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


PLAIN: list[Row] = [
    ("user", "u-1", "create", [], "{}"),
    ("user", "3f2a.b_c@d+e", "skip", ["no-nces-id"], '{"school":"s1"}'),
    ("enrollment", "c1_u-1", "enroll", ["no-nces-id", "status-filled"], "{}"),
    ("class", "c1", "split", ["mixed-grades", "no-nces-id", "status-filled"], '{"n":3}'),
    ("school", "s 1 ~!#$%&'()*", "sync", ["no-nces-id"], "{}"),  # printable ASCII
    ("course", "x", "needs-mapping", [], "{}"),
]


def test_plain_ids_skip_the_encoder_and_write_its_bytes() -> None:
    df = actions(PLAIN)
    fast = plan_json._plain_lines(df)
    assert fast is not None  # the fast path was taken
    assert fast.to_list() == encoded_lines(df).to_list()
    assert fast.to_list() == [dumped(r) for r in df.to_dicts()]


@pytest.mark.parametrize(
    "bad",
    ['say "hi"', "back\\slash", "tab\there", "nul\x00", "esc\x1b", "del\x7f", "café", "日本", ""],
)
def test_an_id_that_needs_escaping_is_escaped_as_json_dumps_does(bad: str) -> None:
    df = actions([*PLAIN, ("user", bad, "update", ["no-nces-id"], "{}")])
    if bad.isascii() and bad.isprintable() and '"' not in bad and "\\" not in bad:
        assert is_json_plain(df["id"])  # the empty id: nothing to escape
    else:
        assert not is_json_plain(df["id"])
        assert plan_json._plain_lines(df) is None  # the encoder writes these lines
    assert action_lines(df).to_list() == [dumped(r) for r in df.to_dicts()]


@pytest.mark.parametrize(
    "reasons",
    [None, ['a "quoted" reason'], ["back\\slash"], [None]],
)
def test_reasons_that_need_the_encoder_take_it(reasons: list[str | None] | None) -> None:
    df = actions([*PLAIN, ("user", "u-9", "update", reasons, "{}")])
    assert plan_json._plain_lines(df) is None
    assert action_lines(df).to_list() == encoded_lines(df).to_list()


def test_a_null_id_takes_the_encoder() -> None:
    df = actions([*PLAIN, ("user", None, "update", [], "{}")])
    assert plan_json._plain_lines(df) is None
    assert action_lines(df)[-1] == encoded_lines(df)[-1]
    assert '"id":null' in action_lines(df)[-1]


def test_slices_of_a_plan_agree() -> None:
    """The writer encodes CHUNK actions at a time: a slice shares its parent's buffers."""
    df = actions(PLAIN * 50)
    for i in range(0, df.height, 7):
        part = df.slice(i, 7)
        assert action_lines(part).to_list() == encoded_lines(part).to_list()


def test_no_reasons_at_all() -> None:
    df = actions([("user", "u-1", "create", [], "{}"), ("class", "c-1", "update", [], "{}")])
    fast = plan_json._plain_lines(df)
    assert fast is not None
    assert fast.to_list() == encoded_lines(df).to_list()


def _random_actions(seed: int, n: int) -> pl.DataFrame:
    """Actions of every entity and action with lists of 0-3 names (repeats allowed)."""
    import random

    from roster_lint.predict.model import ACTIONS

    rng = random.Random(seed)
    names = ["school-missing-nces-id", "a", "b-c", "class-school-skipped", "zz"]
    rows: list[Row] = []
    for i in range(n):
        entity = rng.choice(sorted(ACTIONS))
        reasons: list[str | None] = [rng.choice(names) for _ in range(rng.choice([0, 0, 1, 2, 3]))]
        detail = rng.choice(["{}", '{"n":1}', '{"schools":["1"]}'])
        rows.append((entity, f"id-{i}", rng.choice(ACTIONS[entity]), reasons, detail))
    return actions(rows)


def _listed_groups(df: pl.DataFrame) -> list[tuple[object, ...]]:
    """The not-synced groups by the lists themselves (the oracle for the keyed count)."""
    groups = (
        df.filter(pl.col("action").is_in(NOT_SYNCED))
        .group_by("entity", "action", "reasons")
        .agg(pl.len().alias("n"))
    )
    return sorted(groups.rows(), key=repr)


@pytest.mark.parametrize("seed", range(8))
def test_keyed_reason_counts_are_the_lists_counts(seed: int) -> None:
    df = _random_actions(seed, 300)
    keyed = reason_keys(df)
    assert keyed is not None
    assert len(set(keyed.pairs)) == len(keyed.pairs)  # one key per pair
    for row, k in zip(df.iter_rows(named=True), keyed.keys.tolist(), strict=True):
        assert keyed.pairs[k] == (row["action"], tuple(row["reasons"]))
    assert sorted(_reason_groups(df, keyed).rows(), key=repr) == _listed_groups(df)
    # slices of the keys are the keys of the slices (write_plan_json's chunks)
    part, own = keyed.rows(100, 50), reason_keys(df.slice(100, 50))
    assert own is not None
    assert [part.pairs[k] for k in part.keys] == [own.pairs[k] for k in own.keys]


def test_keyed_fields_write_what_the_encoder_writes() -> None:
    df = _random_actions(99, 500)
    keyed = reason_keys(df)
    for i in range(0, df.height, 64):
        part = df.slice(i, 64)
        fields = plan_json.plain_fields(part, None if keyed is None else keyed.rows(i, 64))
        assert fields is not None
        line = pl.concat_str([pl.col(c).cast(pl.String) for c in fields.columns], separator='"')
        assert fields.select(line)[:, 0].to_list() == encoded_lines(part).to_list()


def test_null_reasons_count_by_the_lists() -> None:
    df = actions(
        [*PLAIN, ("user", "u-9", "skip", None, "{}"), ("user", "u-8", "skip", [None], "{}")]
    )
    assert reason_keys(df) is None
    assert sorted(_reason_groups(df).rows(), key=repr) == _listed_groups(df)
