"""`plan --redact` redacts the plan as build_plan keeps it (report/redact_plan.py): no
reasons list is made (the enrollments' are deferred: Plan.defer_reasons), the reason keys
and the details' table (Plan.detail_keys) are carried over to the redacted plan, and
every output says what it said when the redactor walked the plan with every list made
(what it did before: `WholePlan` below)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint import api
from roster_lint.model import Export
from roster_lint.predict.model import Plan
from roster_lint.report import html_plan, plan_json, plan_tables, redact
from roster_lint.report.outputs import plain_text
from roster_lint.report.plan_text import render_plan
from roster_lint.report.redact import Redactor

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


class WholePlan(Redactor):
    """The redaction before redact_plan.py: the plan walked as any dataclass, its
    `actions` read (every list made) and a plan made anew from the redacted fields."""

    def _plan(self, plan: Plan) -> Any:
        fields = {f.name: getattr(plan, f.name) for f in dataclasses.fields(plan) if f.init}
        return dataclasses.replace(plan, **self._record(plan, fields))


def _plan(name: str, previous: str | None) -> tuple[Export, Export | None, Plan]:
    export = api.load_for_plan(str(SAMPLES / name))
    prev = api.load_for_plan(str(SAMPLES / previous)) if previous else None
    plan = api.plan_export(export, api.Options(), prev)
    # (with --previous every list is made: the plan is redacted with its keys all the same)
    assert plan.keys_of_actions() is not None and (plan._reasons_unmade or prev is not None)
    return export, prev, plan


def test_redaction_makes_no_reasons_list(calls: list[int]) -> None:
    export, _, plan = _plan("district-flawed", None)
    keys, details = plan.keys_of_actions(), plan.detail_keys
    assert details is not None
    calls.clear()
    red = Redactor([export]).apply(plan)
    assert calls == []  # neither the plan's lists nor the redacted plan's
    assert plan._reasons_unmade and red._reasons_unmade
    assert red.keys_of_actions() is keys
    assert red.detail_keys is not None and red.detail_keys.index is details.index
    # the table's details, redacted: every row's detail as the redacted column has it
    frame = red.keyed_actions()[0]
    rows = frame["detail"].slice(details.start, details.index.len())
    assert rows.equals(red.detail_keys.table.gather(details.index).alias("detail"))
    # the people's ids replaced, row for row; the other entities' as they were
    before, after = plan.keyed_actions()[0], frame
    people = before["entity"].is_in(["user", "enrollment"])
    assert (before["id"] != after["id"]).filter(people).all()
    assert before["id"].filter(~people).equals(after["id"].filter(~people))


def _outputs(plan: Plan, export: Export) -> dict[str, Any]:
    csv, pq = io.BytesIO(), io.BytesIO()
    plan_tables.write_actions_csv(plan, csv)
    plan_tables.write_actions_parquet(plan, pq)
    return {
        "json": plan_json.plan_json_text(plan),
        "text": plain_text(lambda c: render_plan(plan, c)),
        "csv": csv.getvalue(),
        "parquet": pl.read_parquet(pq.getvalue()).to_dicts(),
        "html": html_plan.plan_data(plan, export, html_plan.MAX_ROWS),
        "totals": plan.totals(),
    }


@pytest.mark.parametrize(
    ("name", "previous"),
    [("district-flawed", None), ("district", None), ("district", "district-yesterday")],
)
def test_every_output_as_the_whole_plan_redacted(name: str, previous: str | None) -> None:
    export, prev, plan = _plan(name, previous)
    exports = [export, prev]
    new = Redactor(exports).apply(plan)
    old_plan = _plan(name, previous)[2]
    old = WholePlan(exports).apply(old_plan)
    assert old.keys_of_actions() is None  # (the lists made, the keys dropped)
    shown = Redactor(exports).export(export)
    assert _outputs(new, shown) == _outputs(old, shown)
    assert new.actions.equals(old.actions)


@pytest.mark.parametrize("cap", [0, 3])
def test_check_redaction_as_the_whole_plan(cap: int, calls: list[int]) -> None:
    """check --redact: only the first rows shown (`actions_shown`) are redacted, the
    others blanked; its plan keeps its keys too."""
    export, _, plan = _plan("district-flawed", None)
    calls.clear()
    new = Redactor([export], actions_shown=cap).apply(plan)
    assert calls == []
    assert new.keys_of_actions() is not None and new.detail_keys is None
    old = WholePlan([export], actions_shown=cap).apply(_plan("district-flawed", None)[2])
    assert new.actions.equals(old.actions)
    assert new.totals() == old.totals()


def test_distinct_tokens_are_the_tokens_once() -> None:
    values = pl.Series(
        ["u-1", "Ann Lee", "lee", "x@y.org", "a.b c.d", "u-1 again", "again", "Ann", "-", " "]
    )
    got = redact._distinct_tokens(values.unique())
    assert got.len() == got.n_unique()
    assert sorted(got.to_list()) == sorted(redact._tokens_of(values).unique().to_list())


def test_without_vocabulary_as_lower_casing_every_token() -> None:
    words = sorted(redact.vocabulary())
    tokens = [*words, *(w.upper() for w in words), "Ann", "x" * 40, "\u0130" * 3, "STUDENTS"]
    df = pl.DataFrame({"token": tokens, "r": range(len(tokens))})
    want = df.filter(~pl.col("token").str.to_lowercase().is_in(words))
    got = redact._without_vocabulary(df)
    assert sorted(got.rows()) == sorted(want.rows())


def test_second_pass_looks_up_only_what_was_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """apply's first pass looks every token up; the second asks again only for those not
    found personal (the plan's millions of ids were probed against all seen again)."""
    export, _, plan = _plan("district", None)
    sizes: list[int] = []
    real = Redactor._look_up

    def counted(self: Redactor, cands: pl.Series) -> None:
        sizes.append(cands.len())
        real(self, cands)

    monkeypatch.setattr(Redactor, "_look_up", counted)
    Redactor([export]).apply(plan)
    people = int(plan.keyed_actions()[0]["entity"].is_in(["user", "enrollment"]).sum())
    assert sizes[0] >= people > 1000
    assert sum(sizes[1:]) < people // 10
