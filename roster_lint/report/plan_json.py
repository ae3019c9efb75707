"""`plan --format json`: the contract's plan document (contract.md), plus summary keys."""

from __future__ import annotations

import io
import json
from typing import Any, BinaryIO

import polars as pl

from roster_lint.bytescan import is_json_plain
from roster_lint.predict.model import DetailKeys, Plan
from roster_lint.report.counts import ReasonKeys, plan_counts, reason_keys, record


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


def _plain_lines(actions: pl.DataFrame) -> pl.Series | None:
    """action_lines without the JSON encoder, or None where it must escape something:
    the fields of `plain_fields` joined by `"` (what write_plan_json writes directly)."""
    fields = plain_fields(actions)
    if fields is None:
        return None
    line = pl.concat_str([pl.col(c).cast(pl.String) for c in fields.columns], separator=FIELD)
    return fields.select(line.alias("line"))["line"]


FIELD = '"'  # between plain_fields' columns: the quotes around the id and before detail


def plain_fields(
    actions: pl.DataFrame,
    keyed: ReasonKeys | None = None,
    *,
    ids_plain: bool | None = None,
    tail: pl.Series | None = None,
) -> pl.DataFrame | None:
    """Each action's JSON line as four fields which, joined by `"` (FIELD), are the bytes
    polars' encoder writes for it (encoded_lines), or None where something needs escaping
    or is null:

      {"entity":"user","id":   u-1   ,"action":"skip","reasons":["r"],   detail":{}}

    The encoder escapes every id byte by byte and writes each row's reasons list (~4 s CPU
    for 9M actions), and putting the pieces together into one string per action cost
    ~2 s more.  Ids that are printable ASCII without `"` or `\\` (the byte screen proves
    it on the column's buffers: bytescan.is_json_plain) are their own JSON between quotes;
    the entity's field (five) and the (action, reasons) pair's (counts.reason_keys:
    `keyed`, made once for the whole plan by write_plan_json) are gathered from Enums
    whose categories are the text; the detail,
    with its `detail":` before and `}` after, is made per row (three pieces, not seven).
    polars' CSV writer then writes the four columns with `"` as the separator and no
    quoting: no line is ever built (tests/report/test_plan_json_plain.py).

    ids_plain: `is_json_plain` of the ids, when the caller screened a column these rows
    are a slice of (write_plan_json screens the whole plan's once).  tail: the rows'
    fourth field when the caller made it (`_tails`: gathered where the plan's DetailKeys
    give the details as places in a table).
    """
    if (
        actions.height == 0
        or actions.select(pl.any_horizontal(pl.col("entity", "detail").null_count() > 0)).item()
    ):
        return None
    if not (is_json_plain(actions["id"]) if ids_plain is None else ids_plain):
        return None
    keyed = keyed if keyed is not None else reason_keys(actions)
    middles = None if keyed is None else _middles(keyed)
    if keyed is None or middles is None:
        return None
    entities = actions["entity"].dtype.categories  # type: ignore[attr-defined]
    heads = [f'{{"entity":"{e}","id":' for e in entities]
    head = pl.Series("head", heads, dtype=pl.Enum(heads))[actions["entity"].to_physical()]
    middle = pl.Series("middle", middles, dtype=pl.Enum(middles))[keyed.keys]
    if tail is None:
        tail = _tail_text(actions["detail"])
    return pl.DataFrame([head, actions["id"].alias("id"), middle, tail.alias("tail")])


def _tail_text(detail: pl.Series) -> pl.Series:
    """Each detail with its `detail":` before and `}` after, made per row: a ClassLink
    export has ~100k distinct details a chunk, where numbering them (a categorical) costs
    more than the three-piece text."""
    made = pl.concat_str(pl.lit('detail":'), pl.lit(detail), pl.lit("}"))
    return pl.select(made.alias("tail")).to_series()


def _tails(
    actions: pl.DataFrame, start: int, keys: DetailKeys | None, wrapped: pl.Series | None
) -> pl.Series | None:
    """plain_fields' fourth field for `actions`, rows `start`.. of the plan: gathered from
    `wrapped` (the DetailKeys' table, each entry already a tail) where the keys give
    the rows' details, made per row elsewhere; None where no key covers them.  Building
    7M tails per row cost 0.4-0.5 s CPU at 1M students (docs/performance.md)."""
    if keys is None or wrapped is None:
        return None
    n = actions.height
    lo = min(max(keys.start - start, 0), n)  # the rows the keys cover: [lo, hi)
    hi = min(max(keys.start + keys.index.len() - start, 0), n)
    if lo >= hi:
        return None
    inside = wrapped.gather(keys.index.slice(start + lo - keys.start, hi - lo))
    parts = [
        _tail_text(actions["detail"].slice(0, lo)),
        inside,
        _tail_text(actions["detail"].slice(hi, n - hi)),
    ]
    return pl.concat([p.alias("tail") for p in parts if p.len()], rechunk=False)


def _middles(keyed: ReasonKeys) -> list[str] | None:
    """The text between an action's id and its detail's `detail":` for each (action,
    reasons) pair (`,"action":"skip","reasons":["r"],`), or None when a name needs
    escaping."""
    out = []
    for action, names in keyed.pairs:
        if any(json.dumps(n) != f'"{n}"' for n in names):
            return None
        reasons = json.dumps(list(names), separators=(",", ":"))
        out.append(f',"action":"{action}","reasons":{reasons},')
    return out


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

    # The (action, reasons) pairs numbered once (by build_plan, else here): the summary's
    # reason counts and every chunk's plain fields read them.  With build_plan's keys,
    # the frame's reasons lists are not read (some may not be made: Plan.keyed_actions).
    actions, keyed = plan.keyed_actions()
    keyed = keyed or reason_keys(actions)
    # The ids screened once for the whole plan, not per chunk: the chunks of a loader's
    # column share data buffers, which a screen of each slice would read again (ClassLink
    # 1M: 0.74 s for the 18 slices).
    ids_plain = actions.height > 0 and is_json_plain(actions["id"])
    # The enrollments' details as places in a table (build_plan's DetailKeys): each
    # distinct detail wrapped once, every row's tail a gather.
    dkeys = plan.detail_keys
    if dkeys is not None and dkeys.start + dkeys.index.len() > actions.height:
        dkeys = None
    wrapped = None if dkeys is None else _tail_text(dkeys.table)
    doc = plan_document(plan, with_actions=False, keyed=keyed)
    doc["actions"] = ACTIONS_MARK
    head, mark, tail = dumps(doc).partition(json.dumps(ACTIONS_MARK))
    assert mark, "the actions' mark is in the document"
    out.write(head.encode())
    n = actions.height
    if n == 0:
        out.write(b"[]")
    else:
        out.write(b"[\n    ")
        for i in range(0, n, CHUNK):
            part = actions.slice(i, CHUNK)
            rows_keyed = None if keyed is None else keyed.rows(i, CHUNK)
            fields = plain_fields(
                part,
                rows_keyed,
                ids_plain=ids_plain,
                tail=_tails(part, i, dkeys, wrapped) if ids_plain else None,
            )
            # The encoder reads the lists: the chunk's made (Plan.rows), never the whole
            # plan's (an id that needs escaping would make all 9M rows' lists at once).
            rows = action_lines(plan.rows(i, CHUNK)).to_frame() if fields is None else fields
            # The plan's last action takes no separator after it, but the array's end.
            last = i + CHUNK >= n
            _write_rows(rows.head(-1) if last else rows, out, SEP)
            if last:
                _write_rows(rows.tail(1), out, "\n  ]")
    out.write(tail.encode())


def _write_rows(rows: pl.DataFrame, out: BinaryIO, end: str) -> None:
    """polars writes the rows as they are, no quoting: the one column of action_lines, or
    plain_fields' four joined by FIELD; `end` after each row."""
    rows.write_csv(
        out,
        include_header=False,
        quote_style="never",
        separator=FIELD,
        quote_char="\x00",  # never written (no quoting); only kept apart from FIELD
        line_terminator=end,
    )


def plan_document(
    plan: Plan, *, with_actions: bool = True, keyed: ReasonKeys | None = None
) -> dict[str, Any]:
    """The plan's JSON document (the actions as dicts only with with_actions).  keyed:
    the actions' counts.reason_keys, when the caller made them."""
    audience = plan.audience.with_columns(pl.col("users").cast(pl.Int64)).to_dicts()
    totals = plan.totals()  # = summary.counts.by_action: counted once
    return {
        "profile": plan.profile,
        "mode": plan.mode,
        "totals": totals,
        "actions": action_dicts(plan) if with_actions else [],
        "summary": {
            "audience": audience,
            "licences_new": plan.licences_new,
            # the numbers every plan format shows (report/counts.py)
            "counts": plan_counts(plan, keyed, totals).to_json(),
        },
        "root_causes": [record(c) for c in plan.root_causes],
        "followups": [record(f) for f in plan.followups],
        "notes": list(plan.notes),
    }
