"""profile_findings: the plan, told as findings in the user's terms (RL3xx).

One finding per root cause (a school without an NCES ID, a file whose header breaks the
sync, a course to map...), plus per-row findings where the row is what the district must
fix (a class without a primary teacher, a user without an e-mail), plus one counted finding
for things that are merely worth knowing (administrators created as School Admin...).
Ids are quoted in messages so that stray whitespace shows; counts agree with their nouns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from roster_lint.findings import GROUP_LIMIT, LINES_SHOWN, Findings, rows_wanted
from roster_lint.model import LINE, Export
from roster_lint.predict.inputs import Inputs, read_inputs
from roster_lint.predict.model import ENTITY, Plan, ReasonKeys, RootCause
from roster_lint.predict.profile import Profile, load_profile
from roster_lint.predict.registry import load_registry

if TYPE_CHECKING:
    from roster_lint.options import Options

_REG = load_registry()
# Reasons told once per root cause (the message names the cause and what it affects), with
# the column shown when the finding points at a row (registry: finding = "root").
ROOT_RULES = {r: _REG.reasons[r].column or None for r in _REG.with_finding("root")}
# Root causes whose finding points at the root's own row (its sourcedId is the finding's).
OWN_ROW = (
    "school-missing-nces-id",
    "org-type-invalid",
    "course-not-mapped",
    "new-course-needs-mapping",
)
# The file a root's own row is in.  A root found only through the rows that reference it
# (a school that is no school row of orgs.csv, e.g. a department users point at) is shown
# at that reference, not as a cell of its own (users.csv has an `identifier` of its own).
OWN_FILE = {"school": "orgs.csv", "course": "courses.csv"}
PLURAL = {"class": "classes", "enrollment": "enrollments", "school": "schools"}
VERB = {
    "school": "will not be synced",
    "user": "will not be uploaded",
    "course": "will not be mapped",
    "class": "will not be created",
    "enrollment": "will not be made",
}
# What the sync does NOT do about records that disappeared (SK-A7, SK-E4, not documented).
KEPT = {r: x.kept for r, x in _REG.reasons.items() if x.kept}


def row_rules(profile: Profile) -> dict[str, tuple[str, str | None, str]]:
    """Reasons told per row (registry: finding = "row"): (entity, column whose value is
    shown, message with {id} {value} {values} {grades}; profile values filled in)."""
    values = {"{password_min_length}": str(profile.accounts.password_min_length)}
    out: dict[str, tuple[str, str | None, str]] = {}
    for r in _REG.with_finding("row"):
        message = _REG.reasons[r].message
        for key, value in values.items():
            message = message.replace(key, value)
        out[r] = (_REG.entity_of(r), _REG.reasons[r].column or None, message)
    return out


def _unverified(c: dict[str, int]) -> str:
    """RL309: the classes counted are those created as if their course were mapped; none
    (every class skipped for its own reason, or no class) is not "so 0 are created"."""
    courses, classes = _n(c["course"], "course"), c.get("class", 0)
    if classes == 0:
        its = "its" if c["course"] == 1 else "their"
        return (
            f"{courses}: mapping unverified (use --course-map or --previous); none of {its} "
            "classes is predicted as created either way (each is skipped for another reason)"
        )
    return (
        f"{courses}: mapping unverified, so {_n(classes, 'class')} {_are(classes)} predicted "
        "as created as if mapped (use --course-map or --previous)"
    )


# Reasons told once, with counts per entity, at the first row that has them: (the entity
# counted, the column shown, the message from the counts and the first row's value).
Counted = Callable[[dict[str, int], str], str]
_SUMMARY: dict[str, tuple[str, Counted]] = {
    "admin-created-as-school-admin": (
        "user",
        lambda c, v: f"{_n(c['user'], 'administrator')} will be created as School Admin",
    ),
    "course-mapping-unverified": ("course", lambda c, v: _unverified(c)),
    "enrollment-tobedeleted": (
        "enrollment",
        lambda c, v: (
            f"{_n(c['enrollment'], 'enrollment')} shared as "
            f"{load_profile().enrollments.unenroll_status} will be unenrolled"
        ),
    ),
    "user-transfer": (
        "user",
        lambda c, v: f"{_n(c['user'], 'user')} will be transferred to another school",
    ),
    "enrollment-transfer": (
        "enrollment",
        lambda c, v: (
            f"{_n(c['enrollment'], 'student')} will be moved to another class of the same course"
        ),
    ),
    "user-disabled": (
        "user",
        lambda c, v: (
            f"{_n(c['user'], 'user')} {_have(c['user'])} enabledUser false (here "
            f"{v}): the vendor's older engine never created them; predicted as created"
        ),
    ),
    "grade-format-inconsistent": (
        "user",
        lambda c, v: (
            f"{_n(c['user'], 'user')} {_have(c['user'])} a grade without its leading "
            f"zero (here {v}): the vendor's older engine treated e.g. 7 and 07 as different grades"
        ),
    ),
    "grade-without-content": (
        "user",
        lambda c, v: (
            f"{_both(c)} {_have(sum(c.values()))} a grade without Summit K12 content "
            f"(here {v}; content exists for KG-12 only)"
        ),
    ),
}
# (registry: finding = "counted"; the column shown is the registry's)
SUMMARY_RULES: dict[str, tuple[str, str | None, Counted]] = {
    r: (main, _REG.reasons[r].column or None, make) for r, (main, make) in _SUMMARY.items()
}
assert set(SUMMARY_RULES) == set(_REG.with_finding("counted")), "registry vs counted messages"
ZIP_NAME = re.compile(r"^[A-Za-z0-9]+\.zip$", re.IGNORECASE)


def _n(n: int, noun: str) -> str:
    """'1 class', '126 classes', '3,357 enrollments'."""
    return f"{n:,} {noun if n == 1 else PLURAL.get(noun, noun + 's')}"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _have(n: int) -> str:
    return "has" if n == 1 else "have"


def _points(n: int) -> str:
    return "points" if n == 1 else "point"


def _both(counts: dict[str, int]) -> str:
    parts = [_n(counts[e], e) for e in ("user", "class") if counts.get(e)]
    return " and ".join(parts) or "0 users"


def _q(value: str) -> str:
    """An id as the message shows it: quoted, so ' 103' and '103 ' are told apart."""
    return repr(value)


def _named(cause: RootCause) -> str:
    """'school 'Cedar Academy' ('103')' from the label 'Cedar Academy (103)'."""
    suffix = f" ({cause.id})"
    if cause.label.endswith(suffix) and cause.label != suffix:
        return f"{cause.entity} {cause.label[: -len(suffix)]} ({_q(cause.id)})"
    return f"{cause.entity} {_q(cause.id)}"


def cause_message(cause: RootCause, near: list[str] | None = None) -> str:
    """One sentence per root cause: what is wrong, then what the sync will not do."""
    r, n_self = cause.reason, cause.affected.get(cause.entity, sum(cause.affected.values()))
    subjects = {
        "school-missing-nces-id": f"{_named(cause)} has no NCES ID (identifier, national_id "
        "or a 12-digit sourcedId)",
        "school-not-in-orgs": f"school {_q(cause.id)} is not in orgs.csv",
        "org-type-invalid": f"{_named(cause)} has an org type that is not exactly "
        "'school' (the type vocabulary is case-sensitive)",
        "role-not-provisioned": f"role {_q(cause.id)} gets no Summit K12 account",
        "course-not-mapped": f"{_named(cause)} is not in the course map",
        "new-course-needs-mapping": f"{_named(cause)} is new and needs mapping by Summit K12",
        "provisioning-mode": "Account Provisioning Only does not create classes or enroll",
        "user-tobedeleted": f"{_n(n_self, 'user')} {_are(n_self)} shared as "
        f"{load_profile().records.delete_status}",
        "user-removed-not-deleted": f"{_n(n_self, 'user')} {_are(n_self)} no longer in users.csv",
        "enrollment-dropped-not-unenrolled": f"{_n(n_self, 'enrollment')} {_are(n_self)} no "
        "longer shared",
        "class-removed-not-deleted": f"{_n(n_self, 'class')} {_are(n_self)} no longer shared",
        "enrollment-role-not-enrolled": f"enrollment role {_q(cause.id)} is not enrolled",
        "header-breaks-sync": f"{cause.id} has a header the sync cannot read",
        "class-course-missing": f"course {_q(cause.id)} is not in courses.csv",
        "class-without-primary-teacher": f"{_n(n_self, 'class')} {_have(n_self)} no primary "
        "teacher",
        "class-primary-teacher-is-student": f"{_n(n_self, 'class')} {_have(n_self)} only a "
        "student as primary teacher (not documented)",
        "enrollment-user-missing": f"{_n(n_self, 'enrollment')} {_points(n_self)} at users "
        "not in users.csv",
        "enrollment-class-missing": f"{_n(n_self, 'enrollment')} {_points(n_self)} at classes "
        "not in classes.csv",
    }
    subject = subjects.get(r, f"{r} ({cause.entity} {_q(cause.id)})")
    if near:
        subject += f" (did you mean {', '.join(_q(x) for x in near)}?)"
    if r in KEPT:
        return f"{subject}: {KEPT[r]}"
    # The root's own row is the subject ("school X has no NCES ID"), not one of its effects.
    shown = {
        e: n for e, n in cause.affected.items() if n and not (e == cause.entity and r in OWN_ROW)
    }
    effects = [f"{_n(n, e)} {VERB[e]}" for e, n in shown.items()]
    if not effects:
        return subject
    lead = "its " if r in OWN_ROW else ""
    listed = ", ".join(effects[:-1]) + " and " + effects[-1] if len(effects) > 1 else effects[0]
    return f"{subject}: {lead}{listed}"


def _message(template: str) -> pl.Expr:
    """'user {id} has {value}' -> a concat_str over the columns, ids and values quoted."""
    parts: list[pl.Expr] = []
    cols = {"{id}": "sourced_id", "{value}": "value", "{grades}": "grades"}
    for token in re.split(r"(\{id\}|\{value\}|\{values\}|\{grades\})", template):
        if token == "{values}":  # a list cell: each item quoted
            items = pl.col("value").fill_null("").str.replace_all(",", "', '", literal=True)
            token, parts = "", [*parts, pl.lit("'") + items + pl.lit("'")]
        if token == "{grades}":  # '{"06":3,"07":22}' -> '06: 3, 07: 22'
            g = pl.col("grades").fill_null("").str.replace_all(r'[{}"]', "")
            parts.append(g.str.replace_all(":", ": ").str.replace_all(",", ", "))
        elif token in cols:
            parts.append(pl.lit("'") + pl.col(cols[token]).fill_null("") + pl.lit("'"))
        elif token:
            parts.append(pl.lit(token))
    return pl.concat_str(parts)


def _values(export: Export, rows: pl.DataFrame, column: str | None) -> pl.DataFrame:
    """Attach the cell the finding is about, read from the table at the row's line."""
    if column is None or rows.height == 0:
        return rows.with_columns(pl.lit(None, pl.String()).alias("value"))
    parts = []
    for file, group in rows.group_by("file", maintain_order=True):
        t = next((t for t in export.tables.values() if t.path == file[0]), None)
        if t is None or not t.has(column):
            parts.append(group.with_columns(pl.lit(None, pl.String()).alias("value")))
            continue
        # The few rows named, not a join against every line of a 7M-row table.
        cells = (
            t.df.lazy()
            .filter(pl.col(LINE).is_in(group["line"].implode()))
            .select(pl.col(LINE).alias("line"), pl.col(column).alias("value"))
            .collect()
        )
        parts.append(group.join(cells, on="line", how="left", maintain_order="left"))
    return pl.concat(parts)


def _near(ids: pl.Series, ident: str) -> list[str]:
    """Ids equal to `ident` up to case and surrounding whitespace (SK-F2 compares exactly)."""
    frame = ids.to_frame("id").filter(
        pl.col("id").str.strip_chars().str.to_lowercase() == ident.strip().lower()
    )
    return [x for x in frame["id"].unique().sort().head(3).to_list() if x != ident]


def _column_in(export: Export, file: str | None, column: str | None) -> str | None:
    """The registry names a reference column as users.csv spells it (orgSourcedIds); a root
    found in another file is shown at that file's reference to the same table (a class's
    schoolSourcedId), so that it lands on the cell the reference rules report."""
    from roster_lint.spec import oneroster

    spec = oneroster()
    here = spec.files.get(PurePosixPath(file).name) if file else None
    if column is None or here is None or here.column(column, export.version) is not None:
        return column
    target = {
        c.ref
        for f in spec.files.values()
        for c in f.columns(export.version)
        if c.name == column and c.ref
    }
    same = [c.name for c in here.columns(export.version) if c.ref in target]
    # Else the file has no such column in this version: a 1.2 users.csv has no role, so a
    # user without a roles.csv row is shown at its users.csv row, not at a cell it lacks.
    return same[0] if len(same) == 1 else None


def _own_values(
    told: list[tuple[RootCause, str | None]], export: Export
) -> dict[tuple[str, int, str], str | None]:
    """The cells the root findings on their own row show, read in one pass per column
    (a look-up per cause filtered a whole table each time: 169 causes on an Excel round trip)."""
    wanted: dict[str, set[tuple[str, int]]] = {}
    for cause, column in told:
        if _on_own_row(cause) and column is not None and cause.file and cause.line:
            wanted.setdefault(column, set()).add((cause.file, cause.line))
    found: dict[tuple[str, int, str], str | None] = {}
    for column, at in sorted(wanted.items()):
        files, lines = zip(*sorted(at), strict=True)
        rows = pl.DataFrame({"file": list(files), "line": list(lines)})
        hit = _values(export, rows, column)
        for file, line, value in hit.select("file", "line", "value").iter_rows():
            found[(file, line, column)] = value
    return found


def _on_own_row(cause: RootCause) -> bool:
    """A root finding that points at the root's own row (its sourcedId is the finding's)."""
    return (
        cause.reason in OWN_ROW
        and cause.file is not None
        and PurePosixPath(cause.file).name == OWN_FILE.get(cause.entity)
    )


def _reference_to(export: Export, file: str, target: str) -> str | None:
    """The one column of `file` that references `target` (users.csv -> orgs.csv:
    orgSourcedIds), else None."""
    from roster_lint.spec import oneroster

    here = oneroster().files.get(PurePosixPath(file).name)
    refs = [c.name for c in here.columns(export.version) if c.ref == target] if here else []
    return refs[0] if len(refs) == 1 else None


def _root_column(export: Export, cause: RootCause) -> str | None:
    if not cause.line:
        return None
    if cause.reason in OWN_ROW and cause.file and not _on_own_row(cause):
        return _reference_to(export, cause.file, OWN_FILE[cause.entity])
    return _column_in(export, cause.file, ROOT_RULES[cause.reason])


def _root_findings(plan: Plan, export: Export, inp: Inputs, out: Findings) -> None:
    told = [
        (c, _root_column(export, c))
        for c in plan.root_causes
        if c.reason in ROOT_RULES and c.entity != "file"
    ]
    values = _own_values(told, export)
    for cause, column in told:
        own = _on_own_row(cause)
        near = _near(inp.orgs["oid"], cause.id) if cause.reason == "school-not-in-orgs" else None
        value: str | None = None
        if own and column is not None and cause.file is not None:
            value = values.get((cause.file, cause.line or 0, column))
        elif cause.reason in OWN_ROW and column is None:
            value = None  # no cell of the row says the root (a file without the reference)
        elif cause.entity in ("school", "role", "course"):
            value = cause.id  # the bad reference or role, as written
        out.one(
            cause.reason,
            cause_message(cause, near),
            file=cause.file,
            line=cause.line,
            column=column,
            # An aggregated finding stands for many rows: no one sourcedId is its own.
            sourced_id=cause.id if own else None,
            value=value,
        )


def _thin(export: Export, keep: dict[str, pl.DataFrame]) -> Export:
    """The export as `read_inputs` sees it, each table with its own header, mode and state
    but only the rows `keep` gives it (none for the others).

    `read_inputs` decides a file's state from its header alone, and a user's schools from
    that user's own rows of users.csv and roles.csv; the findings need the states, orgs.csv
    (the near ids) and the schools of the few users they name, not a million users'
    schools rebuilt from roles.csv (1.6 s of CPU at 1M students, v12)."""
    tables = {n: replace(t, df=keep.get(n, t.df.clear())) for n, t in export.tables.items()}
    return replace(export, tables=tables, derived={})


def _inputs(export: Export, mode: str, profile: Profile) -> Inputs:
    """read_inputs' states, paths and orgs; its users, classes... are empty (`_schools_of`
    reads the users it names)."""
    orgs = export.tables.get("orgs.csv")
    return read_inputs(_thin(export, {"orgs.csv": orgs.df} if orgs else {}), mode, profile)


def _schools_of(export: Export, inp: Inputs, rows: pl.DataFrame) -> pl.DataFrame:
    """1.2 (schools from roles.csv) and 1.1 alike: the user's schools as the sync reads them.

    `read_inputs` on the rows of users.csv the findings name, and on the rows of roles.csv
    of those users' ids: a user's schools come from its own rows only (read_inputs groups
    roles.csv by user id), so they are the schools the plan read."""
    keep: dict[str, pl.DataFrame] = {}
    users, roles = export.tables.get("users.csv"), export.tables.get("roles.csv")
    if users is not None:
        keep["users.csv"] = users.df.filter(pl.col(LINE).is_in(rows["line"].implode()))
    if roles is not None:
        keep["roles.csv"] = roles.df
        # Blank and missing ids read as "" (read_inputs' fill_null): compared the same way.
        if users is not None and users.has("sourcedId") and roles.has("userSourcedId"):
            ids = keep["users.csv"]["sourcedId"].fill_null("").implode()
            keep["roles.csv"] = roles.df.filter(pl.col("userSourcedId").fill_null("").is_in(ids))
    named = read_inputs(_thin(export, keep), inp.mode, load_profile()).users
    schools = (
        named.lazy()
        .filter(pl.col("line").is_in(rows["line"].implode()))
        .select("line", pl.col("schools").list.join(",").alias("value"))
        .unique("line", keep="first", maintain_order=True)
        .collect()
    )
    return rows.drop("value").join(schools, on="line", how="left", maintain_order="left")


def _shown_rows(rows: pl.DataFrame, grades: bool) -> pl.DataFrame:
    """The rows one rule's findings will show, with `count` and `lines`: in a file with more
    than GROUP_LIMIT distinct hits, its first row by line stands for all of them (what
    findings.group_rows keeps); the others are their own finding.  Values and messages are
    then made for these rows only, not for the millions of rows a skipped school tags.

    A hit's finding is made of its file, line, id and (when the message shows them) grades,
    so distinct hits on those are distinct findings, as Findings.add's `unique` counts them."""
    keys = ["file", "line", "sourced_id"]
    distinct = rows.unique(keys, keep="first", maintain_order=True)
    # Rows distinct on file, line and id are distinct with their grades too: the details'
    # JSON is parsed only when some are not (every class of a ClassLink district is a
    # mixed-grade class: 280k details parsed for nothing, 0.4 s at 1M).
    if grades and distinct.height != rows.height:
        g = pl.col("detail").str.json_path_match("$.grades").alias("_g")
        distinct = (
            rows.with_columns(g).unique([*keys, "_g"], keep="first", maintain_order=True).drop("_g")
        )
    return _grouped_by_file(distinct)


def _grouped_by_file(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with `count` and `lines`: in a file with more than GROUP_LIMIT rows, its
    first row by line stands for all of them; the others are their own finding."""
    single = [
        pl.lit(1, pl.Int64()).alias("count"),
        pl.lit(None, pl.List(pl.Int64())).alias("lines"),
    ]
    n = pl.len().over("file")
    small = rows.filter(n <= GROUP_LIMIT).with_columns(single)
    big = rows.filter(n > GROUP_LIMIT)
    if big.height == 0:
        return small
    big = (
        big.sort(["file", "line"], nulls_last=True, maintain_order=True)
        .group_by("file", maintain_order=True)
        .agg(
            *[pl.col(c).first() for c in rows.columns if c != "file"],
            pl.len().cast(pl.Int64()).alias("count"),
            pl.col("line").drop_nulls().head(LINES_SHOWN).alias("lines"),
        )
        .select(small.columns)
    )
    return pl.concat([small, big], how="vertical")


def _tagged_rows(actions: pl.DataFrame, rules: Collection[str]) -> pl.DataFrame:
    """The row number (`_r`), entity and reasons of every action a reason of `rules` tags."""
    wanted = pl.col("reasons").list.eval(pl.element().is_in(sorted(rules))).list.any()
    return (
        actions.lazy()
        .select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_r"), "entity", "reasons")
        .filter(wanted.fill_null(False))
        .collect()
    )


def _keyed_rows(actions: pl.DataFrame, rules: Collection[str], keys: ReasonKeys) -> pl.DataFrame:
    """`_tagged_rows` from the actions' reason keys: a pair is tagged when one of its
    reasons is in `rules` (a pair has no null), its rows found in the keys and their lists
    made for them alone."""
    tagged = np.array([any(r in rules for r in names) for _, names in keys.pairs], bool)
    rows = np.flatnonzero(tagged[keys.keys]) if len(tagged) else np.zeros(0, np.int64)
    at = pl.Series("_r", rows.astype(np.uint32), dtype=pl.UInt32)
    table = pl.Series("reasons", [list(r) for _, r in keys.pairs], dtype=pl.List(pl.String()))
    pair = pl.Series(keys.keys[at.to_numpy()].astype(np.uint32, copy=False))
    return pl.DataFrame([at, actions["entity"].gather(at), table.gather(pair)])


class _Tagged:
    """Where each (entity, reason) of `rules` is among the plan's actions, as row numbers in
    action order.

    A skipped district tags ~9M actions with ~16M reasons.  Exploding the actions with their
    ids and details to find each rule's rows copied all of that (1M skipped: 2.8 s CPU and
    +1.6 GB, the peak of `check`).  Here only the actions tagged with one of `rules` are
    kept (a mask over the lists, the checkmem branch's idea), their reasons cast to integer
    codes (an Enum of the registry's names) and only each code's action row and (entity,
    reason) key held: no string is copied, and each rule gathers its own rows."""

    def __init__(
        self, actions: pl.DataFrame, rules: Collection[str], keys: ReasonKeys | None = None
    ) -> None:
        """keys: the actions' reason keys (Plan.keyed_actions): the tagged rows and their
        lists are found from the few pairs, and the frame's `reasons` is not read (it may
        not be made: Plan.defer_reasons)."""
        # Only the actions tagged with one of `rules` (those findings report) are unpacked:
        # when every school is skipped nearly every action has reasons, few of them these.
        kept = _tagged_rows(actions, rules) if keys is None else _keyed_rows(actions, rules, keys)
        vocab = sorted(_REG.reasons)
        reasons = kept["reasons"]
        try:
            codes = reasons.cast(pl.List(pl.Enum(vocab)))
        except pl.exceptions.InvalidOperationError:  # a reason the registry does not name
            vocab = sorted({*vocab, *reasons.explode().drop_nulls().unique().to_list()})
            codes = reasons.cast(pl.List(pl.Enum(vocab)))
        self._names = {name: i for i, name in enumerate(vocab)}
        kinds = kept["entity"].cast(ENTITY)  # already so: the plan's schema
        self._entities = {name: i for i, name in enumerate(ENTITY.categories.to_list())}
        # one key per (entity, reason); a null inside a list names no reason: past them all.
        # Exploded by polars with the row numbers: no string is copied, and numpy's fresh
        # arrays cost more here in page faults than polars' whole explode (16M codes).
        self._width = width = len(vocab) + 1
        self._tags = (
            pl.DataFrame({"_r": kept["_r"], "e": kinds, "c": codes})
            .lazy()
            .explode("c", empty_as_null=False, keep_nulls=False)
            .select(
                "_r",
                (
                    pl.col("e").to_physical().cast(pl.UInt32) * width
                    + pl.col("c").to_physical().cast(pl.UInt32).fill_null(len(vocab))
                ).alias("k"),
            )
            .collect()
        )
        self._count = dict(self._tags.group_by("k").len().iter_rows())

    def _key(self, entity: str, reason: str) -> int | None:
        e, r = self._entities.get(entity), self._names.get(reason)
        return None if e is None or r is None else e * self._width + r

    def rows(self, entity: str, reason: str) -> pl.Series:
        """The action rows `reason` tags on `entity`, in action order (as exploded: a
        reason twice in one list tags its action twice)."""
        k = self._key(entity, reason)
        if k is None or k not in self._count:
            return pl.Series("_r", [], dtype=pl.UInt32)
        return self._tags.filter(pl.col("k") == k)["_r"]

    def entities(self, reason: str) -> list[str]:
        """The entities `reason` tags at least once, by name."""
        return sorted(e for e in self._entities if self._key(e, reason) in self._count)


def _row_findings(plan: Plan, export: Export, inp: Inputs, out: Findings, tagged: _Tagged) -> None:
    from_roles = inp.version == "1.2" and "roles.csv" in inp.state and not _has_role(export)
    actions, _ = plan.keyed_actions()  # its file, line, id and detail (reasons not read)
    # --output rows: wants every row; otherwise a rule's hits are grouped before their
    # values and messages are made (Findings.add takes them grouped).
    every_row = rows_wanted()
    for rule, (entity, column, template) in row_rules(load_profile()).items():
        at = tagged.rows(entity, rule)
        rows = actions.select("file", "line", pl.col("id").alias("sourced_id"), "detail")[
            at
        ].filter(pl.col("line").is_not_null())
        if rule.startswith("enrollment-") and inp.state.get(
            "users.csv" if "user" in rule else "classes.csv"
        ) in ("missing", "broken"):
            continue  # the missing or broken file is the one cause, told above
        if not every_row:
            rows = _shown_rows(rows, "{grades}" in template)
        rows = _values(export, rows, column)
        if rule in ("user-multiple-schools", "user-without-school"):
            rows = _schools_of(export, inp, rows)
            if from_roles:  # 1.2: schools come from roles.csv, not users.orgSourcedIds
                column = None
        rows = rows.with_columns(
            pl.col("detail").str.json_path_match("$.grades").alias("grades")
        ).with_columns(_message(template).alias("message"))
        if rule == "password-too-short":  # never repeat a password in a report
            rows = rows.with_columns(pl.lit(None, pl.String()).alias("value"))
        out.add(rule, rows.drop("detail", "grades").with_columns(pl.lit(column).alias("column")))


def columns_shown() -> set[str]:
    """Every column a profile finding shows a value from (looked up in any file)."""
    shown = {*ROOT_RULES.values(), *(c for _, c, _ in row_rules(load_profile()).values())}
    shown |= {c for _, c, _ in SUMMARY_RULES.values()}
    return {c for c in shown if c is not None}


def _has_role(export: Export) -> bool:
    t = export.table("users.csv")
    return t is not None and t.has("role")


def _counted_findings(plan: Plan, export: Export, out: Findings, tagged: _Tagged) -> None:
    actions, _ = plan.keyed_actions()  # its file and line (reasons not read)
    for reason in sorted(SUMMARY_RULES):
        main, column, make = SUMMARY_RULES[reason]
        at = {e: tagged.rows(e, reason) for e in tagged.entities(reason)}
        counts = {e: rows.len() for e, rows in at.items()}
        if not counts:
            continue
        # the first row of the counted entity (else any): where the district looks first
        mine = at.get(main)
        first = int(mine[0]) if mine is not None else min(int(r[0]) for r in at.values())
        row = actions.select("file", "line").row(first)
        file, line = row
        found = pl.DataFrame(
            {"file": [file], "line": [line]},
            schema={"file": actions.schema["file"], "line": actions.schema["line"]},
        )
        cell = _values(export, found, column)["value"][0]
        value = cell if column is not None and reason != "user-transfer" else None
        shown = _q(cell) if cell is not None else "blank"
        out.one(
            reason,
            make({main: 0, **counts}, shown),
            file=file,
            line=line,
            column=column if value is not None else None,
            value=value,
        )


def profile_findings(plan: Plan, export: Export, opts: Options, out: Findings) -> None:
    profile = load_profile()
    for code, r in sorted(profile.restate.items()):  # RL112 on enrollments: SK-E3
        out.restate(code, r.files, r.severity, r.message, r.values)
    inp = _inputs(export, plan.mode, profile)
    for name, state in sorted(inp.state.items()):
        if state == "broken":
            t = export.tables.get(name)
            n = t.rows if t is not None else 0
            out.one(
                "header-breaks-sync",
                f"{inp.paths[name]} has a header the sync cannot read: its {_n(n, 'row')} "
                f"{_are(n)} not processed",
                file=inp.paths[name],
                line=1,
            )
    _root_findings(plan, export, inp, out)
    # The reasons read from the plan's keys where it has them (its lists may not be made).
    actions, keys = plan.keyed_actions()
    tagged = _Tagged(actions, {*row_rules(load_profile()), *SUMMARY_RULES}, keys)
    _row_findings(plan, export, inp, out, tagged)
    _counted_findings(plan, export, out, tagged)
    if export.kind == "zip":
        name = Path(export.path).name
        if not ZIP_NAME.match(name):
            out.one(
                "zip-name-not-accepted",
                f"zip name {name!r} has underscores or other special characters: Summit K12 "
                "does not accept it",
                value=name,
            )
