"""Run a catalogue example: materialise it, check it (and plan it), return structured results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from roster_lint import api
from roster_lint.catalogue import Example
from roster_lint.examples import materialise


def options_from_args(args: tuple[str, ...], previous: str | None) -> api.Options:
    opts = api.Options(previous=previous)
    it = iter(args)
    for a in it:
        if a == "--mode":
            opts.mode = next(it)
        elif a == "--course-map":
            opts.course_map = next(it)
        else:
            raise ValueError(f"example args: unsupported {a!r}")
    return opts


def run_example(ex: Example, tmp: Path) -> tuple[pl.DataFrame, Any]:
    """Findings frame and, when the predict package exists, the plan's actions."""
    path = materialise(ex.base, ex.patch, tmp / "now")
    previous = None
    if ex.previous is not None:
        previous = str(materialise(ex.base, ex.previous, tmp / "previous"))
    args = list(ex.args)
    if "--course-map" in args:  # a course map given inline as CSV text
        i = args.index("--course-map")
        cmap = tmp / "course-map.csv"
        cmap.write_text(args[i + 1], encoding="utf-8")
        args[i + 1] = str(cmap)
    opts = options_from_args(tuple(args), previous)
    result = api.check(str(path), opts)
    actions = None
    if ex.expect_plan:
        plan = api.plan(str(path), opts)  # type: ignore[attr-defined]
        actions = plan.actions
    return result.findings, actions


def matches(row: dict[str, Any], expected: dict[str, Any]) -> bool:
    return all(row.get(k) == v for k, v in expected.items())
