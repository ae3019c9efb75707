"""pipeline.run_check's order: the plan starts only once the cross-file rules have ended
and their caches are gone, so that its peak is not stacked on theirs (v12 at 1M went
over 4 GB, docs/performance.md, "Branch checkfast4").  The findings and the plan are the
same as one stage after the other (tests/test_release_columns.py and the golden tests)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import roster_lint.predict.engine as engine
from roster_lint import api
from roster_lint.validate import crossfile, schema
from tests.conftest import ROOT


def test_the_plan_starts_after_the_crossfile_rules_and_beside_the_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[tuple[str, str, int]] = []  # (what, part, caches held at that moment)
    lock = threading.Lock()
    real_cross, real_plan, real_schema = crossfile.run, engine.build_plan, schema.run

    def cross(export: Any, out: Any, part: Any = "all") -> None:
        real_cross(export, out, part)
        with lock:
            events.append(("crossfile ended", part, len(export.derived)))

    def plan(export: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            events.append(("plan started", "", len(export.derived)))
        return real_plan(export, *args, **kwargs)

    def schema_run(export: Any, out: Any, *args: Any, **kwargs: Any) -> None:
        with lock:
            events.append(("schema started", "first" if args else "rest", 0))
        real_schema(export, out, *args, **kwargs)

    monkeypatch.setattr(crossfile, "run", cross)
    monkeypatch.setattr(engine, "build_plan", plan)
    monkeypatch.setattr(schema, "run", schema_run)
    result = api.check(str(ROOT / "sample_exports" / "district-flawed"))
    assert result.findings.height > 0
    order = [what + (f" {part}" if part else "") for what, part, _ in events]
    assert order.index("plan started") > order.index("crossfile ended rest")
    assert order.index("schema started rest") > order.index("crossfile ended rest")
    # the cross-file rules' caches were filled (the shared id hashes), then gone
    assert [n for what, part, n in events if what == "crossfile ended" and part == "rest"] != [0]
    assert [n for what, _, n in events if what == "plan started"] == [0]
