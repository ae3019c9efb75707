"""`plan --format json`: the contract's plan document (contract.md), plus summary keys."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from typing import Any, BinaryIO

import numpy as np
import polars as pl

from roster_lint.bytescan import is_json_plain
from roster_lint.predict.model import ACTION, Plan
from roster_lint.report.counts import plan_counts


def action_dicts(plan: Plan) -> list[dict[str, Any]]:
    """Every action in the plan's (deterministic) order; detail parsed back to an object."""
    rows = plan.actions.select("entity", "id", "action", "reasons", "detail")
    return [
        {"entity": e, "id": i, "action": a, "reasons": list(r), "detail": json.loads(d)}
        for e, i, a, r, d in rows.iter_rows()
    ]


ACTIONS_MARK = "\x00plan-actions\x00"  # where write_plan_json writes the actions
CHUNK = 500_000  # actions encoded per polars call: bounds the intermediate frame


def action_lines(actions: pl.DataFrame) -> pl.Series:
    """Each action as one line of JSON, encoded by polars (no Python per action): the same
    members as action_dicts, `detail` spliced in as the canonical JSON it already is."""
    plain = _plain_lines(actions)
    return encoded_lines(actions) if plain is None else plain


def encoded_lines(actions: pl.DataFrame) -> pl.Series:
    """action_lines by polars' JSON encoder: any id, any reasons (nulls, escapes)."""
    head = pl.struct("entity", "id", "action", "reasons").struct.json_encode()
    line = head.str.strip_suffix("}") + pl.lit(',"detail":') + pl.col("detail") + pl.lit("}")
    return actions.select(line.alias("line"))["line"]


MAX_KEY = 1 << 62  # (action, reasons) keys past this take the encoder (never seen: ~100)


def _plain_lines(actions: pl.DataFrame) -> pl.Series | None:
    """action_lines without the JSON encoder, or None where it must escape something.

    The encoder escapes every id byte by byte and writes each row's reasons list (~4 s CPU
    for 9M actions).  Ids that are printable ASCII without `"` or `\\` (the byte screen
    proves it on the column's buffers: bytescan.is_json_plain) are their own JSON between
    quotes; the action and its reasons come from small vocabularies, so the text between
    the id and the detail is made once per (action, reasons) pair and put in by an integer
    key, computed with numpy over the lists' flat values and lengths (polars' own list
    expressions cost about what the encoder does).  The same bytes as the encoder's
    (tests/report/test_plan_json_plain.py).
    """
    if actions.height == 0 or not is_json_plain(actions["id"]):
        return None
    keyed = _reason_keys(actions)
    if keyed is None:
        return None
    keys, middle = keyed
    line = pl.concat_str(
        pl.lit('{"entity":"'),
        pl.col("entity").cast(pl.String),
        pl.lit('","id":"'),
        pl.col("id"),
        keys.replace_strict(middle, return_dtype=pl.String),
        pl.col("detail"),
        pl.lit("}"),
    )
    return actions.select(line.alias("line"))["line"]


def _reason_keys(actions: pl.DataFrame) -> tuple[pl.Series, dict[int, str]] | None:
    """Each action's (action, reasons) pair as an integer, and the text between id and
    detail for each pair there is; None when a reason name or a list is null, or a name
    needs escaping."""
    reasons = actions["reasons"]
    if reasons.null_count():
        return None
    lengths = reasons.list.len().to_numpy().astype(np.int64)
    flat = (reasons if lengths.min() > 0 else reasons.filter(lengths > 0)).list.explode()
    if flat.null_count():
        return None
    words = flat.unique().sort()
    if any(json.dumps(w) != f'"{w}"' for w in words):  # a few dozen reason names
        return None
    n_words, longest = words.len(), int(lengths.max())
    if len(ACTION.categories) * (n_words + 1) ** longest >= MAX_KEY:
        return None
    codes = flat.cast(pl.Enum(words)).to_physical().to_numpy().astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    # key = action, then each reason's place in `words` (n_words past the list's end)
    key = actions["action"].to_physical().to_numpy().astype(np.int64)
    for i in range(longest):
        has = lengths > i
        place = np.full(len(key), n_words, np.int64)
        place[has] = codes[starts[has] + i]
        key = key * (n_words + 1) + place
    keys = pl.Series("key", key)
    names = words.to_list()
    return keys, {k: _middle(k, longest, names) for k in keys.unique().to_list()}


def _middle(key: int, longest: int, words: list[str]) -> str:
    """The text between an action's id and its detail, for one (action, reasons) key."""
    names = []
    for _ in range(longest):
        key, place = divmod(key, len(words) + 1)
        if place < len(words):
            names.append(words[place])
    action = ACTION.categories[key]
    reasons = json.dumps(names[::-1], separators=(",", ":"))
    return f'","action":"{action}","reasons":{reasons},"detail":'


SEP = ",\n    "  # between two actions


def plan_json_text(plan: Plan) -> str:
    """`plan --format json` as one string (tests, small plans): what write_plan_json writes."""
    buf = io.BytesIO()
    write_plan_json(plan, buf)
    return buf.getvalue().decode("utf-8")


def write_plan_json(plan: Plan, out: BinaryIO) -> None:
    """`plan --format json` at any size, written as it is made: the same document as
    plan_document (same members, same order), the summary indented by json_report.dumps and
    one line per action.  Never the whole text in memory: 9M actions are 1.4 GB of JSON."""
    from roster_lint.report.json_report import dumps

    doc = plan_document(plan, with_actions=False)
    doc["actions"] = ACTIONS_MARK
    head, mark, tail = dumps(doc).partition(json.dumps(ACTIONS_MARK))
    assert mark, "the actions' mark is in the document"
    out.write(head.encode())
    n = plan.actions.height
    if n == 0:
        out.write(b"[]")
    else:
        out.write(b"[\n    ")
        for i in range(0, n, CHUNK):
            lines = action_lines(plan.actions.slice(i, CHUNK)).to_frame()
            last = i + CHUNK >= n  # the plan's last action takes no separator after it
            # polars writes the lines as they are: one column, no quoting, SEP after each.
            lines.head(-1 if last else CHUNK).write_csv(
                out, include_header=False, quote_style="never", line_terminator=SEP
            )
        out.write(str(lines["line"][-1]).encode() + b"\n  ]")
    out.write(tail.encode())


def plan_document(plan: Plan, *, with_actions: bool = True) -> dict[str, Any]:
    audience = plan.audience.with_columns(pl.col("users").cast(pl.Int64)).to_dicts()
    return {
        "profile": plan.profile,
        "mode": plan.mode,
        "totals": plan.totals(),  # = summary.counts.by_action
        "actions": action_dicts(plan) if with_actions else [],
        "summary": {
            "audience": audience,
            "licences_new": plan.licences_new,
            # the numbers every plan format shows (report/counts.py)
            "counts": plan_counts(plan).to_json(),
        },
        "root_causes": [asdict(c) for c in plan.root_causes],
        "followups": [asdict(f) for f in plan.followups],
        "notes": list(plan.notes),
    }
