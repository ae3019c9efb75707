"""The fast plan JSON writer gives the same document as plan_document, and the u64-hash
join gives the same rows as the string join, collisions included."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from roster_lint import api
from roster_lint.predict.keys import left_join
from roster_lint.report.plan_json import plan_document, plan_json_text

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


@pytest.mark.parametrize(
    ("export", "previous", "mode"),
    [
        ("district-flawed", "district-yesterday", "full"),
        ("district-v12", None, "provisioning"),
    ],
)
def test_json_text_is_plan_document(export: str, previous: str | None, mode: str) -> None:
    prev = str(SAMPLES / previous) if previous else None
    plan = api.plan(str(SAMPLES / export), api.Options(mode=mode, previous=prev))
    assert plan.actions.height > 100
    text = plan_json_text(plan)
    assert json.loads(text) == plan_document(plan)
    assert plan_json_text(plan) == text  # deterministic


def test_json_text_with_no_actions() -> None:
    plan = api.plan(str(SAMPLES / "district"))
    plan.actions = plan.actions.clear()
    assert json.loads(plan_json_text(plan))["actions"] == []


def _weak(expr: pl.Expr) -> pl.Expr:
    """A hash that collides on purpose: every id of the same length."""
    return expr.str.len_bytes().cast(pl.UInt64)


def test_hash_join_matches_string_join_even_on_collisions() -> None:
    left = pl.DataFrame({"k": ["ab", "cd", None, "ef", "ab", "zz", ""], "v": range(7)})
    right = pl.DataFrame({"k": ["ab", "x"], "w": ["A", "X"]})
    want = left.join(right, on="k", how="left", maintain_order="left")
    # "cd", "ef", "zz" share the hash of "ab" but are other ids: no match for them.
    assert left_join(left, right, "k", hasher=_weak).equals(want)
    assert left_join(left, right, "k").equals(want)
    # Right keys that collide with each other: the string join is used.
    right2 = pl.DataFrame({"k": ["ab", "cd"], "w": ["A", "C"]})
    want2 = left.join(right2, on="k", how="left", maintain_order="left")
    assert left_join(left, right2, "k", hasher=_weak).equals(want2)
