"""user_actions makes the entity and the file in the plan's own types (an Enum and a
Categorical, ACTION_SCHEMA), not as a 16-byte string per user only to be cast, and the
plan's user rows read the same."""

from __future__ import annotations

import polars as pl

from roster_lint import api
from roster_lint.predict import engine
from roster_lint.predict import users as usr
from roster_lint.predict.model import ACTION_SCHEMA
from tests.conftest import ROOT


def test_user_actions_in_plan_types(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    made: list[pl.DataFrame] = []
    actions = usr.user_actions

    def kept(users: pl.DataFrame, path: str, **kw: bool) -> pl.DataFrame:
        out = actions(users, path, **kw)
        made.append(out)
        return out

    monkeypatch.setattr(engine.usr, "user_actions", kept)
    plan = api.plan(str(ROOT / "sample_exports" / "district-flawed"))
    (part,) = made
    assert part.schema["entity"] == ACTION_SCHEMA["entity"]
    assert part.schema["file"] == ACTION_SCHEMA["file"]
    rows = plan.actions.filter(pl.col("entity") == "user")
    assert rows["id"].to_list() == part["id"].to_list()
    assert set(rows["file"].cast(pl.String).to_list()) == {"users.csv"}
