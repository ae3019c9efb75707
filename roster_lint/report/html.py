"""The HTML report: one self-contained page for `check`, `plan` and `diff`.

Rendered from jinja2 templates (report/templates/) with autoescape on; CSS and JS are our
own files (report/assets/) inlined, charts are SVG computed here, and the page's own
Content-Security-Policy forbids every request (`default-src 'none'`) and every script but
ours (by hash).  Data for the JS tables travels as JSON inside
`<script type="application/json">` with `<`, `>`, `&` escaped.  As a last guard, "://" in
any data is written as an entity (HTML) or `\\/` (JSON), so the file never holds a URL.

Big exports: each plan table carries at most MAX_ROWS_PER_ENTITY rows (problems first) and
says "showing N of M"; the complete list is `plan --format json`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from roster_lint import __version__
from roster_lint.catalogue import catalogue
from roster_lint.errors import UsageError
from roster_lint.predict.model import ENTITIES, Plan
from roster_lint.report.order import fix_first, group_findings
from roster_lint.report.text import ENTITY_PLURAL
from roster_lint.words import codes_last, plain_source

if TYPE_CHECKING:
    from roster_lint.diff.model import DiffResult
    from roster_lint.results import CheckResult

MAX_ROWS_PER_ENTITY = 5000
MAX_FINDINGS_PER_RULE = 100
MAX_LIST = 1000  # follow-ups, root causes, notes
# Problems first, so a capped table still shows what needs attention.
ACTION_ORDER = (
    "skip",
    "retain",
    "split",
    "needs-mapping",
    "unverified",
    "unenroll",
    "transfer",
    "update",
    "create",
    "enroll",
    "sync",
    "mapped",
    "unchanged",
)
SEVERITIES = ("error", "warning", "info")
MAX_BARS = 25  # schools in the chart; the rest are summed in one line
HERE = Path(__file__).resolve().parent
# Grade order for the chart: CEDS codes in school order, anything else after, by name.
GRADE_ORDER = ["IT", "PR", "PK", "TK", "KG", *[f"{g:02d}" for g in range(1, 14)], "PS", "UG"]
PLAN_COLUMNS = ("id", "action", "reasons", "school", "where", "detail")


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


def script_json(obj: Any) -> Markup:
    """JSON that is safe inside <script type="application/json"> and holds no URL."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, esc)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text.replace("://", ":\\/\\/"))


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


def _reason_counts(actions: pl.DataFrame) -> list[dict[str, Any]]:
    """How many entities each reason skips or retains, most first."""
    cat = catalogue()
    counts = (
        actions.lazy()
        .filter(pl.col("action").is_in(["skip", "retain"]))
        .select("entity", "action", "reasons")
        .explode("reasons")
        .group_by(["entity", "action", "reasons"])
        .len()
        .sort(["len", "entity", "action", "reasons"], descending=[True, False, False, False])
        .collect()
    )
    out = []
    for entity, action, reason, n in counts.iter_rows():
        rule = cat.get(reason) if reason else None
        out.append(
            {
                "entity": entity,
                "action": action,
                "reason": reason or "(no reason given)",
                "title": rule.title if rule is not None else "",
                "count": n,
            }
        )
    return out


def _entity_rows(actions: pl.DataFrame, entity: str, cap: int) -> list[pl.DataFrame]:
    parts: list[pl.DataFrame] = []
    left = cap
    present = actions.lazy().filter(pl.col("entity") == entity)
    known = list(ACTION_ORDER)
    others = sorted(
        set(present.select(pl.col("action").unique()).collect()["action"].drop_nulls()) - set(known)
    )
    for action in [*known, *others]:
        if left <= 0:
            break
        part = present.filter(pl.col("action") == action).head(left).collect()
        if part.height:
            parts.append(part)
            left -= part.height
    return parts


def _plan_tables(plan: Plan, cap: int) -> list[dict[str, Any]]:
    totals = plan.totals()
    tables = []
    for entity in ENTITIES:
        if entity not in totals:
            continue
        parts = _entity_rows(plan.actions, entity, cap)
        shown = pl.concat(parts) if parts else plan.actions.head(0)
        where = pl.when(pl.col("line").is_not_null()).then(
            pl.concat_str([pl.col("file"), pl.col("line").cast(pl.String)], separator=":")
        )
        rows = shown.select(
            pl.col("id").fill_null(""),
            pl.col("action").fill_null(""),
            pl.col("reasons").list.join(", ").fill_null(""),
            pl.col("school").fill_null(""),
            where.otherwise(pl.col("file")).fill_null(""),
            pl.col("detail").fill_null(""),
        ).rows()
        tables.append(
            {
                "entity": entity,
                "label": ENTITY_PLURAL.get(entity, entity),
                "total": sum(totals[entity].values()),
                "shown": len(rows),
                "actions": totals[entity],
                "rows": [list(r) for r in rows],
            }
        )
    return tables


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


def _grade_key(grade: str | None) -> tuple[int, str]:
    if grade is None:
        return (len(GRADE_ORDER) + 1, "")
    if grade in GRADE_ORDER:
        return (GRADE_ORDER.index(grade), grade)
    return (len(GRADE_ORDER), grade)


def _audience_charts(audience: pl.DataFrame) -> list[dict[str, Any]]:
    """Who gets accounts, by school, role and grade (SK-A9), from the aggregated audience."""
    need = {"school", "school_name", "summit_role", "grade", "users"}
    if not need <= set(audience.columns) or audience.height == 0:
        return []
    users = pl.col("users").cast(pl.Int64).sum()
    schools = (
        audience.group_by("school")
        .agg(users, pl.col("school_name").drop_nulls().sort().first())
        .sort(["users", "school"], descending=[True, False], nulls_last=True)
    )
    roles = audience.group_by("summit_role").agg(users)
    roles = roles.sort(["users", "summit_role"], descending=[True, False], nulls_last=True)
    grades = audience.group_by("grade").agg(users).rows()
    grades.sort(key=lambda r: _grade_key(r[0]))
    return [
        _chart(
            "By school",
            [(n or s or "(no school)", f"{n or ''} ({s})", u) for s, u, n in schools.rows()],
            "schools",
        ),
        _chart("By role", [(r or "(no role)", r or "", u) for r, u in roles.rows()], "roles"),
        _chart("By grade", [(g or "(no grade)", g or "", u) for g, u in grades], "grades"),
    ]


def _plan_context(plan: Plan) -> dict[str, Any]:
    tables = _plan_tables(plan, MAX_ROWS_PER_ENTITY)
    data = {
        "columns": PLAN_COLUMNS,
        "entities": [{k: t[k] for k in ("entity", "rows")} for t in tables],
    }
    return {
        "plan": plan,
        "totals": plan.totals(),
        "entity_labels": ENTITY_PLURAL,
        "charts": _audience_charts(plan.audience),
        "reasons": _reason_counts(plan.actions),
        "root_causes": plan.root_causes[:MAX_LIST],
        "followups": plan.followups[:MAX_LIST],
        "notes": plan.notes[:MAX_LIST],
        "max_list": MAX_LIST,
        "tables": tables,
        "max_rows": MAX_ROWS_PER_ENTITY,
        "plan_data": script_json(data),
    }


# ---- diff: any JSON document, rendered generically ----------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _node(value: Any, cap: int, depth: int = 0) -> dict[str, Any]:
    """A JSON value as nested dicts, tables (lists of flat objects, capped) and lists."""
    if depth > 6:
        return {"kind": "scalar", "text": _cell(value)}
    if isinstance(value, Mapping):
        items = [(str(k), _node(v, cap, depth + 1)) for k, v in value.items()]
        return {"kind": "dict", "items": items}
    if not isinstance(value, (list, tuple)):
        return {"kind": "scalar", "text": _cell(value)}
    total, head = len(value), value[: cap if depth <= 1 else min(cap, 1000)]
    if value and all(isinstance(x, Mapping) for x in value):
        if all(_scalar(v) for x in head for v in x.values()):
            cols: list[str] = []
            for x in head:
                cols.extend(str(k) for k in x if str(k) not in cols)
            rows = [[_cell(x.get(c)) for c in cols] for x in head]
            return {"kind": "table", "columns": cols, "rows": rows, "total": total}
        # objects with nested parts: one block each, titled by their first plain fields
        blocks = []
        for x in head:
            title = " · ".join(f"{k}: {_cell(v)}" for k, v in x.items() if _scalar(v))
            blocks.append({"title": title[:200], "node": _node(x, cap, depth + 1)})
        return {"kind": "blocks", "blocks": blocks, "total": total}
    return {"kind": "list", "items": [_cell(x) for x in head], "total": total}


# ---- public -------------------------------------------------------------------------


def render_check_html(result: CheckResult, *, generated: str | None = None) -> str:
    """The check report; with the plan's dashboard and tables when the result has one."""
    ctx: dict[str, Any] = {"kind": "check", "generated": generated, "check": _check_context(result)}
    ctx.update(_plan_context(result.plan) if result.plan is not None else {"plan": None})
    return _render("report.html.j2", **ctx)


def render_plan_html(
    plan: Plan, result: CheckResult | None = None, *, generated: str | None = None
) -> str:
    """The plan report; with the findings too when a check result is given."""
    ctx: dict[str, Any] = {"kind": "plan", "generated": generated}
    ctx["check"] = _check_context(result) if result is not None else None
    ctx.update(_plan_context(plan))
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
    """The diff report, rendered generically from the diff's JSON document."""
    doc = _diff_doc(diff)
    return _render(
        "diff.html.j2",
        kind="diff",
        generated=generated,
        sections=[(str(k), _node(v, MAX_ROWS_PER_ENTITY)) for k, v in doc.items()],
    )
