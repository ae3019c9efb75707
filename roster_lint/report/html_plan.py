"""The plan page's data: every record the page can show, as compact columnar JSON.

A 200k-student plan has ~1.5M actions: as HTML rows that is hundreds of MB.  The page
instead carries, per entity, one array per column with the repeated values (action, reason
set, school, file, detail) dictionary-encoded as small integers, and builds only the rows of
the page shown (report.js).  Above GZIP_OVER bytes the JSON is gzipped (mtime 0, so the
page stays byte-identical) and base64-encoded; the browser's DecompressionStream undoes it.
Rows per entity are capped at MAX_ROWS (problems first); the page says how many it shows
and that `plan --output csv:PATH` has every action (docs/reports.md).

Details are written in plain words here, once per distinct detail (a few thousand at most:
details are built from a handful of columns), never per row.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint.catalogue import catalogue
from roster_lint.predict.model import ENTITIES, Plan
from roster_lint.report.text import ENTITY_PLURAL

if TYPE_CHECKING:
    from roster_lint.model import Export

MAX_ROWS = 100_000  # per entity, problems first (docs/reports.md: why this size)
GZIP_OVER = 200_000  # bytes of JSON: smaller pages stay plain (readable, synchronous)
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
PERSON_COLUMNS = ("name", "username", "email", "grade")


def _codes(s: pl.Series) -> tuple[list[int], list[Any]]:
    """(codes, values): each value once, in order of first appearance."""
    values = s.unique(maintain_order=True)
    codes = s.replace_strict(values, pl.int_range(values.len(), eager=True), return_dtype=pl.Int32)
    return codes.to_list(), values.to_list()


def _rows(plan: Plan, entity: str, cap: int) -> tuple[pl.DataFrame, int]:
    """(the entity's first `cap` actions, problems first, every column; how many it has).
    The order is found on the row numbers, action and rank alone, and only the rows shown
    are gathered (their reasons made: Plan.rows_at); filtering and sorting `plan.actions`
    made every deferred reasons list and copied every column of 7M enrollments."""
    actions, _ = plan.keyed_actions()
    order = {a: i for i, a in enumerate(ACTION_ORDER)}
    rank = (
        pl.col("action")
        .cast(pl.String)
        .replace_strict(order, default=len(order), return_dtype=pl.Int32)
    )
    # A stable sort keeps the plan's own order inside each action.
    present = (
        actions.select("entity", "action")
        .with_row_index("_i")
        .filter(pl.col("entity") == entity)
        .select("_i", rank.alias("_rank"))
    )
    at = present.sort("_rank", maintain_order=True)["_i"].head(cap)
    return plan.rows_at(at), present.height


def school_names(plan: Plan, export: Export | None) -> dict[str, str]:
    names: dict[str, str] = {}
    orgs = export.frame("orgs.csv") if export is not None else None
    if orgs is not None and {"sourcedId", "name"} <= set(orgs.columns):
        for sid, name in orgs.select("sourcedId", "name").iter_rows():
            if sid is not None and name:
                names.setdefault(sid, name)
    a = plan.audience
    if {"school", "school_name"} <= set(a.columns):
        pairs = a.select("school", "school_name").drop_nulls().sort(["school", "school_name"])
        for sid, name in pairs.iter_rows():
            if sid is not None and name:
                names.setdefault(sid, name)
    for rc in plan.root_causes:
        if rc.entity == "school" and rc.label.endswith(f" ({rc.id})"):
            names.setdefault(rc.id, rc.label[: -len(f" ({rc.id})")])
    return names


def _people(export: Export | None) -> pl.DataFrame | None:
    """id, name, username, email, grade of every user in users.csv (None without it)."""
    users = export.frame("users.csv") if export is not None else None
    if users is None or "sourcedId" not in users.columns:
        return None

    def col(name: str) -> pl.Expr:
        return pl.col(name).fill_null("") if name in users.columns else pl.lit("")

    name = pl.concat_str([col("givenName"), col("familyName")], separator=" ").str.strip_chars()
    return users.select(
        pl.col("sourcedId").alias("id"),
        name.alias("name"),
        col("username").alias("username"),
        col("email").alias("email"),
        col("grades").alias("grade"),
    ).unique("id", keep="first", maintain_order=True)


def _school_text(ids: Any, names: Mapping[str, str]) -> str:
    if not isinstance(ids, list):
        ids = [ids]
    return ", ".join(f"{names[i]} ({i})" if i in names else str(i) for i in ids)


def readable(detail: str | None, names: Mapping[str, str]) -> str:
    """An action's detail JSON in plain words (contract.md's members; others as key: value)."""
    try:
        d = json.loads(detail) if detail else {}
    except ValueError:
        return str(detail)
    if not isinstance(d, dict):
        return str(d)
    parts: list[str] = []
    for key, value in d.items():
        if key == "summit_role":
            parts.append(f"Summit K12 role {value}")
        elif key == "schools":
            parts.append(f"at {_school_text(value, names)}")
        elif key == "schools_not_synced":
            parts.append(f"not synced at {_school_text(value, names)}")
        elif key == "from":
            parts.append(f"moves from {_school_text(value, names)}")
        elif key == "to":
            parts.append(f"to {_school_text(value, names)}")
        elif key == "nces_id":
            parts.append(f"NCES ID {value}")
        elif key == "grades" and isinstance(value, dict):
            split = ", ".join(f"grade {g}: {n} students" for g, n in value.items())
            parts.append(f"split by grade ({split})")
        elif key == "grade_class":
            parts.append(f"in the grade {value} class")
        elif key == "not_documented" and isinstance(value, list):
            parts.append("decided by a choice the vendor does not document: " + ", ".join(value))
        elif isinstance(value, (list, dict)):
            parts.append(f"{key.replace('_', ' ')}: {json.dumps(value, ensure_ascii=False)}")
        else:
            parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def _entity_data(
    plan: Plan,
    entity: str,
    cap: int,
    names: Mapping[str, str],
    people: pl.DataFrame | None,
    dicts: dict[str, dict[Any, int]],
) -> dict[str, Any]:
    rows, total = _rows(plan, entity, cap)

    def code(kind: str, values: list[Any]) -> list[int]:
        table = dicts[kind]
        return [table.setdefault(v, len(table)) for v in values]

    reasons = rows["reasons"].list.join("\x1f").fill_null("")
    details, detail_values = _codes(rows["detail"].fill_null("{}"))
    detail_text = [readable(d, names) for d in detail_values]
    out: dict[str, Any] = {
        "entity": entity,
        "label": ENTITY_PLURAL.get(entity, entity),
        "total": total,
        "id": rows["id"].fill_null("").to_list(),
        "action": code("action", rows["action"].cast(pl.String).to_list()),
        "reasons": code("reasons", reasons.to_list()),
        "school": code("school", rows["school"].fill_null("").to_list()),
        "file": code("file", rows["file"].cast(pl.String).fill_null("").to_list()),
        # Lines as differences from the row before (mostly 1 in file order): ~0 bytes
        # gzipped instead of ~2 per row; report.js adds them back up.
        "line": rows.select(pl.col("line").fill_null(0).diff().fill_null(pl.col("line").first()))
        .to_series()
        .fill_null(0)
        .to_list(),
        "detail": details,
        "details": detail_text,
    }
    if entity == "user" and people is not None:
        joined = rows.select("id").join(people, on="id", how="left", maintain_order="left")
        for c in PERSON_COLUMNS:
            out[c] = joined[c].fill_null("").to_list()
        out["email"] = _emails(joined, dicts["domain"])
    return out


def _emails(people: pl.DataFrame, domains: dict[Any, int]) -> list[Any]:
    """An e-mail that is the username at a domain is written as that domain's number
    (report.js rebuilds it): most districts' e-mails are, and it halves the users' bytes."""
    user = pl.col("username").fill_null("")
    email = pl.col("email").fill_null("")
    dom = email.str.strip_prefix(user + "@")
    derived = (user != "") & email.str.starts_with(user + "@") & ~dom.str.contains("@")
    frame = people.select(pl.when(derived).then(dom).alias("dom"), email.alias("email"))
    out: list[Any] = []
    for d, e in frame.iter_rows():
        out.append(domains.setdefault(d, len(domains)) if d is not None else e)
    return out


def plan_data(plan: Plan, export: Export | None = None, cap: int = MAX_ROWS) -> dict[str, Any]:
    """The page's data (module docstring): dictionaries, then one block per entity."""
    names = school_names(plan, export)
    people = _people(export)
    dicts: dict[str, dict[Any, int]] = {
        "action": {},
        "reasons": {},
        "school": {},
        "file": {},
        "domain": {},
    }
    totals = plan.totals()
    entities = [_entity_data(plan, e, cap, names, people, dicts) for e in ENTITIES if e in totals]
    cat = catalogue()
    reason_sets = [r.split("\x1f") if r else [] for r in dicts["reasons"]]
    codes = sorted({r for rs in reason_sets for r in rs})
    titles = {}
    for r in codes:
        rule = cat.get(r)
        titles[r] = rule.title if rule is not None else ""
    return {
        "actions": list(dicts["action"]),
        "reasonSets": reason_sets,
        "reasonTitles": titles,
        "schools": [[s, names.get(s, "")] for s in dicts["school"]],
        "files": list(dicts["file"]),
        "domains": list(dicts["domain"]),
        "entities": entities,
        "followups": [[f.kind, f.entity, f.id, f.message] for f in plan.followups],
    }


def encode(data: dict[str, Any], gzip_over: int = GZIP_OVER) -> tuple[str, str]:
    """(encoding, text) for the page: plain JSON, or gzip+base64 when it is big."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text) <= gzip_over:
        return "json", text
    packed = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    return "gzip-base64", base64.b64encode(packed).decode("ascii")
