"""--redact of a `Plan` as the plan keeps its actions (Redactor.apply's plan case).

A plan's reasons are never redacted (KEEP), and build_plan keeps them as keys
(`Plan.keyed_actions`: the enrollments' lists are placeholders, made when `actions` is
read) and the enrollments' details as places in a table of the distinct ones
(`Plan.detail_keys`).  Walking the plan's fields made every list (`plan.actions`: ~16M
reason names at 1M students), and the redacted copy started without the keys, so the
JSON writer numbered the lists again and built 7M details per row.  Here only the
personal columns are redacted (the ids of people's actions and the details), the rows
stay where they are, and the keys are carried over: the redacted plan is written by the
plain plan's chunked writers, lists made per chunk (`Plan.rows`).  The details in the
table are redacted once per distinct detail, not once per row.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint.predict.model import DetailKeys, Plan

if TYPE_CHECKING:
    from roster_lint.report.redact import Redactor


def _detail_keys(r: Redactor, plan: Plan, height: int) -> DetailKeys | None:
    """The plan's DetailKeys when they still describe its rows and every row is redacted
    (`actions_shown` None; otherwise most rows' details are blanked, not redacted)."""
    keys = plan.detail_keys
    if r.actions_shown is not None or keys is None:
        return None
    return keys if keys.start + keys.index.len() <= height else None


def _outside(detail: pl.Series, keys: DetailKeys | None) -> list[pl.Series]:
    """The details of the rows the keys do not cover (all of them without keys)."""
    if keys is None:
        return [detail]
    end = keys.start + keys.index.len()
    return [detail.slice(0, keys.start), detail.slice(end, detail.len() - end)]


def _personal(frame: pl.DataFrame) -> pl.Series:
    from roster_lint.report.redact import PERSONAL_ENTITIES

    return frame.select(pl.col("entity").is_in(sorted(PERSONAL_ENTITIES))).to_series()


def _redacted(frame: pl.DataFrame) -> list[str]:
    """The actions' columns a redaction replaces: String, not KEEP (the id and detail)."""
    from roster_lint.report.redact import KEEP

    return [c for c in frame.columns if c not in KEEP and frame.schema[c] == pl.String]


def candidates(r: Redactor, plan: Plan) -> pl.Series:
    """What the plan's actions will look up (apply's first pass): the personal rows' ids,
    the details outside the keys' rows and the keys' table."""
    frame, _ = plan.keyed_actions()
    if r.actions_shown is not None or not {"entity", "action"} <= set(frame.columns):
        return r.candidates(frame)
    keys = _detail_keys(r, plan, frame.height)
    parts: list[pl.Series] = []
    for c in _redacted(frame):
        if c == "id" and "entity" in frame.columns:
            parts.append(frame.get_column("id").filter(_personal(frame)))
        elif c == "detail" and keys is not None:
            parts.extend([*_outside(frame.get_column(c), keys), keys.table])
        else:
            parts.append(frame.get_column(c))
    return pl.concat(parts) if parts else pl.Series([], dtype=pl.String)


def redacted(r: Redactor, plan: Plan, fields: dict[str, Any]) -> Plan:
    """A redacted copy of `plan`, its other fields already redacted (`fields`): the same
    rows in the same order, so its reason keys still number them."""
    frame, keys = plan.keyed_actions()
    dkeys = _detail_keys(r, plan, frame.height)
    table = None
    if r.actions_shown is not None or not {"entity", "action"} <= set(frame.columns):
        actions = r.actions(frame)  # the rows shown redacted, the others blanked
    else:
        actions, table = _actions(r, frame, dkeys)
    out = dataclasses.replace(plan, actions=actions, **fields)
    if keys is not None:  # same rows, same order: the keys number them still
        out.reason_keys = keys
        if plan._reasons_unmade:
            out.defer_reasons()
    if dkeys is not None and table is not None:
        out.detail_keys = DetailKeys(dkeys.start, dkeys.index, table)
    return out


def _actions(
    r: Redactor, frame: pl.DataFrame, keys: DetailKeys | None
) -> tuple[pl.DataFrame, pl.Series | None]:
    """(every row redacted, the keys' table redacted): Redactor._actions' values, with the
    details of the keys' rows redacted through their table and no reasons list read."""
    from roster_lint.report.redact import swap

    out = frame
    table = None if keys is None else keys.table
    for c in _redacted(frame):
        values = frame.get_column(c)
        if c == "id" and "entity" in frame.columns:
            out = out.with_columns(_ids(r, frame))
        elif c == "detail" and keys is not None:
            outside = _outside(values, keys)
            m = r.mapping(pl.concat([*outside, keys.table]))
            if m.height:
                table = swap(keys.table, m)
                inside = values.slice(keys.start, keys.index.len())
                if not table.equals(keys.table):
                    inside = table.gather(keys.index).alias(c)
                parts = [swap(outside[0], m), inside, swap(outside[1], m)]
                out = out.with_columns(pl.concat(parts, rechunk=False).alias(c))
        else:
            out = out.with_columns(swap(values, r.mapping(values)))
    return out, table


def _ids(r: Redactor, frame: pl.DataFrame) -> pl.Series:
    """The actions' ids, a person's (user, enrollment) redacted (Redactor._actions').

    After apply's first pass every personal token of the plan is found: a one-token id
    (nearly all: 8M at 1M students) is its token's pseudonym, or itself when it is not
    personal, read by one join per row with the found tokens' pseudonyms; only the
    others are mapped (cut into tokens).  The mapping of the distinct ids, joined back,
    hashed them three more times (~8 s CPU at 1M students)."""
    from roster_lint.report.redact import PERSONAL_ENTITIES, WHOLE, swap

    values = frame.get_column("id")
    people = frame.select(pl.col("entity").is_in(sorted(PERSONAL_ENTITIES))).to_series()
    made = r.found_pseudonyms()
    if made is None:  # (not from apply: the distinct ids mapped)
        red = swap(values, r.mapping(values.filter(people)))
        return frame.select(pl.when(people).then(red).otherwise(values).alias("id")).to_series()
    whole = values.str.contains(WHOLE).fill_null(False)
    others = values.filter(people & ~whole)
    cut = swap(values, r.mapping(others)) if others.len() else values
    ps = values.to_frame("tok").join(made, on="tok", how="left", maintain_order="left")["ps"]
    one = pl.coalesce(ps, values)
    chosen = pl.when(~people).then(values).when(whole).then(one).otherwise(cut)
    return frame.select(chosen.alias("id")).to_series()
