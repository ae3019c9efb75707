"""The HTML report: one self-contained page for `check`, `plan` and `diff`.

Rendered from jinja2 templates (report/templates/) with autoescape on; CSS and JS are our
own files (report/assets/) inlined, charts are SVG computed here, and the page's own
Content-Security-Policy forbids every request (`default-src 'none'`) and every script but
ours (by hash).  The plan's records travel as data inside
`<script type="application/json">` (report/html_plan.py: compact JSON with `<`, `>`, `&`
escaped, or gzip + base64 when big) and report.js builds 25 rows at a time.  As a last
guard, "://" in any data is written as an entity (HTML) or `\\/` (JSON), so the file never
holds a URL.  Every number shown comes from report/counts.py, as in the other formats.

Big exports: at most MAX_ROWS_PER_ENTITY records per entity (problems first) are in the
page, which says so; every action is in `plan --output csv:PATH`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from roster_lint import __version__
from roster_lint.catalogue import catalogue
from roster_lint.errors import UsageError
from roster_lint.predict.model import Plan
from roster_lint.report import html_plan
from roster_lint.report.counts import NOT_SYNCED, PlanCounts, plan_counts
from roster_lint.report.fix_first import fix_first
from roster_lint.report.order import group_findings
from roster_lint.report.text import ENTITY_PLURAL
from roster_lint.words import codes_last, plain_source

if TYPE_CHECKING:
    from roster_lint.diff.model import DiffResult
    from roster_lint.model import Export
    from roster_lint.results import CheckResult

MAX_ROWS_PER_ENTITY = html_plan.MAX_ROWS
CHECK_MAX_ROWS = 5000  # per entity on check's page (the plan page holds MAX_ROWS_PER_ENTITY)
MAX_FINDINGS_PER_RULE = 100
MAX_LIST = 1000  # follow-ups, root causes, notes
MAX_DIFF_ROWS = 500  # records per file and kind on the diff page (all are in the JSON)
SEVERITIES = ("error", "warning", "info")
MAX_BARS = 25  # schools in the chart; the rest are summed in one line
HERE = Path(__file__).resolve().parent


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return Markup(str(escape(str(value))).replace("://", ":&#47;/"))


def _ticks(text: Any) -> Markup:
    """Escaped text with `backticked` spans (catalogue and message style) as <code>."""
    parts = str(text if text is not None else "").split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: leave the text as it is
        return Markup(_finalize(str(text)))
    return Markup("").join(
        Markup("<code>%s</code>") % _finalize(p) if i % 2 else _finalize(p)
        for i, p in enumerate(parts)
    )


def _script_text(text: str) -> Markup:
    """JSON text made safe inside <script type="application/json"> (no `</`, `<!--`)."""
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, esc)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text.replace("://", ":\\/\\/"))


def generated_at(generated: str | None = None) -> str:
    """When the report was made: `generated`, else SOURCE_DATE_EPOCH (reproducible builds'
    convention, so a golden page stays byte-identical), else now; always UTC."""
    if generated:
        return generated
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch.isdigit() else datetime.now(tz=UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ticks"] = _ticks
    env.filters["num"] = lambda n: f"{int(n):,}"
    env.filters["sevclass"] = lambda s: s if s in SEVERITIES else "other"
    # behaviour codes out of the prose, to the end; a rule's source in plain words
    env.filters["codes_last"] = codes_last
    env.filters["plain_source"] = plain_source
    return env


@cache
def _asset(name: str) -> str:
    return (HERE / "assets" / name).read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _render(template: str, **context: Any) -> str:
    js = _asset("report.js")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src '{_csp_hash(js)}'; base-uri 'none'; form-action 'none'"
    )
    page = (
        _env()
        .get_template(template)
        .render(
            css=Markup(_asset("report.css")),
            js=Markup(js),
            csp=csp,
            tool_version=__version__,
            **context,
        )
    )
    return page


# ---- check --------------------------------------------------------------------------


def _check_context(result: CheckResult) -> dict[str, Any]:
    exp = result.export
    groups = group_findings(result.findings, MAX_FINDINGS_PER_RULE, result.plan)
    items, more = fix_first(result)
    return {
        "fix_first": items,
        "fix_more": more,
        "export_path": exp.path,
        "version": exp.version or "unknown",
        "files": [(t.path, t.rows, t.mode) for _, t in sorted(exp.tables.items())],
        "rows_read": sum(t.rows for t in exp.tables.values()),
        "summary": result.summary,
        "failed": result.failed,
        "fail_on": result.options.fail_on,
        "groups": groups,
        "max_findings": MAX_FINDINGS_PER_RULE,
    }


# ---- plan ---------------------------------------------------------------------------


def _chart(title: str, rows: list[tuple[str, str, int]], what: str) -> dict[str, Any]:
    """Bars as percentages of the largest: the template draws them as SVG rects."""
    shown, rest = rows[:MAX_BARS], rows[MAX_BARS:]
    top = max((v for _, _, v in shown), default=0)
    bars = [
        {"label": lab, "title": tip, "value": v, "width": round(100 * v / top, 2) if top else 0}
        for lab, tip, v in shown
    ]
    note = None
    if rest:
        note = f"and {len(rest):,} more {what} with {sum(v for _, _, v in rest):,} users"
    return {"title": title, "bars": bars, "note": note}


def _audience_charts(c: PlanCounts) -> list[dict[str, Any]]:
    """Who gets accounts, by school, role and grade (SK-A9), from the one set of counts."""
    if not c.people:
        return []
    schools = sorted((s for s in c.schools if s.people), key=lambda s: (-s.people, s.school))
    grades = [(g, g, n) for g, n in c.by_grade.items()]
    if c.staff:
        grades.append(("staff", "staff: no grade expected", c.staff))
    return [
        _chart(
            "By school (a person at two schools in both)",
            [(s.name or s.school, f"{s.name or ''} ({s.school})", s.people) for s in schools],
            "schools",
        ),
        _chart("By role (each person once)", [(r, r, n) for r, n in c.by_role.items()], "roles"),
        _chart("By grade (students; staff apart)", grades, "grades"),
    ]


def _reason_rows(rows: list[Any]) -> list[dict[str, Any]]:
    cat = catalogue()
    out = []
    for r in rows:
        rule = cat.get(r.reason)
        out.append({**vars(r), "title": rule.title if rule is not None else ""})
    return out


def _plan_context(
    plan: Plan, export: Export | None = None, cap: int | None = None
) -> dict[str, Any]:
    c = plan_counts(plan)
    data = html_plan.plan_data(plan, export, MAX_ROWS_PER_ENTITY if cap is None else cap)
    encoding, text = html_plan.encode(data, html_plan.GZIP_OVER)
    shown = {e["entity"]: len(e["id"]) for e in data["entities"]}
    not_synced = sum(n for e in c.by_action.values() for a, n in e.items() if a in NOT_SYNCED)
    return {
        "plan": plan,
        "counts": c,
        "totals": c.by_action,
        "not_synced": not_synced,
        "entity_labels": ENTITY_PLURAL,
        "charts": _audience_charts(c),
        "first_reasons": _reason_rows(c.first_reason),
        "reason_titles": data["reasonTitles"],
        "any_reasons": _reason_rows(c.any_reason),
        "root_causes": plan.root_causes[:MAX_LIST],
        "followups": plan.followups[:MAX_LIST],
        "notes": plan.notes[:MAX_LIST],
        "max_list": MAX_LIST,
        "shown": shown,
        "max_rows": MAX_ROWS_PER_ENTITY,
        "plan_encoding": encoding,
        "plan_data": _script_text(text) if encoding == "json" else Markup(text),
    }


# ---- diff ---------------------------------------------------------------------------

DIFF_KINDS = ("changed", "added", "removed")  # changes first: they carry old -> new


def _plain(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value) or "(none)"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


def _diff_record(kind: str, r: Mapping[str, Any]) -> dict[str, Any]:
    """One record as words: id, where, what the sync does with it, and what changed."""
    line = r.get("line")
    side = "OLD" if kind == "removed" else "NEW"
    if r.get("line_old") is not None:
        where = f"OLD line {r['line_old']} → NEW line {line}"
    else:
        where = f"{side} line {line}" if line is not None else ""
    values = r.get("values")  # the histdiff branch's old -> new per column, when present
    changes: list[tuple[str, str, str]] = []
    if isinstance(values, Mapping):
        for col, v in values.items():
            if isinstance(v, Mapping):
                changes.append((str(col), _plain(v.get("old")), _plain(v.get("new"))))
    columns = [str(c) for c in r.get("columns") or [] if str(c) not in {c for c, _, _ in changes}]
    action = r.get("action") or ""
    reasons = [str(x) for x in r.get("reasons") or []]
    cat = catalogue()
    words = [rule.title if (rule := cat.get(x)) is not None else x for x in reasons]
    if not action and kind == "removed":
        # a transfer's removed half: the record lives on under its new id (the added half)
        sync = "nothing for this id: the record carries on as an added one (a move)"
    elif not action:
        sync = ""
    else:
        sync = action + (f": {'; '.join(words)}" if words else "")
    if not changes and not columns:
        columns = ["(the whole record)"] if kind != "changed" else []
    return {
        "id": str(r.get("sourcedId") or r.get("id") or ""),
        "where": where,
        "sync": sync,
        "action": action,
        "changes": changes,
        "columns": columns,
    }


def _diff_context(doc: Mapping[str, Any]) -> dict[str, Any]:
    files = []
    for f in doc.get("files") or []:
        recs = f.get("records") or {}
        kinds = []
        for kind in DIFF_KINDS:
            rows = list(recs.get(kind) or [])
            kinds.append(
                {
                    "kind": kind,
                    "total": len(rows),
                    "rows": [_diff_record(kind, r) for r in rows[:MAX_DIFF_ROWS]],
                }
            )
        files.append(
            {
                "file": f.get("file"),
                "status": f.get("status"),
                "rows": f.get("rows") or {},
                "counts": {k: int(f.get(k) or 0) for k in DIFF_KINDS},
                "columns_changed": f.get("columns_changed") or {},
                "header": f.get("header") or {},
                "duplicates": f.get("duplicate_keys") or {},
                "matched_by": f.get("key_note") or "",
                "kinds": kinds,
            }
        )
    sync = doc.get("sync") or {}

    def side(key: str) -> dict[str, Any]:
        d = doc.get(key) or {}
        return {"path": d.get("path") or "", "oneroster_version": d.get("oneroster_version")}

    return {
        "old": side("old"),
        "new": side("new"),
        "summary": doc.get("summary") or {},
        "sync_available": bool(sync.get("available")),
        "will_not": list(sync.get("will_not") or []),
        "will": list(sync.get("will") or []),
        "sync_totals": sync.get("totals") or {},
        "files": files,
        "changed_files": [
            f for f in files if any(f["counts"].values()) or f["status"] != "compared"
        ],
        "manifest": list(doc.get("manifest") or []),
        "warnings": list(doc.get("warnings") or []),
        "max_rows": MAX_DIFF_ROWS,
    }


# ---- public -------------------------------------------------------------------------


def render_check_html(
    result: CheckResult, *, generated: str | None = None, export: Export | None = None
) -> str:
    """The check report; with the plan's dashboard and tables when the result has one."""
    ctx: dict[str, Any] = {
        "kind": "check",
        "generated": generated_at(generated),
        "check": _check_context(result),
        "export_path": result.export.path,
        "previous_path": None,
    }
    if result.plan is not None:
        # check's page is about the findings: the plan's records are a sample there
        ctx.update(_plan_context(result.plan, export or result.export, CHECK_MAX_ROWS))
    else:
        ctx["plan"] = None
    return _render("report.html.j2", **ctx)


def render_plan_html(
    plan: Plan,
    result: CheckResult | None = None,
    *,
    generated: str | None = None,
    export: Export | None = None,
    previous: Export | None = None,
) -> str:
    """The plan report; with the findings too when a check result is given."""
    exp = export or (result.export if result is not None else None)
    ctx: dict[str, Any] = {
        "kind": "plan",
        "generated": generated_at(generated),
        "export_path": exp.path if exp is not None else None,
        "previous_path": previous.path if previous is not None else None,
    }
    ctx["check"] = _check_context(result) if result is not None else None
    ctx.update(_plan_context(plan, exp))
    return _render("report.html.j2", **ctx)


def _diff_doc(diff: DiffResult) -> Mapping[str, Any]:
    try:
        from roster_lint.report.diff_json import diff_document
    except ImportError:
        to_json = getattr(diff, "to_json", None)
        if to_json is None:
            raise UsageError("the HTML diff report is not available in this build") from None
        return dict(to_json())
    return diff_document(diff)


def render_diff_html(diff: DiffResult, *, generated: str | None = None) -> str:
    """The diff report: what the sync will not do first, then the records file by file."""
    return render_diff_doc_html(_diff_doc(diff), generated=generated)


def render_diff_doc_html(doc: Mapping[str, Any], *, generated: str | None = None) -> str:
    """The diff page from diff_json's document (tests give documents directly)."""
    return _render(
        "diff.html.j2", kind="diff", generated=generated_at(generated), **_diff_context(doc)
    )
