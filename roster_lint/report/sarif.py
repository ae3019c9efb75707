"""SARIF 2.1.0 for `check` (and for `plan`: one result per skipped or retained entity).

Locations: `artifactLocation.uri` is the file's path inside the export (relative, with `/`),
`uriBaseId` "EXPORTROOT" so a viewer can be pointed at the export folder.  A finding without
a line (a file- or export-level problem) points at line 1 of its file, or at the export's
manifest.csv when it has no file either: GitHub code scanning rejects results without a
physical location, and line 1 is where an editor opens the file anyway.
Output is capped at MAX_RESULTS results (GitHub's upload limit per run is 25,000); when
capped, the run says so in `invocations[0].toolExecutionNotifications` and
`properties.truncated`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint import __version__
from roster_lint.catalogue import catalogue

if TYPE_CHECKING:
    from roster_lint.predict.model import Plan
    from roster_lint.results import CheckResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/roster-lint/roster-lint"
MAX_RESULTS = 25_000
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}
PLAN_LEVEL = {"skip": "warning", "retain": "note", "split": "note", "needs-mapping": "warning"}


def _rule_descriptor(code: str, name: str, severity: str) -> dict[str, Any]:
    rule = catalogue().get(code)
    if rule is None:  # a code the catalogue does not know (should not happen): still valid
        return {
            "id": code,
            "name": name,
            "shortDescription": {"text": name},
            "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        }
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": rule.fix, "markdown": f"**Fix:** {rule.fix}\n\n**Sync:** {rule.sync}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity.value]},
        "properties": {"source": rule.source, "group": rule.group, "sync": rule.sync},
    }


def _location(file: str | None, line: int | None, fallback: str) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {
                "uri": (file or fallback).replace("\\", "/"),
                "uriBaseId": "EXPORTROOT",
            },
            "region": {"startLine": int(line) if line else 1},
        }
    }


def _run(
    rules: list[dict[str, Any]], results: list[dict[str, Any]], total: int, export_path: str
) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if total > len(results):
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {
                    "text": f"Output capped: {len(results)} of {total} results shown; "
                    "the JSON report lists every one."
                },
            }
        ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "roster-lint",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"EXPORTROOT": {"description": {"text": export_path}}},
                "invocations": [invocation],
                "results": results,
                "properties": {"truncated": total > len(results), "total": total},
            }
        ],
    }


def check_sarif(result: CheckResult, max_results: int = MAX_RESULTS) -> dict[str, Any]:
    df = result.findings
    fallback = "manifest.csv"
    codes = df.select("code", "name", "severity").unique("code", keep="first").sort("code")
    rules = [_rule_descriptor(c, n, s) for c, n, s in codes.iter_rows()]
    index = {r["id"]: i for i, r in enumerate(rules)}
    # errors first so a capped report keeps what matters most
    rank = pl.col("severity").replace_strict(LEVEL_ORDER, default=3, return_dtype=pl.Int8)
    shown = df.with_row_index("_i").sort([rank, "_i"]).head(max_results).sort("_i")
    results = []
    for r in shown.iter_rows(named=True):
        res: dict[str, Any] = {
            "ruleId": r["code"],
            "ruleIndex": index[r["code"]],
            "level": LEVEL.get(r["severity"], "warning"),
            "message": {"text": r["message"] or r["name"]},
            "locations": [_location(r["file"], r["line"], fallback)],
        }
        props = {k: r[k] for k in ("column", "sourced_id", "value") if r[k] is not None}
        if (r.get("count") or 1) > 1:  # one result standing for many rows
            props["count"] = r["count"]
            props["lines"] = r["lines"]
        if r.get("cause_code") is not None:  # follows from another finding: name its root
            props["cause"] = {
                "code": r["cause_code"],
                "file": r["cause_file"],
                "line": r["cause_line"],
                "sourced_id": r["cause_sourced_id"],
            }
        if r["related_file"] is not None:
            props["related"] = {
                "file": r["related_file"],
                "column": r["related_column"],
                "value": r["related_value"],
            }
            res["relatedLocations"] = [dict(_location(r["related_file"], None, fallback), id=1)]
        if props:
            res["properties"] = props
        results.append(res)
    return _run(rules, results, df.height, result.export.path)


def plan_sarif(plan: Plan, export_path: str = "", max_results: int = MAX_RESULTS) -> dict[str, Any]:
    """Every action the sync will not carry out as the district meant: skip, retain, split."""
    acts = plan.actions.filter(pl.col("action").is_in(sorted(PLAN_LEVEL)))
    acts = acts.with_columns(
        pl.col("reasons").list.first().fill_null(pl.col("action")).alias("_rule")
    )
    rule_ids = sorted(set(acts["_rule"].to_list()))
    rules = []
    for rid in rule_ids:
        rule = catalogue().get(rid)
        text = rule.title if rule else rid
        rules.append(
            {
                "id": rid,
                "name": rid,
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": "warning"},
            }
        )
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for r in acts.head(max_results).iter_rows(named=True):
        reasons = ", ".join(r["reasons"] or []) or "no reason given"
        results.append(
            {
                "ruleId": r["_rule"],
                "ruleIndex": index[r["_rule"]],
                "level": PLAN_LEVEL[r["action"]],
                "message": {"text": f"{r['entity']} {r['id']}: {r['action']} ({reasons})."},
                "locations": [_location(r["file"], r["line"], "manifest.csv")],
                "properties": {"entity": r["entity"], "id": r["id"], "action": r["action"]},
            }
        )
    return _run(rules, results, acts.height, export_path)
