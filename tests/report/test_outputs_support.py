"""Builders shared by the machine-output tests: hand-made findings and plans.

The emitters know nothing of rules, so their tests feed them findings built here rather
than depending on which rules exist yet.  (No tests in this module.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from roster_lint import api
from roster_lint.examples import materialise
from roster_lint.findings import FINDING_SCHEMA, HIT_COLUMNS, sort_findings
from roster_lint.load import load_export
from roster_lint.predict.model import ACTION_SCHEMA, Plan


def finding(code: str, severity: str = "error", **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c: None for c in FINDING_SCHEMA}
    row.update(code=code, name=fields.pop("name", f"rule-{code.lower()}"), severity=severity)
    row["message"] = f"{code} finding"
    unknown = set(fields) - set(HIT_COLUMNS)
    assert not unknown, unknown
    row.update(fields)
    return row


def findings_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return sort_findings(pl.DataFrame(rows, schema=FINDING_SCHEMA, orient="row"))


def export_path(
    tmp_path: Path, patch: tuple[dict[str, Any], ...] = (), base: str = "base-1.1"
) -> Path:
    return materialise(base, patch, tmp_path / "in")


def result_with(
    tmp_path: Path,
    rows: list[dict[str, Any]],
    *,
    patch: tuple[dict[str, Any], ...] = (),
    fail_on: str = "error",
) -> api.CheckResult:
    """A real CheckResult over the base export whose findings are exactly `rows`."""
    # loaded, not checked: the emitters must not depend on which rules exist today
    export = load_export(str(export_path(tmp_path, patch)))
    return api.CheckResult(
        export=export, findings=findings_frame(rows), options=api.Options(fail_on=fail_on)
    )


def plan_of(actions: list[dict[str, Any]], **kw: Any) -> Plan:
    rows = [{c: a.get(c) for c in ACTION_SCHEMA} for a in actions]
    for r in rows:
        r["reasons"] = r["reasons"] or []
    frame = pl.DataFrame(rows, schema=ACTION_SCHEMA, orient="row")
    audience = pl.DataFrame(
        schema={
            "school": pl.String,
            "school_name": pl.String,
            "summit_role": pl.String,
            "grade": pl.String,
            "users": pl.Int64,
        }
    )
    return Plan(profile="summit-k12", mode="full", actions=frame, audience=audience, **kw)
