"""Build an export from a base plus patch operations and plan it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roster_lint import api
from roster_lint.examples import materialise
from roster_lint.predict.model import Plan

Patch = list[dict[str, Any]]

# The exports and options that tests run every plan path over (samples, and the corpus when
# ../shared is beside the project).
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_exports"
CORPUS = ROOT.parent / "shared" / "corpus"
EXPORTS = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
EXPORTS += sorted(p for p in CORPUS.glob("*/*") if p.is_dir() and any(p.glob("*.csv")))
OPTIONS = {
    "full": api.Options(),
    "provisioning": api.Options(mode="provisioning"),
    "previous": api.Options(previous=str(SAMPLES / "district-yesterday")),
}


def make(tmp: Path, patch: Patch | None = None, base: str = "base-1.1", name: str = "now") -> str:
    return str(materialise(base, patch or [], tmp / name))


def plan_of(
    tmp: Path,
    patch: Patch | None = None,
    *,
    base: str = "base-1.1",
    previous: Patch | None = None,
    mode: str = "full",
    course_map: str | None = None,
) -> Plan:
    prev = make(tmp, previous, base, "prev") if previous is not None else None
    opts = api.Options(mode=mode, previous=prev, course_map=course_map)
    return api.plan(make(tmp, patch, base), opts)


def act(plan: Plan, entity: str, ident: str) -> tuple[str, list[str]]:
    rows = plan.actions.filter((plan.actions["entity"] == entity) & (plan.actions["id"] == ident))
    assert rows.height == 1, (entity, ident, rows)
    return rows["action"][0], list(rows["reasons"][0])


def cell(file: str, line: int, column: str, value: str) -> dict[str, object]:
    """A patch operation that sets one cell."""
    return {"op": "set", "file": file, "line": line, "column": column, "value": value}


def not_documented_count(notes: list[str], key: str) -> int:
    """How many actions the plan's note on the not-documented choice `key` counts (0: no
    such note).  The note reads "Not documented by Summit K12, N affected: ... (key)."
    (then the behaviour codes the choice cites, if any: "(key) (SK-C3).")."""
    import re

    for note in notes:
        hit = re.match(
            r"Not documented by Summit K12, ([\d,]+) affected: .*? \(([\w-]+)\)( \(SK-.*\))?\.$",
            note,
        )
        if hit and hit.group(2) == key:
            return int(hit.group(1).replace(",", ""))
    return 0
