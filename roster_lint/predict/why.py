"""`why`: one entity's action and the chain of checks that decided it.

Nothing is decided here.  The action and reasons are the plan's; the steps, their order
(the plan's precedence) and the reasons that fail each one are the registry's
(rules/sync/reasons.toml).  A step is `false` when one of its reasons is among the plan's,
`null` when the data it reads could not be read (a file broken or not read in this mode,
or a record it needs is missing) or when a not-documented choice set its reason aside
(history.SET_ASIDE: the vendor does not say), `true` otherwise (contract.md).  Each step shows the
facts behind it (`data`, rendered into its `detail`): the entity's rows, and the plan's
actions of the records it points at.  Only one entity is looked up: each frame is filtered
once by a whole-column expression, the rest is plain Python on a handful of rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint.errors import UsageError
from roster_lint.model import Export
from roster_lint.predict.history import SET_ASIDE
from roster_lint.predict.inputs import Inputs, read_inputs
from roster_lint.predict.model import Plan, WhyResult
from roster_lint.predict.profile import Profile, load_profile
from roster_lint.predict.registry import load_registry
from roster_lint.predict.why_detail import sentence
from roster_lint.words import cut_off

if TYPE_CHECKING:
    from roster_lint.options import Options

KINDS = ("user", "class", "school", "course", "enrollment")

# Per kind, in the plan's order (the registry's): (step, reasons that make it fail).
STEPS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    kind: load_registry().steps(kind) for kind in KINDS
}
UNREAD = ("broken", "ignored")  # file states whose data the sync does not read


def _variants(col: pl.Expr, ident: str) -> pl.Expr:
    """Same text up to case and surrounding whitespace (what a typo in a ticket looks like)."""
    return col.str.strip_chars().str.to_lowercase() == ident.strip().lower()


def _resolve(plan: Plan, inp: Inputs, kind: str, ident: str) -> tuple[str, str]:
    """The sourcedId and how it was found (users also by username or e-mail, in any case);
    a UsageError naming where an absent id is referenced, or near matches, otherwise."""
    ids = plan.actions.filter(pl.col("entity") == kind)["id"]
    if ids.eq(ident).any():
        return ident, "sourcedId"
    if kind == "user":
        for col in ("username", "email"):
            hit = inp.users.filter(pl.col(col) == ident)
            if hit.height == 0:  # any case: an e-mail in a ticket is rarely typed as stored
                hit = inp.users.filter(
                    (pl.col(col) != "") & (pl.col(col).str.to_lowercase() == ident.lower())
                )
            if hit.height:
                return str(hit["uid"][0]), col
    where = _referenced(inp, kind, ident)
    near_ids = ids.to_frame("id").filter(_variants(pl.col("id"), ident))["id"]
    near = near_ids.unique().sort().head(3).to_list()
    if kind == "user":
        users = inp.users.filter(
            _variants(pl.col("username"), ident) | _variants(pl.col("email"), ident)
        )
        near += [u for u in users["uid"].head(3).to_list() if u not in near]
    hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    cut = inp.cut.get(_FILES[kind])
    if cut is not None:  # the id may be one of the records after the cut
        hint += f"; {cut_off(_FILES[kind], cut)}"
    if where:
        raise UsageError(f"{kind} {ident!r} is not in {_FILES[kind]}; {where}{hint}")
    raise UsageError(f"no {kind} {ident!r} in the plan of this export{hint}")


_FILES = {
    "user": "users.csv",
    "class": "classes.csv",
    "school": "orgs.csv",
    "course": "courses.csv",
    "enrollment": "enrollments.csv",
}
# Where an id of each kind is referenced: (frame of Inputs, its column, its file).
_REFS = {
    "user": [("enrollments", "uid", "enrollments.csv")],
    "class": [("enrollments", "cid", "enrollments.csv")],
    "course": [("classes", "course", "classes.csv")],
    "school": [("classes", "school", "classes.csv"), ("enrollments", "school", "enrollments.csv")],
}


def _referenced(inp: Inputs, kind: str, ident: str) -> str:
    """'enrollments.csv:12080 points at it (and 3 more rows)' for an id that is absent from
    its own file but referenced by another, else ''."""
    refs = [
        (getattr(inp, f).filter(pl.col(c) == ident)["line"], n) for f, c, n in _REFS.get(kind, [])
    ]
    if kind == "school":
        refs.append((inp.users.filter(pl.col("schools").list.contains(ident))["line"], "users.csv"))
    for lines, name in refs:
        if lines.len():
            more = f" (and {lines.len() - 1:,} more rows)" if lines.len() > 1 else ""
            return f"{inp.paths.get(name, name)}:{lines.sort()[0]} points at it{more}"
    return ""


def render_detail(ctx: Ctx, kind: str, step: str, failed: list[str], data: dict[str, Any]) -> str:
    p = ctx.profile
    return sentence(kind, step, failed, data, p.nces.sources, p.enrollments.unenroll_status)


@dataclass
class Ctx:
    """Everything a step may look at, for one entity."""

    export: Export
    plan: Plan
    inp: Inputs
    profile: Profile
    opts: Options | None
    act: dict[str, Any]
    detail: dict[str, Any]
    found_by: str

    def own(self, frame: pl.DataFrame) -> dict[str, Any]:
        """The entity's own input row (by line: duplicated ids keep their own row)."""
        if self.act["line"] is None or frame.height == 0:
            return {}
        hit = frame.filter(pl.col("line") == self.act["line"])
        return hit.row(0, named=True) if hit.height else {}

    def action_of(self, entity: str, ident: str, *, detail: bool = False) -> dict[str, Any]:
        """The plan's action (and reasons, and detail if asked) of a record pointed at."""
        a = self.plan.actions
        hit = a.filter((pl.col("entity") == entity) & (pl.col("id") == ident))
        if hit.height == 0:
            return {"action": None}
        row = hit.row(0, named=True)
        out = {"action": row["action"], "reasons": list(row["reasons"])}
        if detail:
            out["detail"] = json.loads(row["detail"])
        return out

    def where(self, name: str, frame: pl.DataFrame, key: str, ident: str) -> dict[str, Any]:
        """Where a referenced record is, or that it is missing (with near matches)."""
        hit = frame.filter(pl.col(key) == ident)
        if hit.height:
            return {"id": ident, "file": self.inp.paths.get(name, name), "line": hit["line"][0]}
        near = frame.filter(_variants(pl.col(key), ident))[key].unique().sort().head(3)
        out: dict[str, Any] = {"id": ident, "file": None}
        if near.len():
            out["did_you_mean"] = near.to_list()
        return out


def _school(ctx: Ctx, oid: str) -> dict[str, Any]:
    """An org as SK-A5 reads it: each NCES source column's value, or that it is absent, and
    the NCES ID the plan found (its school action's detail)."""
    out = ctx.where("orgs.csv", ctx.inp.orgs, "oid", oid)
    t = ctx.export.table("orgs.csv")
    if out["file"] is None or t is None:
        return out
    row = ctx.inp.orgs.filter(pl.col("oid") == oid).row(0, named=True)
    out.update(name=row["name"], type=row["type"])
    absent: list[str] = []
    for i, src in enumerate(ctx.profile.nces.sources):
        if src != "sourcedId" and not t.has(src):
            absent.append(src)
        elif src != "sourcedId":
            out[src] = str(row[f"nces_{i}"])
    out["absent_columns"] = absent
    school = ctx.action_of("school", oid, detail=True)
    out["nces_id"] = school.get("detail", {}).get("nces_id")
    return out


def _user_steps(ctx: Ctx, step: str) -> dict[str, Any]:
    inp, act = ctx.inp, ctx.act
    row = ctx.own(inp.users)
    if not row:
        prev = {k: ctx.detail.get(k) for k in ("summit_role", "schools")}
        return (
            {"in_users_csv": False, "previous_account": prev}
            if step
            in (
                "in the Users file",
                "still shared",
            )
            else {}
        )
    if step == "in the Users file":
        return {
            "file": act["file"],
            "line": act["line"],
            "found_by": ctx.found_by,
            "username": row["username"],
            "email": row["email"],
            **_read(inp, "users.csv"),
        }
    if step == "role gets an account":
        roles = ctx.profile.role_map(inp.version)
        out: dict[str, Any] = {"role": row["role"], "summit_role": roles.get(row["role"])}
        if inp.version == "1.2":
            out["from"] = inp.paths.get("roles.csv", "roles.csv")
        out["roles_with_accounts"] = list(roles)
        if out["summit_role"] is not None:  # SK-A9: how the district keeps someone out
            out["filter"] = "remove the user's row from users.csv to keep them off Summit K12"
        return out
    if step == "status":
        return {"status": row["status"]}
    schools = list(row["schools"] or [])
    if step == "school in the Orgs file":
        found = [ctx.where("orgs.csv", inp.orgs, "oid", s) for s in schools]
        return {"schools": found, **_read(inp, "orgs.csv", "orgs_file_state")}
    if step == "school has an NCES ID":
        known = [s for s in schools if inp.orgs["oid"].eq(s).any()]
        return {"schools": [_school(ctx, s) for s in known]} if known else {"schools": []}
    if step == "still shared":
        out = {"in_users_csv": True, "previous_given": _previous(ctx) is not None}
        if "from" in ctx.detail:
            out.update({"from": ctx.detail["from"], "to": ctx.detail.get("to")})
        return out
    if step == "can sign in (e-mail)":
        out = {"email": row["email"]}
        if row["email"] == "":
            out["warning"] = "user-missing-email: the account is created but cannot sign in (SSO)"
        return out
    return {}


def _previous(ctx: Ctx) -> str | None:
    return ctx.opts.previous if ctx.opts is not None else None


# How SK-C2 was decided, told from the course's first reason in the plan.
DECIDED_BY = {
    "course-mapping-unverified": "unverified: neither --course-map nor --previous was given",
    "course-not-mapped": "not listed in the course map",
    "new-course-needs-mapping": "not in --previous: new to the sync",
    "provisioning-mode": "courses.csv is not read (provisioning-mode)",
    "header-breaks-sync": "courses.csv is not read (header-breaks-sync)",
}


def _course_mapping(ctx: Ctx, course: str) -> dict[str, Any]:
    """How SK-C2 was decided for a course: the plan's course action and its reasons."""
    info = ctx.action_of("course", course)
    reasons, action = info.get("reasons", []), info["action"]
    map_path = ctx.opts.course_map if ctx.opts is not None else None
    if action is None:
        how = "not decided: the course is not in courses.csv"
    elif reasons:
        how = DECIDED_BY[reasons[0]]
    else:
        how = "listed in the course map" if map_path is not None else "present in --previous"
    return {
        "course": course,
        "course_action": action,
        "course_reasons": reasons,
        "course_map": map_path,
        "previous": _previous(ctx),
        "decided_by": how,
    }


def _teachers(ctx: Ctx, cid: str) -> dict[str, Any]:
    """SK-C3's facts: the class's enrollments with the teacher role (the plan decided
    whether one is a primary teacher: class-without-primary-teacher)."""
    c = ctx.profile.classes
    e = ctx.inp.enrollments.filter((pl.col("cid") == cid) & (pl.col("role") == c.teacher_role))
    known = e.select(pl.col("uid").is_in(ctx.inp.users["uid"].implode()).alias("in_users"))
    rows = e.hstack(known).sort("line")
    teachers = [
        {
            "enrollment": r["eid"],
            "file": ctx.inp.paths.get("enrollments.csv", "enrollments.csv"),
            "line": r["line"],
            "user": r["uid"],
            "primary": r["primary"],
            "status": r["status"],
            "user_in_users_csv": r["in_users"],
        }
        for r in rows.iter_rows(named=True)
    ]
    return {"teachers": teachers}


def _student_grades(ctx: Ctx, cid: str) -> dict[str, int]:
    """Students enrolled in the class, counted by their first grade as written."""
    student = ctx.profile.classes.student_role
    e = ctx.inp.enrollments.filter((pl.col("cid") == cid) & (pl.col("role") == student))
    grades = ctx.inp.users.join(e.select("uid"), on="uid", how="semi").select(
        pl.col("grades").str.split(",").list.first().fill_null("").alias("g")
    )
    counts = grades.group_by("g").len().sort("g")
    return {g or "(none)": n for g, n in counts.iter_rows()}


def _read(inp: Inputs, file: str, key: str = "file_state") -> dict[str, Any]:
    """How `file` was read (`key`: its state) and, when it was cut off, where (`_cut`)."""
    return {key: inp.state.get(file), **_cut(inp, file)}


def _cut(inp: Inputs, *files: str) -> dict[str, Any]:
    """`cut_off` (file -> line) for the files read here that were cut off inside a record
    (RL028): a step passed on such a file may have passed for want of the rows after the
    cut.  Absent when no file was cut, so the step's data is as before."""
    cut = {f: inp.cut[f] for f in files if f in inp.cut}
    return {"cut_off": cut} if cut else {}


def _class_steps(ctx: Ctx, step: str) -> dict[str, Any]:
    inp = ctx.inp
    row = ctx.own(inp.classes)
    if step == "mode creates classes":
        return {"mode": inp.mode, "creates_classes": ctx.profile.mode_has_classes(inp.mode)}
    if step == "file processed":
        files = ("classes.csv", "courses.csv", "orgs.csv", "enrollments.csv")
        return {**{f: inp.state.get(f) for f in files}, **_cut(inp, *files)}
    if step == "still shared":
        if not row:
            return {"in_classes_csv": False, "previous": _previous(ctx)}
        return {"in_classes_csv": True, "previous_given": _previous(ctx) is not None}
    if not row:
        return {}
    if step == "course in the Courses file":
        return {"course": ctx.where("courses.csv", inp.courses, "course", row["course"])}
    if step == "course mapped, not new":
        return _course_mapping(ctx, row["course"])
    if step == "primary teacher":
        return _teachers(ctx, row["cid"])
    if step == "school not skipped":
        school = _school(ctx, row["school"])
        school["school_action"] = ctx.action_of("school", row["school"])["action"]
        return {"school": school}
    if step == "one grade (no split)":
        out = {"class_grades": row["grades"], "students": ctx.detail.get("grades")}
        if out["students"] is None:  # not split: say how many students, of which grades
            out["students"] = _student_grades(ctx, row["cid"])
        return out
    return {}


def _enrollment_steps(ctx: Ctx, step: str) -> dict[str, Any]:
    inp = ctx.inp
    row = ctx.own(inp.enrollments)
    if step == "mode enrolls":
        return {"mode": inp.mode, "enrolls": ctx.profile.mode_has_classes(inp.mode)}
    if step == "record in the Enrollment file":
        if not row:  # SK-E4 vs SK-E3: dropped records are not unenrolled
            return {
                "in_enrollments_csv": False,
                "previous": _previous(ctx),
                "class": ctx.detail.get("class"),
                "user": ctx.detail.get("user"),
            }
        return {
            "file": ctx.act["file"],
            "line": ctx.act["line"],
            "class": row["cid"],
            "user": row["uid"],
            "role": row["role"],
            **_read(inp, "enrollments.csv"),
        }
    if not row:
        return {}
    if step == "class in the Classes file":
        return {"class": ctx.where("classes.csv", inp.classes, "cid", row["cid"])}
    if step == "class created":
        return {"class": row["cid"], **ctx.action_of("class", row["cid"])}
    if step == "grade class after a split":
        out: dict[str, Any] = {"grade_class": ctx.detail.get("grade_class")}
        if "from" in ctx.detail:
            out["moved_from_class"] = ctx.detail["from"]
        return out
    if step == "user in the Users file":
        return {"user": ctx.where("users.csv", inp.users, "uid", row["uid"])}
    if step == "user gets an account":
        return {"user": row["uid"], **ctx.action_of("user", row["uid"])}
    if step == "role is enrolled":
        return {"role": row["role"], "enrolled_roles": ctx.profile.enrollments.enrolled_roles}
    if step == "status":
        return {"status": row["status"]}
    return {}


def step_data(ctx: Ctx, kind: str, step: str) -> dict[str, Any]:
    """The values that decided one step (never empty when the entity has a row)."""
    inp = ctx.inp
    if kind == "user":
        return _user_steps(ctx, step)
    if kind == "class":
        return _class_steps(ctx, step)
    if kind == "enrollment":
        return _enrollment_steps(ctx, step)
    if kind == "school":
        if step == "in the Orgs file":
            school = _school(ctx, ctx.act["id"])
            own = ("id", "file", "line", "name", "type")
            return {**_read(inp, "orgs.csv"), **{k: school.get(k) for k in own}}
        school = _school(ctx, ctx.act["id"])
        keep = ctx.profile.nces.sources
        return {k: v for k, v in school.items() if k in (*keep, "absent_columns", "nces_id")}
    if step == "mode reads courses":
        return {"mode": inp.mode, **_read(inp, "courses.csv")}
    return _course_mapping(ctx, ctx.act["id"])


def _unjudged(ctx: Ctx, kind: str, step: str) -> bool:
    """The step's data could not be read: a file it reads is broken or not read in this
    mode, the entity's own row is gone (a retained record), or a record it needs is
    missing.  Such a step is never shown as passed."""
    files = load_registry().entities[kind].needs.get(step, [])
    if not files:
        return False
    if any(ctx.inp.state.get(f) in UNREAD for f in files) or ctx.act["line"] is None:
        return True
    data = step_data(ctx, kind, step)
    if kind == "user" and step == "school has an NCES ID":
        return not data.get("schools")  # none of the user's schools is in orgs.csv
    if kind == "class" and step == "course mapped, not new":
        return data.get("course_action") is None
    if kind == "enrollment" and step in ("class created", "grade class after a split"):
        return ctx.action_of("class", ctx.own(ctx.inp.enrollments).get("cid", ""))["action"] is None
    if kind == "enrollment" and step == "user gets an account":
        return data.get("action") is None
    return False


def explain_entity(
    export: Export, plan: Plan, kind: str, ident: str, opts: Options | None = None
) -> WhyResult:
    if kind not in KINDS:
        raise UsageError(f"KIND must be one of {', '.join(KINDS)}, not {kind!r}")
    profile: Profile = load_profile()
    inp = read_inputs(export, plan.mode, profile)
    sid, found_by = _resolve(plan, inp, kind, ident)
    act = plan.actions.filter((pl.col("entity") == kind) & (pl.col("id") == sid)).row(0, named=True)
    reasons: list[str] = list(act["reasons"])
    detail = json.loads(act["detail"])
    ctx = Ctx(export, plan, inp, profile, opts, act, detail, found_by)
    trace: list[dict[str, Any]] = []
    for step, failing in STEPS[kind]:
        hit = [r for r in failing if r in reasons]
        data = step_data(ctx, kind, step)
        # A reason a not-documented choice set aside still holds, but the vendor does not
        # say what it does to this record: the step is neither passed nor failed (null, as
        # contract.md's unjudged steps), and the choice (the plan's detail) says why the
        # record is kept.  Failed steps stay those of the plan's reasons.
        aside = [nd for nd in detail.get("not_documented", []) if SET_ASIDE.get(nd) in failing]
        if aside:
            data = {**data, "set_aside": {nd: SET_ASIDE[nd] for nd in aside}}
        ok = False if hit else None if aside or _unjudged(ctx, kind, step) else True
        trace.append(
            {
                "step": step,
                "ok": ok,
                "detail": render_detail(ctx, kind, step, hit, data),
                "data": data,
            }
        )
    covered = {r for steps in STEPS.values() for _, failing in steps for r in failing}
    others = [r for r in reasons if r not in covered]
    if others:  # annotations that do not block (older-engine warnings, SK-A2, SK-G1...)
        data = {"reasons": others}
        trace.append(
            {
                "step": "other reasons",
                "ok": True,
                "detail": render_detail(ctx, kind, "other reasons", [], data),
                "data": data,
            }
        )
    data = {"action": act["action"], "file": act["file"], "line": act["line"], **detail}
    trace.append(
        {
            "step": "decision",
            "ok": act["action"] not in ("skip", "retain"),
            "detail": render_detail(ctx, kind, "decision", [], data),
            "data": data,
        }
    )
    notes = [profile.note("nightly"), profile.note("cutoff")] if kind == "user" else []
    return WhyResult(kind, sid, act["action"], reasons, trace, detail, notes)
