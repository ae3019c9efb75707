"""SARIF 2.1.0 for `check` (one result per finding) and `plan` (one per root cause).

Locations (report/locate.py): `artifactLocation.uri` is the file's path from the repository
root (`exports/district/classes.csv`, `uriBaseId` "%SRCROOT%"), which is how GitHub code
scanning places a result, when the export lies in a git repository or `--path-prefix`
says where CI sees it.  Otherwise it is the file's path inside the export against the
base "EXPORTROOT", whose `uri` is the export folder's `file:` URI (left out under --redact,
which keeps no absolute path).  A finding without a line (a file- or export-level problem)
points at line 1 of its file, or at the export's manifest.csv when it has no file either:
GitHub code scanning rejects results without a physical location, and line 1 is where an
editor opens the file anyway.

GitHub's upload rules (docs: "SARIF support for code scanning"): every result has `ruleId`,
`level` and `message.text`; at most 25,000 results and 25,000 rules per run, so results
are capped at MAX_RESULTS, errors kept first (the run says so in
`invocations[0].toolExecutionNotifications` and `properties.truncated`); each result has
`partialFingerprints` from what identifies it across days (rule, file, column, record),
not its line, so an alert follows a record that moves in tomorrow's export.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint import __version__
from roster_lint.catalogue import Rule, catalogue
from roster_lint.report.locate import Where, locate

if TYPE_CHECKING:
    from roster_lint.predict.model import Plan, RootCause
    from roster_lint.results import CheckResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/roster-lint/roster-lint"
MAX_RESULTS = 25_000  # GitHub: results per run
MAX_RULES = 25_000  # GitHub: rules per run (the catalogue has far fewer)
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}
SRCROOT = "%SRCROOT%"
EXPORTROOT = "EXPORTROOT"
FINGERPRINT = "rosterLint/v1"


def _help(rule: Rule) -> dict[str, str]:
    return {"text": rule.fix, "markdown": f"**Fix:** {rule.fix}\n\n**Sync:** {rule.sync}"}


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
        "help": _help(rule),
        "defaultConfiguration": {"level": LEVEL[rule.severity.value]},
        "properties": {"source": rule.source, "group": rule.group, "sync": rule.sync},
    }


def _location(
    file: str | None, line: int | None, fallback: str, where: Where | None
) -> dict[str, Any]:
    name = (file or fallback).replace("\\", "/")
    uri = where.uri(name) if where is not None else None
    artifact = {"uri": uri, "uriBaseId": SRCROOT} if uri else {"uri": name, "uriBaseId": EXPORTROOT}
    return {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": int(line) if line else 1},
        }
    }


def _fingerprint(*parts: object) -> dict[str, str]:
    key = "\x1f".join("" if p is None else str(p) for p in parts)
    return {FINGERPRINT: hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]}


def _bases(where: Where | None, redacted: bool) -> dict[str, Any]:
    """originalUriBaseIds: EXPORTROOT with the export folder's file: URI (a zip's files are
    inside it), %SRCROOT% for the repository root GitHub resolves paths against."""
    if where is not None and where.prefix is not None:
        return {SRCROOT: {"description": {"text": "the repository root"}}}
    base: dict[str, Any] = {
        "description": {
            "text": "the export's files are inside this zip archive; give --path-prefix "
            "to name where CI unpacks them"
            if where is not None and where.archive
            else "the export folder; it is not inside a git repository (give --path-prefix "
            "to name its path from the repository root)"
        }
    }
    if where is not None and not redacted:  # an absolute path can name a person's home
        base["uri"] = where.folder.as_uri() + "/"
    return {EXPORTROOT: base}


def _run(
    rules: list[dict[str, Any]],
    results: list[dict[str, Any]],
    total: int,
    bases: dict[str, Any],
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
                        "rules": rules[:MAX_RULES],
                    }
                },
                "originalUriBaseIds": bases,
                "invocations": [invocation],
                "results": results,
                "properties": {"truncated": total > len(results), "total": total},
            }
        ],
    }


def check_sarif(
    result: CheckResult,
    max_results: int = MAX_RESULTS,
    where: Where | None = None,
    redacted: bool = False,
) -> dict[str, Any]:
    """`where`: the export's location (locate.locate), computed by the caller before
    --redact replaces the export's path; by default from `result.export.path`."""
    where = where if where is not None else locate(result.export.path)
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
            "locations": [_location(r["file"], r["line"], fallback, where)],
            # the record, not the line: an alert follows its row across days' exports
            "partialFingerprints": _fingerprint(
                r["code"], r["file"], r["column"], r["sourced_id"], r["value"]
            ),
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
            # a file of this export is placed; another export's file (RL400 names
            # yesterday's by its path) cannot be placed in this repository: properties only
            if "/" not in r["related_file"] and "\\" not in r["related_file"]:
                related = _location(r["related_file"], None, fallback, where)
                res["relatedLocations"] = [dict(related, id=1)]
        if props:
            res["properties"] = props
        results.append(res)
    return _run(rules, results, df.height, _bases(where, redacted))


def _plan_rule(reason: str) -> dict[str, Any]:
    rule = catalogue().get(reason)
    level = LEVEL[rule.severity.value] if rule else "warning"
    out: dict[str, Any] = {
        "id": reason,
        "name": reason,
        "shortDescription": {"text": rule.title if rule else reason},
        "defaultConfiguration": {"level": level},
    }
    if rule is not None:
        out["fullDescription"] = {"text": rule.rationale}
        out["help"] = _help(rule)
        out["properties"] = {"code": rule.code, "source": rule.source, "sync": rule.sync}
    return out


def plan_sarif(
    plan: Plan,
    where: Where | None = None,
    redacted: bool = False,
    max_results: int = MAX_RESULTS,
) -> dict[str, Any]:
    """One result per root cause of the plan (plan.root_causes: a school without an NCES
    ID, a role not provisioned...), at the root's file and line, with how many users,
    classes and enrollments it costs: not one result per skipped entity."""
    causes: list[RootCause] = list(plan.root_causes)
    reasons = sorted({c.reason for c in causes})
    rules = [_plan_rule(r) for r in reasons]
    index = {r: i for i, r in enumerate(reasons)}
    results = []
    for c in causes[:max_results]:
        count = sum(c.affected.values())  # every entity it affects; by kind in `affected`
        results.append(
            {
                "ruleId": c.reason,
                "ruleIndex": index[c.reason],
                "level": rules[index[c.reason]]["defaultConfiguration"]["level"],
                "message": {"text": c.message},
                "locations": [_location(c.file, c.line, "manifest.csv", where)],
                "partialFingerprints": _fingerprint(c.reason, c.entity, c.id),
                "properties": {
                    "entity": c.entity,
                    "id": c.id,
                    "label": c.label,
                    "count": count,
                    "affected": dict(sorted(c.affected.items())),
                },
            }
        )
    return _run(rules, results, len(causes), _bases(where, redacted))
