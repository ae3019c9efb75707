"""`why` reads the plan: on every entity of the sample exports, the corpus (when present)
and damaged exports, its action and reasons are the plan's, its first failing step is the
step of the plan's first reason (the registry's precedence), and no step passes on data
that could not be read.  Entities are sampled: a few of each distinct (entity, action,
reasons), so every kind of decision is traced while the test stays fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint import api
from roster_lint.load import load_export
from roster_lint.predict.inputs import read_inputs
from roster_lint.predict.profile import load_profile
from roster_lint.predict.registry import load_registry
from roster_lint.predict.why import UNREAD, explain_entity
from tests.predict.helpers import Patch, make

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (ROOT / "sample_exports").iterdir() if p.is_dir())
CORPUS = Path("/work/shared/corpus")
PER_KIND = 3  # entities traced per distinct (entity, action, reasons)

DAMAGED: dict[str, Patch] = {
    "users-header": [{"op": "rename_header", "file": "users.csv", "column": "role", "to": "Role"}],
    "orgs-header": [
        {"op": "rename_header", "file": "orgs.csv", "column": "identifier", "to": "identifer"}
    ],
    "enrollments-header": [
        {"op": "rename_header", "file": "enrollments.csv", "column": "primary", "to": "prim"}
    ],
    "typo-school": [
        {"op": "set", "file": "users.csv", "line": 3, "column": "orgSourcedIds", "value": "sch9"},
        {"op": "set", "file": "classes.csv", "line": 2, "column": "schoolSourcedId", "value": "x"},
    ],
    "cut-enrollments": [
        {"op": "delete", "file": "enrollments.csv", "line": 2},
        {
            "op": "set",
            "file": "enrollments.csv",
            "line": 2,
            "column": "userSourcedId",
            "value": "x",
        },
    ],
    "aide-tobedeleted": [
        {
            "op": "append",
            "file": "users.csv",
            "copy_line": 3,
            "values": {"sourcedId": "aid1", "role": "aide", "status": "tobedeleted"},
        },
        {
            "op": "set",
            "file": "enrollments.csv",
            "line": 3,
            "column": "status",
            "value": "tobedeleted",
        },
    ],
}


def _corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.glob("*/*") if p.is_dir() and any(p.glob("*.csv")))


def _first_step(kind: str, reasons: list[str]) -> str | None:
    """The step of the plan's first reason that has one (the registry's precedence)."""
    reg = load_registry()
    steps = {e.reason: e.step for e in reg.entries[kind] if e.step}
    return next((steps[r] for r in reasons if r in steps), None)


def _check(path: str, opts: api.Options) -> int:
    export = load_export(path)
    plan = api.plan(path, opts)
    state = read_inputs(export, plan.mode, load_profile()).state
    needs = {k: v.needs for k, v in load_registry().entities.items()}
    picked = (
        plan.actions.select("entity", "id", "action", "reasons")
        .with_row_index("_i")
        .filter(pl.int_range(pl.len()).over("entity", "action", "reasons") < PER_KIND)
    )
    n = 0
    for entity, ident, action, reasons in picked.drop("_i").iter_rows():
        w = explain_entity(export, plan, entity, ident, opts)
        assert (w.action, w.reasons) == (action, list(reasons)), (path, entity, ident)
        steps: list[dict[str, Any]] = w.trace[: len(load_registry().entities[entity].steps)]
        assert all(s["ok"] in (True, False, None) for s in steps)
        first = next((s["step"] for s in steps if s["ok"] is False), None)
        assert first == _first_step(entity, list(reasons)), (path, entity, ident, reasons)
        for s in steps:  # never passed on data that could not be read
            unread = [f for f in needs[entity].get(s["step"], []) if state.get(f) in UNREAD]
            assert not (unread and s["ok"] is True), (path, entity, ident, s)
        n += 1
    return n


@pytest.mark.parametrize("export", SAMPLES, ids=lambda p: p.name)
def test_why_reads_the_plan_on_the_samples(export: Path) -> None:
    yesterday = str(ROOT / "sample_exports" / "district-yesterday")
    assert _check(str(export), api.Options()) > 10
    assert _check(str(export), api.Options(previous=yesterday)) > 10
    assert _check(str(export), api.Options(mode="provisioning")) > 5


@pytest.mark.parametrize("export", _corpus(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_why_reads_the_plan_on_the_corpus(export: Path) -> None:
    assert _check(str(export), api.Options()) > 0


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_why_reads_the_plan_on_damaged_exports(tmp_path: Path, name: str) -> None:
    prev = make(tmp_path, [], name="prev")
    now = make(tmp_path, DAMAGED[name])
    assert _check(now, api.Options()) >= 5
    assert _check(now, api.Options(previous=prev)) >= 5


def test_aide_shared_as_tobedeleted_is_blamed_on_its_status(tmp_path: Path) -> None:
    """The plan's first reason is the status (user-tobedeleted before role-not-provisioned):
    `why` fails the status step first, as the plan does."""
    path = make(tmp_path, DAMAGED["aide-tobedeleted"])
    w = explain_entity(load_export(path), api.plan(path, api.Options()), "user", "aid1")
    assert w.reasons == ["user-tobedeleted", "role-not-provisioned"]
    failed = [s["step"] for s in w.trace if s["ok"] is False]
    assert failed[:2] == ["status", "role gets an account"]


def test_broken_orgs_header_is_not_a_passed_nces_step(tmp_path: Path) -> None:
    path = make(tmp_path, DAMAGED["orgs-header"])
    w = explain_entity(load_export(path), api.plan(path, api.Options()), "school", "sch1")
    assert w.reasons[0] == "header-breaks-sync"
    assert w.step("NCES ID in identifier, national_id or sourcedId")["ok"] is None
