"""`plan --format json`: the contract's plan document (contract.md), plus summary keys."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import polars as pl

from roster_lint.predict.model import Plan


def action_dicts(plan: Plan) -> list[dict[str, Any]]:
    """Every action in the plan's (deterministic) order; detail parsed back to an object."""
    rows = plan.actions.select("entity", "id", "action", "reasons", "detail")
    return [
        {"entity": e, "id": i, "action": a, "reasons": list(r), "detail": json.loads(d)}
        for e, i, a, r, d in rows.iter_rows()
    ]


def plan_document(plan: Plan) -> dict[str, Any]:
    audience = plan.audience.with_columns(pl.col("users").cast(pl.Int64)).to_dicts()
    return {
        "profile": plan.profile,
        "mode": plan.mode,
        "totals": plan.totals(),
        "actions": action_dicts(plan),
        "summary": {"audience": audience, "licences_new": plan.licences_new},
        "root_causes": [asdict(c) for c in plan.root_causes],
        "followups": [asdict(f) for f in plan.followups],
        "notes": list(plan.notes),
    }
