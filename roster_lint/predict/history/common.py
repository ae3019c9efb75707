"""What the --previous steps share: the live actions, and a gone record's action."""

from __future__ import annotations

import polars as pl

from roster_lint.predict.encode import STR
from roster_lint.predict.model import ACTION
from roster_lint.predict.registry import load_registry
from roster_lint.predict.rules.history import GONE

ENROLLED = ("enroll", "transfer", "unchanged")
LISTS = pl.List(STR)


def _gone(entity: str) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """action, reasons, root reason/entity/id of a record gone since --previous: the
    registry's entry for GONE[entity] (its effect is the action)."""
    e = load_registry().entry(entity, GONE[entity])
    root_entity, root_id = e.root.split(":") if e.root else (entity, _ID[entity])
    return (
        pl.lit(e.effect, ACTION).alias("action"),
        pl.lit(e.reason, STR).alias("reasons"),
        pl.lit(e.reason).alias("root_reason"),
        pl.lit(root_entity).alias("root_entity"),
        pl.col(root_id).alias("root_id"),
    )


_ID = {"user": "uid", "class": "cid", "enrollment": "eid"}
