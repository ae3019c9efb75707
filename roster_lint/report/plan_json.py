"""`plan --format json`: the contract's plan document (contract.md), plus summary keys."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from typing import Any, BinaryIO

import polars as pl

from roster_lint.predict.model import Plan
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
    head = pl.struct("entity", "id", "action", "reasons").struct.json_encode()
    line = head.str.strip_suffix("}") + pl.lit(',"detail":') + pl.col("detail") + pl.lit("}")
    return actions.select(line.alias("line"))["line"]


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
