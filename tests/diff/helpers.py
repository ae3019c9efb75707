"""Build small exports from the example bases and hand-made plans for the diff tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from roster_lint.examples import materialise
from roster_lint.load import load_export
from roster_lint.model import Export
from roster_lint.predict.history import Pairs
from roster_lint.predict.model import ACTION_SCHEMA, Plan

Patch = list[dict[str, Any]]


def extra_users(first: int, last: int) -> Patch:
    """Append students stu<first>..stu<last> (copies of stu2 with their own ids)."""
    return [
        {
            "op": "append",
            "file": "users.csv",
            "copy_line": 4,
            "values": {"sourcedId": f"stu{i}", "username": f"s{i}", "email": f"s{i}@x.org"},
        }
        for i in range(first, last + 1)
    ]


def folder(tmp: Path, name: str, patch: Patch, base: str = "base-1.1") -> str:
    return str(materialise(base, patch, tmp / name))


def export(tmp: Path, name: str, patch: Patch, base: str = "base-1.1") -> Export:
    return load_export(folder(tmp, name, patch, base))


def plan_of(rows: list[tuple[str, str, str, list[str]]]) -> Plan:
    """A plan with the given (entity, id, action, reasons) actions."""
    actions = pl.DataFrame(
        [
            {
                "entity": e,
                "id": i,
                "action": a,
                "reasons": r,
                "detail": "{}",
                "school": "sch1",
                "file": None,
                "line": None,
            }
            for e, i, a, r in rows
        ],
        schema=ACTION_SCHEMA,
    )
    return Plan(profile="summit-k12", mode="full", actions=actions, audience=pl.DataFrame())


def ids(frame: pl.DataFrame, column: str = "sourcedId") -> list[str]:
    return [str(v) for v in frame[column].to_list()]


def same_match(fast: Pairs | None, slow: Pairs | None) -> tuple[Pairs, Pairs]:
    """Assert two `history.match_pairs` results (a fast path and its oracle) are the same
    pairs; return them, known to be there, for the caller's own assertions."""
    assert fast is not None and slow is not None
    for name in ("had", "shared", "still_enrolled"):
        assert getattr(fast, name).equals(getattr(slow, name)), name
    assert fast.was.equals(slow.was)
    return fast, slow
