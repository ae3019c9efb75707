"""What people read: who gets accounts (SK-A9), root causes, follow-ups, notes, licences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from roster_lint.predict.model import FollowUp, RootCause
from roster_lint.predict.profile import Profile
from roster_lint.predict.registry import load_registry
from roster_lint.predict.roots import grouped_id
from roster_lint.predict.rules.history import GONE
from roster_lint.words import codes_last, cut_off

if TYPE_CHECKING:
    from roster_lint.predict.engine import Decided

IN_SCOPE = ("create", "transfer", "update", "unchanged")
ENROLLED = ("enroll", "transfer", "unchanged")
FOLLOWUP_CAP = 100  # per kind; the full list is in the plan's actions


def audience(d: Decided) -> pl.DataFrame:
    """Who gets an account: school, school_name, summit_role, grade, users, people."""
    names = d.orgs.select(pl.col("oid").alias("school"), pl.col("name").alias("school_name"))
    # Lazy, so the filter gathers the three columns read, not every user column.
    u = d.users.lazy().filter(pl.col("action").is_in(IN_SCOPE))
    return (
        u.select(
            pl.col("ok_schools").alias("school"),
            pl.col("ok_schools").list.first().alias("_first"),
            "summit_role",
            pl.when(pl.col("grade") != "").then(pl.col("grade")).alias("grade"),
        )
        .collect(engine="in-memory")
        .explode("school")
        # Counted first, then named: a school has one name (orgs are unique by id), so
        # the join is on a few thousand groups instead of 1M users.  `users` counts a
        # person at each of their schools; `people` only at the first, so that summing
        # `people` counts each person once (report/counts.py).
        .group_by(["school", "summit_role", "grade"])
        .agg(pl.len().alias("users"), (pl.col("school") == pl.col("_first")).sum().alias("people"))
        .join(names, on="school", how="left", maintain_order="left")
        .select("school", "school_name", "summit_role", "grade", "users", "people")
        .sort(["school", "summit_role", "grade"], nulls_last=True)
    )


def _first_values(
    frame: pl.DataFrame, key: str, value: str, keys: pl.Series
) -> dict[str, str | None]:
    """Each of `keys`' `value` on its first row of `frame` (a key not in it: absent)."""
    firsts = frame.select(key, value).filter(pl.col(key).is_in(keys.implode()))
    return dict(firsts.unique(key, keep="first", maintain_order=True).iter_rows())


def _labeller(d: Decided, roots: pl.DataFrame, courses: pl.DataFrame) -> Callable[[str, str], str]:
    """A root's label: a school's or course's name (its first row's) with the id, else
    the id.  The names are looked up in dicts made once, of the ids of `roots` (its
    root_entity, root_id) alone: not a filter of orgs or courses per root (a thousand
    roots when every school is skipped), nor a dict of every course (60k at 1M
    students) for the few roots a plan has.  courses: the root courses' rows."""
    names = {
        "school": _first_values(d.orgs, "oid", "name", _root_ids(roots, "school")),
        "course": _first_values(courses, "course", "title", _root_ids(roots, "course")),
    }

    def label(entity: str, ident: str) -> str:
        name = names.get(entity, {}).get(ident)
        return f"{name} ({ident})" if name else ident

    return label


def _root_ids(roots: pl.DataFrame, entity: str) -> pl.Series:
    """The ids of the roots whose root_entity is `entity`."""
    return roots.filter(pl.col("root_entity") == entity)["root_id"]


def root_causes(roots: pl.DataFrame, d: Decided) -> list[RootCause]:
    """`roots`: the skipped and retained rows with their root cause (engine.ROOTS_SCHEMA)."""
    from roster_lint.predict.findings import cause_message  # findings reads the plan

    hit = roots.filter(
        pl.col("action").is_in(["skip", "retain"]) & pl.col("root_reason").is_not_null()
    )
    hit = hit.with_columns(grouped_id(pl.col("root_entity"), pl.col("root_id")).alias("root_id"))
    keys = ["root_reason", "root_entity", "root_id"]
    # each root's first row by (_rank, line): an arg_min per group, not a sort of every
    # skipped row (millions when every school is skipped)
    first = (pl.col("_rank").cast(pl.Int64) * (1 << 40) + pl.col("line").cast(pl.Int64)).arg_min()
    where = (
        hit.filter(pl.col("line").is_not_null())
        .group_by(keys)
        .agg(pl.col("file").get(first), pl.col("line").get(first))
    )
    where_of = {tuple(r[:3]): (r[3], r[4]) for r in where.iter_rows()}
    course_path = d.inp.paths.get("courses.csv", "courses.csv")
    role_lines = _role_lines(d)
    roles_path = d.inp.paths.get("roles.csv", "roles.csv")
    # `n`: the rows one root row stands for (the skipped enrollments come counted)
    counts = hit.group_by(["root_reason", "root_entity", "root_id", "entity"]).agg(
        pl.col("n").sum()
    )
    grouped = counts.group_by(["root_reason", "root_entity", "root_id"]).agg(
        pl.col("entity"), pl.col("n"), pl.col("n").sum().alias("total")
    )
    grouped = grouped.sort(
        ["total", "root_reason", "root_id", "root_entity"], descending=[True, False, False, False]
    )
    out: list[RootCause] = []
    # The courses at a root, their lines and titles (courses are unique by id:
    # decide_courses).
    rooted = d.courses.filter(pl.col("course").is_in(_root_ids(grouped, "course").implode()))
    courses = dict(zip(rooted["course"], rooted["line"], strict=True))
    label_of = _labeller(d, grouped, rooted)
    for reason, entity, ident, ents, ns, _ in grouped.iter_rows():
        affected = {
            e: n
            for e in ("school", "user", "course", "class", "enrollment")
            for e2, n in zip(ents, ns, strict=True)
            if e2 == e
        }
        label = label_of(entity, ident) if ident != "*" else ident
        file, line = where_of.get((reason, entity, ident), (None, None))
        if entity == "course" and ident in courses:
            file, line = course_path, courses[ident]
        elif entity == "role" and ident in role_lines:  # 1.2: written in roles.csv
            file, line = roles_path, role_lines[ident]
        elif entity == "file":
            file, line = ident, 1
        cause = RootCause(reason, entity, ident, label, affected, "", file, line)
        # One wording for a cause everywhere: the plan, its JSON and check's findings.
        out.append(replace(cause, message=cause_message(cause)))
    return out


def _role_lines(d: Decided) -> dict[str, int]:
    """OneRoster 1.2: a role at the root of skips -> the first roles.csv line that gives it
    to a skipped user (users.csv has no role column there to point at)."""
    users = d.users
    if "role_line" not in users.columns or users["role_line"].null_count() == users.height:
        return {}
    first = (
        users.lazy()
        .filter(pl.col("role_line").is_not_null() & (pl.col("action") == "skip"))
        .group_by("role")
        .agg(pl.col("role_line").min())
        .collect()
    )
    return {str(k): int(v) for k, v in first.iter_rows()}


def _followup(reason: str) -> str:
    """The follow-up kind of a reason (the registry's; its text is the profile's [support])."""
    return load_registry().reasons[reason].followup


def _capped(
    kind: str, rows: pl.DataFrame, entity: str, make: str, profile: Profile
) -> list[FollowUp]:
    """One follow-up per row up to the cap, then one that counts the rest."""
    todo = profile.support_text(kind)
    out = [
        FollowUp(kind, entity, ident, f"{text}: {todo}")
        for ident, text in rows.head(FOLLOWUP_CAP).select("id", make).iter_rows()
    ]
    if rows.height > FOLLOWUP_CAP:
        more = rows.height - FOLLOWUP_CAP
        out.append(FollowUp(kind, entity, "*", f"and {more} more {entity}s: {todo}"))
    return out


def followups(
    roots: pl.DataFrame, d: Decided, profile: Profile, prev: Decided | None = None
) -> list[FollowUp]:
    u = d.users
    who = pl.format("{} {} ({}, {})", "given", "family", "uid", "email")
    out: list[FollowUp] = []
    admins = u.filter(pl.col("district_admin") & pl.col("action").is_in(IN_SCOPE))
    out += _capped(
        _followup("district-admin-needs-request"),
        admins.with_columns(pl.col("uid").alias("id"), who.alias("m")),
        "user",
        "m",
        profile,
    )
    retained = roots.filter((pl.col("entity") == "user") & (pl.col("action") == "retain"))
    gone = u.filter(pl.col("_gone")).select(pl.col("uid").alias("id"), who.alias("m"))
    removed = retained.select("id")
    if prev is not None:
        # SK-A7: the district must send the vendor the name and e-mail, which only the
        # previous export still has.
        known = prev.users.select(pl.col("uid").alias("id"), who.alias("_who")).unique(
            "id", keep="first"
        )
        removed = removed.join(known, on="id", how="left", maintain_order="left")
    else:
        removed = removed.with_columns(pl.lit(None, pl.String()).alias("_who"))
    removed = removed.select(
        "id",
        pl.when(pl.col("_who").is_not_null())
        .then(pl.format("{} is no longer in users.csv", "_who"))
        .otherwise(pl.format("user {} is no longer in users.csv", "id"))
        .alias("m"),
    )
    out += _capped(
        _followup(GONE["user"]),  # and user-tobedeleted: the same request
        pl.concat(
            [
                removed,
                gone.with_columns(
                    pl.format(f"{{}} is shared as {profile.records.delete_status}", "m").alias("m")
                ),
            ]
        ),
        "user",
        "m",
        profile,
    )
    dropped = (
        roots.filter((pl.col("entity") == "enrollment") & (pl.col("action") == "retain"))
        .group_by(pl.col("root_id").alias("id"))
        .len("n")
        .sort("id")
        .with_columns(
            pl.format("class {}: {} enrollments no longer shared stay", "id", "n").alias("m")
        )
    )
    kind = _followup(GONE["enrollment"])
    if kind:  # a dropped record the sync does not unenroll: the teacher removes the student
        out += _capped(kind, dropped, "class", "m", profile)
    courses = d.courses.filter(pl.col("action") == "needs-mapping").with_columns(
        pl.col("course").alias("id"), pl.format("course {} ({})", "title", "course").alias("m")
    )
    out += _capped(_followup("new-course-needs-mapping"), courses, "course", "m", profile)
    if not profile.mode_has_classes(d.inp.mode):
        out += _provisioning(d, profile)
    return out


def _provisioning(d: Decided, profile: Profile) -> list[FollowUp]:
    """SK-P3: teachers with role teacher create classes; other teachers by hand."""
    out = [
        FollowUp(
            _followup("provisioning-mode"),
            "mode",
            d.inp.mode,
            profile.support_text(_followup("provisioning-mode")),
        )
    ]
    teacher = profile.classes.teacher_role
    teaching = (
        d.inp.enrollments.lazy()
        .select("uid", "role")
        .filter(pl.col("role") == teacher)
        .select("uid")
        .unique()
        .collect(engine="in-memory")
    )
    odd = (
        d.users.join(teaching, on="uid", how="semi")
        .filter(pl.col("role") != teacher)
        .sort("line")
        .with_columns(
            pl.col("uid").alias("id"),
            pl.format("{} teaches with role {}", "uid", "role").alias("m"),
        )
    )
    return out + _capped("roster-by-hand", odd, "user", "m", profile)


def licences(d: Decided, prev: Decided | None, profile: Profile) -> int:
    """SK-L1: students who will newly consume a licence (first class enrollment)."""

    def enrolled(x: Decided) -> pl.LazyFrame:
        e = x.enrollments.lazy().select("uid", "_is_student", "action")
        return e.filter(pl.col("_is_student") & pl.col("action").is_in(ENROLLED))

    if prev is None:  # one expression: no filtered frame, no unique frame
        # _is_student: role == the profile's student role (enrollments.with_users).
        mask = pl.col("_is_student") & pl.col("action").is_in(ENROLLED)
        # _urow: one u32 per distinct user id (enrollments.with_users); an enrolled row
        # always has its user.
        # Counted by marking each user's row in a bitmap rather than hashing every
        # student enrollment for n_unique; block by block (zero-copy slices), so that
        # no column of the 6.5M enrolled rows is made (~13k fresh pages at 1M students
        # with the bitmap's scatter; docs/performance.md, "Branch planbuild11").
        return marked_rows(d.enrollments, pl.col("_urow").filter(mask).drop_nulls())
    now = enrolled(d).select("uid").unique()
    return (
        now.join(enrolled(prev).select("uid"), on="uid", how="anti")
        .collect(engine="in-memory")
        .height
    )


# Rows of the enrollments read at a time by marked_rows.
MARK_BLOCK = 1 << 20


def marked_rows(frame: pl.DataFrame, rows: pl.Expr) -> int:
    """How many distinct values `rows` (non-negative integers, no nulls: row numbers)
    takes over `frame`, read MARK_BLOCK rows at a time (each block's temporaries freed
    before the next is read: the allocator hands the same pages back)."""
    seen = np.zeros(0, np.bool_)
    for start in range(0, frame.height, MARK_BLOCK):
        at = frame.slice(start, MARK_BLOCK).select(rows).to_series().to_numpy()
        if at.size == 0:
            continue
        top = int(at.max()) + 1
        if top > seen.size:
            seen = np.concatenate([seen, np.zeros(top - seen.size, np.bool_)])
        seen[at] = True
    return int(seen.sum())


def notes(
    not_documented: dict[str, int],
    d: Decided,
    profile: Profile,
    *,
    has_previous: bool,
    course_map: set[str] | None,
) -> list[str]:
    out = [profile.note("nightly"), profile.note("cutoff")]
    mode = d.inp.mode
    if not profile.mode_has_classes(mode):
        out.append(profile.note("provisioning"))
    out.append(profile.note("licence"))
    if d.inp.version == "1.2":
        out.append(profile.note("primary_role"))
    if course_map is None and not has_previous and profile.mode_has_classes(mode):
        out.append(profile.note("unverified"))
    missing = profile.missing
    for name in profile.mode_files(mode, d.inp.version):
        if d.inp.state.get(name) == "missing" and name in missing:
            out.append(str(missing[name]))
    for name, line in sorted(d.inp.cut.items()):
        out.append(
            f"{cut_off(name, line)}. The sync sees only the records before the cut, and so "
            "does this plan."
        )
    counts = _not_documented_counts(not_documented, d)
    for key, nd in profile.not_documented.items():
        n = counts.get(key, 0)
        if n:
            # plain words first; the choice's name (profile [not_documented]) at the end
            choice = nd.choice.rstrip().removesuffix(".")
            out.append(
                f"Not documented by Summit K12, {n:,} affected: {nd.question} "
                f"roster-lint's choice: {choice} ({key})."
            )
    # behaviour codes (SK-C3) are references, not prose: one parenthesis at the end
    return [codes_last(note) for note in out]


def _not_documented_counts(tagged: dict[str, int], d: Decided) -> dict[str, int]:
    """`tagged`: per not-documented choice, how many actions' details name it (counted from
    the same flags by the engine)."""
    counts = {k: n for k, n in tagged.items() if n}
    counts["several-primary-roles"] = d.inp.primary_role_ambiguous
    # A teacher whose classes are all skipped keeps the account (not documented).  A
    # teacher is an enrollment with the profile's teacher role (`_is_teacher`, made once
    # from classes.teacher_role).  Grouped on `_urow` (one u32 per user id,
    # enrollments.with_users) rather than on the 36-character ids; an id with no row is
    # not in users.csv, so it has no account to keep.
    t = d.enrollments.lazy().select("uid", "_is_teacher", "class_action", "_urow")
    lost = (
        t.filter(pl.col("_is_teacher") & pl.col("_urow").is_not_null())
        .group_by("_urow")
        .agg(pl.col("uid").first(), (pl.col("class_action") == "skip").all().alias("all_lost"))
        .filter("all_lost")
        .collect(engine="in-memory")
    )
    if lost.height:  # none lost: the count is 0 and no note is written
        kept = d.users.select("uid", "_in_scope").filter(pl.col("_in_scope"))
        counts["teacher-without-created-class"] = kept.join(lost, on="uid", how="semi").height
    return counts
