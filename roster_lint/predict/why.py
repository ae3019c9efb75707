"""`why`: one entity's action and the chain of checks that decided it.

The action and reasons are read from the plan (so `why` always agrees with `plan`); the
trace walks the article's troubleshooting table in order and shows the data behind each
step.  Only one entity is looked up, so plain Python is fine here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from roster_lint.errors import UsageError
from roster_lint.model import LINE, Export
from roster_lint.predict.model import Plan
from roster_lint.predict.profile import load_profile

KINDS = ("user", "class", "school", "course", "enrollment")

# Per kind, in the order of the article's troubleshooting table: (step, reasons that make it
# fail, columns of the entity's row shown as the step's data).
STEPS: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {
    "user": [
        ("in the Users file", ("header-breaks-sync",), ("sourcedId", "username", "email")),
        ("role gets an account", ("role-not-provisioned",), ("role",)),
        ("status", ("user-tobedeleted",), ("status",)),
        (
            "school in the Orgs file",
            ("school-not-in-orgs", "user-without-school"),
            ("orgSourcedIds",),
        ),
        ("school has an NCES ID", ("school-missing-nces-id",), ()),
        ("still shared", ("user-removed-not-deleted",), ()),
        ("can sign in (e-mail)", ("user-missing-email",), ("email",)),
    ],
    "class": [
        ("mode creates classes", ("provisioning-mode",), ()),
        ("file processed", ("header-breaks-sync",), ()),
        ("course in the Courses file", ("class-course-missing",), ("courseSourcedId",)),
        (
            "course mapped, not new",
            ("course-not-mapped", "new-course-needs-mapping"),
            ("courseSourcedId",),
        ),
        ("primary teacher", ("class-without-primary-teacher",), ()),
        ("school not skipped", ("class-school-skipped",), ("schoolSourcedId",)),
        ("still shared", ("class-removed-not-deleted",), ()),
        ("one grade (no split)", ("mixed-grade-class",), ("grades",)),
    ],
    "enrollment": [
        ("mode enrolls", ("provisioning-mode",), ()),
        (
            "record in the Enrollment file",
            ("header-breaks-sync", "enrollment-dropped-not-unenrolled"),
            ("sourcedId", "role"),
        ),
        ("class in the Classes file", ("enrollment-class-missing",), ("classSourcedId",)),
        ("class created", ("enrollment-class-not-created",), ("classSourcedId",)),
        ("user in the Users file", ("enrollment-user-missing",), ("userSourcedId",)),
        ("user gets an account", ("enrollment-user-not-provisioned",), ("userSourcedId",)),
        ("role is enrolled", ("enrollment-role-not-enrolled",), ("role",)),
        ("status", ("enrollment-tobedeleted",), ("status",)),
    ],
    "school": [
        ("in the Orgs file", ("header-breaks-sync",), ("sourcedId", "name", "type")),
        (
            "NCES ID in identifier, national_id or sourcedId",
            ("school-missing-nces-id",),
            ("identifier",),
        ),
    ],
    "course": [
        ("mode reads courses", ("provisioning-mode", "header-breaks-sync"), ("sourcedId", "title")),
        (
            "mapped on Summit K12",
            ("course-not-mapped", "new-course-needs-mapping", "course-mapping-unverified"),
            ("courseCode",),
        ),
    ],
}


@dataclass
class WhyResult:
    entity: str
    id: str
    action: str
    reasons: list[str]
    trace: list[dict[str, Any]]
    detail: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "id": self.id,
            "action": self.action,
            "reasons": list(self.reasons),
            "trace": [dict(s) for s in self.trace],
        }


def _resolve(export: Export, plan: Plan, kind: str, ident: str) -> str:
    ids = plan.actions.filter(pl.col("entity") == kind)
    if ids.filter(pl.col("id") == ident).height:
        return ident
    users = export.frame("users.csv")
    if kind == "user" and users is not None:
        for col in ("username", "email"):
            if col in users.columns:
                hit = users.filter(pl.col(col) == ident)
                if hit.height and "sourcedId" in users.columns:
                    return str(hit["sourcedId"][0])
    raise UsageError(f"no {kind} {ident!r} in the plan of this export")


def _row(export: Export, file: str | None, line: int | None) -> dict[str, str]:
    if file is None or line is None:
        return {}
    t = next((t for t in export.tables.values() if t.path == file), None)
    if t is None:
        return {}
    hit = t.df.filter(pl.col(LINE) == line)
    return {k: v for k, v in hit.row(0, named=True).items() if k != LINE} if hit.height else {}


def explain_entity(export: Export, plan: Plan, kind: str, ident: str) -> WhyResult:
    if kind not in KINDS:
        raise UsageError(f"KIND must be one of {', '.join(KINDS)}, not {kind!r}")
    sid = _resolve(export, plan, kind, ident)
    act = plan.actions.filter((pl.col("entity") == kind) & (pl.col("id") == sid)).row(0, named=True)
    reasons: list[str] = list(act["reasons"])
    detail = json.loads(act["detail"])
    row = _row(export, act["file"], act["line"])
    trace: list[dict[str, Any]] = []
    for step, failing, cols in STEPS[kind]:
        hit = [r for r in failing if r in reasons]
        data = ", ".join(f"{c}={row[c]!r}" for c in cols if c in row)
        if not row and act["file"] is None:
            data = "not in this export (known from --previous)"
        parts = [p for p in (", ".join(hit), data) if p]
        trace.append({"step": step, "ok": not hit, "detail": "; ".join(parts)})
    covered = {r for steps in STEPS.values() for _, failing, _ in steps for r in failing}
    others = [r for r in reasons if r not in covered]
    if others:  # annotations that do not block (older-engine warnings, SK-A2, SK-G1...)
        trace.append({"step": "other reasons", "ok": True, "detail": ", ".join(others)})
    where = f"{act['file']} line {act['line']}" if act["line"] is not None else "no row"
    trace.append(
        {
            "step": "decision",
            "ok": act["action"] not in ("skip", "retain"),
            "detail": f"{act['action']} ({where}); detail {act['detail']}",
        }
    )
    profile = load_profile()
    notes = [profile.note("nightly"), profile.note("cutoff")] if kind == "user" else []
    return WhyResult(kind, sid, act["action"], reasons, trace, detail, notes)
