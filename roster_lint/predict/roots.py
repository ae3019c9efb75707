"""Root causes derived from the registry: the first reason names the root's entity, its id
(a working column of the entity's frame) and, where declared, the root's own reason."""

from __future__ import annotations

import polars as pl

from roster_lint.predict.registry import load_registry

STR = pl.String()
# Roots that are the affected row itself are grouped into one cause per reason
# (summary.root_causes): their id is "*".
GROUPED_ROOTS = ("user", "class", "enrollment")


def grouped_id(entity: pl.Expr, ident: pl.Expr) -> pl.Expr:
    """The root id as root causes group it: "*" for a root that is the affected row
    itself (GROUPED_ROOTS), else the id ("" where there is none)."""
    return pl.when(entity.is_in(GROUPED_ROOTS)).then(pl.lit("*")).otherwise(ident).fill_null("")


def root(
    entity: str, first: pl.Expr, ids: dict[str, pl.Expr] | None = None
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(root entity, root id, root reason) per row from its first reason.  `ids` gives the
    working columns the registry names that are expressions rather than frame columns
    (a file path, the mode...).  Entries that inherit their root are left to the caller."""
    reg = load_registry()
    ids = ids or {}

    def col(name: str) -> pl.Expr:
        return ids[name] if name in ids else pl.col(name)

    own = reg.entities[entity].id
    ent: pl.Expr = pl.lit(entity, STR)
    ident: pl.Expr = pl.col(own)
    reason: pl.Expr = first
    for e in reversed(reg.of(entity, stage=None)):
        if not e.root or e.root_entity == "inherit":
            continue
        hit = first == e.reason
        if e.root_entity != entity or e.root_column != own:
            ent = pl.when(hit).then(pl.lit(e.root_entity, STR)).otherwise(ent)
            ident = pl.when(hit).then(col(e.root_column)).otherwise(ident)
        if e.root_reason:
            reason = pl.when(hit).then(col(e.root_reason)).otherwise(reason)
    return ent, ident, reason


def inherited(entity: str) -> dict[str, str]:
    """reason -> the entity whose root cause it shares ("inherit:ENTITY" in the registry)."""
    reg = load_registry()
    return {e.reason: e.root_column for e in reg.of(entity, None) if e.root_entity == "inherit"}


def read_per_row(entity: str, constants: set[str]) -> dict[str, list[str]]:
    """column -> the reasons whose root reads it per row: a root id that root causes keep
    (its entity not in GROUPED_ROOTS) or a root reason, unless `constants` gives it (a
    path, the mode).  Every other id a root names ends up "*" (`grouped_id`)."""
    reg = load_registry()
    out: dict[str, list[str]] = {}
    for e in reg.of(entity, stage=None):
        if not e.root or e.root_entity == "inherit":
            continue
        cols = [] if e.root_entity in GROUPED_ROOTS else [e.root_column]
        cols += [e.root_reason] if e.root_reason else []
        for c in cols:
            if c not in constants:
                out.setdefault(c, []).append(e.reason)
    return out


def columns_named(entity: str) -> set[str]:
    """Every working column `root` may read for `entity` (its own id column included)."""
    reg = load_registry()
    out = {reg.entities[entity].id}
    for e in reg.of(entity, stage=None):
        if e.root and e.root_entity != "inherit":
            out.add(e.root_column)
            if e.root_reason:
                out.add(e.root_reason)
    return out
