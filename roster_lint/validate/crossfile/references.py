"""Every reference of OneRoster §7, generated from the `ref` columns of files.toml.

A bulk set must be self-contained, so an id that is not in the target file is an error;
when either side is a delta file the id may come from an earlier delivery (warning).
Matching is exact (SK-F2); a trimmed or case-folded match only feeds "did you mean".
"""

from __future__ import annotations

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import ID_HASH_SEED, LINE, Export, Table
from roster_lint.spec import VERSIONS, ColumnSpec, oneroster
from roster_lint.validate.crossfile import facts
from roster_lint.validate.crossfile.common import (
    SID,
    absent,
    exploded,
    fold,
    id_hash,
    present,
)

UNRESOLVED = "RL200"
UNRESOLVED_DELTA = "RL201"
INTO_ABSENT = "RL202"
UNCONFIRMED = "RL203"
NOT_A_SCHOOL = "RL204"
NOT_A_SCHOOL_YEAR = "RL205"


def ref_columns(t: Table) -> list[ColumnSpec]:
    """The reference columns this table actually has, whichever version's layout it uses."""
    fs = oneroster().files.get(t.name)
    if fs is None:
        return []
    seen: dict[str, ColumnSpec] = {}
    for v in VERSIONS:
        for c in fs.columns(v):
            if c.ref and t.has(c.name) and c.name not in seen:
                seen[c.name] = c
    return list(seen.values())


def _items(t: Table, col: ColumnSpec, blanks: bool = False) -> pl.DataFrame:
    """(LINE, sourced_id, item) for every reference in the column; blanks only if asked
    (dropping them after an anti-join spares copying a multi-million-row column)."""
    sid = pl.col(SID) if t.has(SID) and col.name != SID else pl.lit(None, pl.String())
    df = t.df.select(LINE, sid.alias("sourced_id"), pl.col(col.name).alias("item"))
    if col.list:
        return exploded(df, "item")
    return df if blanks else df.filter(present("item"))


def _hints(target: pl.DataFrame, keys: pl.Series | None = None) -> pl.DataFrame:
    """fold(id) -> one real id, to suggest when an exact match fails (only for `keys`)."""
    folded = (
        target.select(pl.col(SID).alias("hint"))
        .filter(present("hint"))
        .with_columns(fold(pl.col("hint")).alias("key"))
    )
    if keys is not None:
        folded = folded.filter(pl.col("key").is_in(keys.implode()))
    return folded.group_by("key").agg(pl.col("hint").min())


def _screen(export: Export, t: Table, column: str, target: Table) -> pl.Series | None:
    """For enrollments, a mask holding every row whose `column` may be unresolved, from the
    pass over their schools that the enrollment rules make anyway (facts.screens):
    a row whose (class, school) or (user, org) pair is known names a class or user that
    exists, and the school mask is the check itself.  None where no screen applies."""
    if t.name != "enrollments.csv":
        return None
    want = "orgs.csv" if column == "schoolSourcedId" else None
    if column in facts.resolved_by_school(export):
        want = "classes.csv" if column == "classSourcedId" else "users.csv"
    if want is None or target.name != want:
        return None
    return facts.screens(export).get(column)


def _unresolved(
    export: Export, t: Table, col: ColumnSpec, target: Table, out: Findings, rule: str
) -> None:
    known = id_hash(export, target.name, SID)
    items = _items(t, col, blanks=True)
    maybe = None if col.list else _screen(export, t, col.name, target)
    if maybe is not None:  # only the screened rows may be unresolved: decide on those
        items = items.filter(maybe)
    if col.list or maybe is not None:
        gone = ~items["item"].hash(seed=ID_HASH_SEED).is_in(known.implode())
    else:  # a single-id column's items are its rows: the export's shared hashes if kept
        gone = absent(export, t, col.name, known)
    # Exact: a value whose hash is not among the target's is certainly not there.
    missing = items.filter(gone).filter(present("item"))
    if missing.height == 0:
        return
    missing = missing.with_columns(fold(pl.col("item")).alias("key"))
    missing = missing.join(_hints(target.df, missing["key"].unique()), on="key", how="left")
    head = pl.format(
        "{} '{}' is not a sourcedId in {}", pl.lit(col.name), "item", pl.lit(target.path)
    )
    hint = pl.format("; did you mean '{}'? (references must match exactly)", "hint")
    message = pl.when(pl.col("hint").is_not_null()).then(head + hint).otherwise(head + pl.lit("."))
    hits = missing.select(
        LINE,
        "sourced_id",
        pl.col("item").alias("value"),
        pl.col("item").alias("related_value"),
        message.alias("message"),
    ).rename({LINE: "line"})
    out.add(rule, hits, file=t.path, column=col.name, related_file=target.path, related_column=SID)


def _into_absent(export: Export, t: Table, col: ColumnSpec, out: Findings, rule: str) -> None:
    """One finding per column: every row would be unresolved, so name the first and count."""
    items = _items(t, col)
    if items.height == 0:
        return
    first = items.sort(LINE, maintain_order=True).row(0, named=True)
    mode = export.manifest.get(oneroster().manifest_key(col.ref or ""))
    where = "which the manifest marks absent" if mode == "absent" else "which is not in the export"
    n = items.height
    message = (
        f"{col.name} holds {n} reference{'s' if n != 1 else ''} into {col.ref}, {where}"
        f" (first: '{first['item']}')."
    )
    out.one(
        rule,
        message,
        file=t.path,
        line=first[LINE],
        column=col.name,
        sourced_id=first["sourced_id"],
        value=first["item"],
        related_file=col.ref,
        related_column=SID,
        related_value=first["item"],
    )


def _type_check(
    t: Table,
    col: str,
    target: Table,
    want: str,
    out: Findings,
    rule: str,
    screen: pl.Series | None = None,
) -> None:
    """References that resolve, but to an org/session of the wrong type.  `screen`: a
    mask of `t`'s rows holding every such row (facts.screens), else all are read."""
    if not (t.has(col) and target.has("type")):
        return
    wrong = target.df.filter(present("type") & (pl.col("type") != want)).select(
        pl.col(SID).alias(col), pl.col("type").alias("target_type")
    )
    if wrong.height == 0:
        return
    sid = pl.col(SID) if t.has(SID) else pl.lit(None, pl.String())
    rows = t.df if screen is None else t.df.filter(screen)
    hits = (
        rows.filter(pl.col(col).is_in(wrong[col].implode()))
        .select(LINE, sid.alias("sourced_id"), col)
        .join(wrong, on=col, how="left")
        .select(
            pl.col(LINE).alias("line"),
            "sourced_id",
            pl.col(col).alias("value"),
            pl.col(col).alias("related_value"),
            pl.format(
                "{} '{}' is a {} in {}, not a {}.",
                pl.lit(col),
                col,
                "target_type",
                pl.lit(target.path),
                pl.lit(want),
            ).alias("message"),
        )
    )
    out.add(rule, hits, file=t.path, column=col, related_file=target.path, related_column="type")


def _route(t: Table, col: ColumnSpec, target: Table | None) -> str | None:
    """Which rule an unresolved reference from `col` falls under, or None to skip it."""
    if target is not None and not target.readable:
        return None  # the loader reports the unreadable file; nothing to match against
    if target is None or target.mode == "absent" or not target.has(SID):
        if target is not None and target.mode != "absent":
            return None  # present without a sourcedId column: a header finding
        if t.mode == "delta":
            return None  # a delta may reference what earlier deliveries sent
        return UNCONFIRMED if col.verify else INTO_ABSENT
    if col.verify:
        return UNCONFIRMED
    if t.mode == "delta" or target.mode == "delta":
        return UNRESOLVED_DELTA
    return UNRESOLVED


def _references(export: Export, out: Findings) -> None:
    for t in export.tables.values():
        if not t.readable:
            continue
        for col in ref_columns(t):
            target = export.tables.get(col.ref or "")
            rule = _route(t, col, target)
            if rule is None:
                continue
            if target is None or target.mode == "absent" or not target.has(SID):
                _into_absent(export, t, col, out, rule)
            else:
                _unresolved(export, t, col, target, out, rule)


def _target_types(export: Export, out: Findings) -> None:
    orgs = export.table("orgs.csv")
    if orgs is not None and orgs.has(SID):
        for name in ("classes.csv", "enrollments.csv"):
            source = export.table(name)
            if source is None:
                continue
            screen = None
            if name == "enrollments.csv":  # 7M rows: the enrollments' school pass screens them
                screen = facts.screens(export).get(facts.NOT_A_SCHOOL)
            _type_check(source, "schoolSourcedId", orgs, "school", out, NOT_A_SCHOOL, screen)
    sessions = export.table("academicSessions.csv")
    courses = export.table("courses.csv")
    if sessions is not None and courses is not None and sessions.has(SID):
        _type_check(courses, "schoolYearSourcedId", sessions, "schoolYear", out, NOT_A_SCHOOL_YEAR)


def run(export: Export, out: Findings) -> None:
    _references(export, out)
    _target_types(export, out)
