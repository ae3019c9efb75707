"""Duplicates: sourcedIds within a file, enrollments, usernames and e-mails across users.

Exact uniqueness on long ids is the biggest single cost at district scale (perf-anchors):
hash first, then verify only the rows whose hash repeats.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import ID_HASH_SEED, LINE, Export, Table
from roster_lint.validate.bytefacts import changing_ranges
from roster_lint.validate.crossfile.bytescan import marked_rows
from roster_lint.validate.crossfile.common import (
    PAIR_SEED,
    SID,
    fold,
    hash_is_shared,
    id_hash,
    not_deleted,
    present,
    quote_list,
    repeated,
    rows,
    sliced,
    table,
)
from roster_lint.validate.crossfile.facts import user_roles
from roster_lint.validate.crossfile.grouped import add_by_line

DUPLICATE_ID = "RL210"
DUPLICATE_ID_CASE = "RL211"
DUPLICATE_ENROLLMENT = "RL212"
DUPLICATE_USERNAME = "RL213"
DUPLICATE_EMAIL = "RL214"


def hashes(t: Table, expr: pl.Expr, **given: pl.Series) -> pl.Series:
    """A u64 hash expression over `t`, by slices (see common.sliced): what `repeated`
    sorts, without the expression's whole-length intermediates held on the way."""
    return sliced(t.df, {"h": expr}, given).to_series()


def _with_group_lines(dups: pl.DataFrame) -> pl.DataFrame:
    """Adds `n` (rows sharing the key) and `lines` ("2, 5, 9") to every duplicate row."""
    groups = dups.group_by("key").agg(
        pl.len().alias("n"), pl.col(LINE).sort().cast(pl.String()).alias("all_lines")
    )
    return dups.join(groups, on="key", how="left").with_columns(
        pl.col("all_lines").list.head(10).list.join(", ").alias("lines")
    )


CHANGES_WHEN_FOLDED = r"[\p{Lu}\p{Lt}\s]"  # capitals and spaces: what fold() can change


Ranges = list[tuple[int, int]] | None


def _changing(df: pl.DataFrame, ranges: Ranges | bool = True) -> pl.DataFrame:
    """Rows whose id holds a capital or a space, the only ids fold() can change.

    The regex is slow on millions of ids (one core), so a byte screen (bytescan, several
    times cheaper: docs/performance.md) first keeps only the chunks of rows that may
    match; the regex
    decides on those, on two halves at once (one per core) when they are many.
    `ranges`: the screen's ranges of df's ids when the caller has them (a superset of
    marked_rows' own: validate.bytefacts), else True (screened here).
    """
    changes = pl.col(SID).str.contains(CHANGES_WHEN_FOLDED)
    if ranges is True:
        ranges = marked_rows(df[SID])
    assert ranges is not False
    if ranges is not None and ranges != [(0, df.height)]:  # else every row may: see below
        if not ranges:
            return df.clear()
        return pl.concat([df.slice(start, n) for start, n in ranges]).filter(changes)
    half = df.height // 2
    parts = [df.lazy().slice(0, half), df.lazy().slice(half)] if half else [df.lazy()]
    return pl.concat(pl.collect_all([p.filter(changes) for p in parts]))


def _fold_candidates(df: pl.DataFrame, ranges: Ranges | bool = True) -> pl.DataFrame:
    """Rows whose id equals another row's id once case and outer spaces are ignored.

    Folding millions of ids costs more than the comparison, and most exports have ids
    without capitals or spaces: fold only those that change, and match them against the
    rest (already folded) and each other.
    """
    odd = (
        _changing(df, ranges)
        .with_columns(fold(pl.col(SID)).alias("folded"))
        .filter(present("folded"))
    )
    if odd.height == 0:
        return odd.with_columns(pl.col("folded").alias("key")).clear()
    # The rest: ids equal to a folded id (few rows), minus those that change themselves.
    plain = (
        df.filter(pl.col(SID).is_in(odd["folded"].implode()))
        .filter(~pl.col(SID).str.contains(CHANGES_WHEN_FOLDED))
        .with_columns(pl.col(SID).alias("folded"))
    )
    return repeated(pl.concat([odd, plain]).sort(LINE), pl.col("folded"))


def _sourced_ids(export: Export, t: Table, out: Findings) -> None:
    df = t.df.select(LINE, SID)
    if not hash_is_shared(t.name, SID):  # enrollment ids: hashed by slices, not kept
        hashed = hashes(t, pl.col(SID).hash(seed=ID_HASH_SEED))
    else:
        hashed = id_hash(export, t.name, SID)
    dups = repeated(df, pl.col(SID), present(SID), hashed=hashed)
    del hashed
    if dups.height:
        _add_duplicates(out, DUPLICATE_ID, dups, _id_hits, file=t.path)
    # Ids that differ only in case or surrounding spaces: receivers that fold case merge them.
    # One byte pass answers RL211's screen and the schema's is_quiet (validate.bytefacts).
    folded = _fold_candidates(df, changing_ranges(export, t.name, df[SID]))
    if folded.height == 0:
        return
    spellings = folded.group_by("key").agg(pl.col(SID).unique().sort().alias("spellings"))
    folded = (
        folded.join(spellings, on="key", how="left")
        .filter(pl.col("spellings").list.len() > 1)
        .with_columns(quote_list(pl.col("spellings")).alias("others"))
    )
    out.add(
        DUPLICATE_ID_CASE,
        folded.select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col(SID).alias("value"),
            pl.format(
                "sourcedId '{}' matches another id when case and spaces are ignored"
                " (spellings: {}).",
                SID,
                "others",
            ).alias("message"),
        ),
        file=t.path,
        column=SID,
    )


def _enrollments(export: Export, out: Findings) -> None:
    t = table(export, "enrollments.csv", "classSourcedId", "userSourcedId", "role")
    if t is None:
        return
    sid = pl.col(SID) if t.has(SID) else pl.lit(None, pl.String())
    cols: list[str | pl.Expr] = [
        LINE,
        sid.alias("sourced_id"),
        "classSourcedId",
        "userSourcedId",
        "role",
    ]
    # The status is read on the candidates only (see repeated): not on 7M rows.
    df = t.df.select(*cols, *(["status"] if t.has("status") else []))
    # Candidates by (class, user) alone, from the shared hashes: a repeated triple repeats
    # its pair, so this finds every one; the exact triple is compared on the few candidate
    # rows.  Hashing the role of every row as well would cost time and memory for nothing.
    pair = (pl.col("_c") ^ pl.col("_u").hash(seed=PAIR_SEED)).cast(pl.UInt64)  # combined()
    hashed = hashes(
        t,
        pair,
        _c=id_hash(export, t.name, "classSourcedId"),
        _u=id_hash(export, t.name, "userSourcedId"),
    )
    key = pl.struct("classSourcedId", "userSourcedId", "role")
    dups = repeated(df, key, not_deleted(t), hashed=hashed)
    del hashed
    if dups.height == 0:
        return
    _add_duplicates(out, DUPLICATE_ENROLLMENT, dups, _enrollment_hits, file=t.path)


def _id_hits(dups: pl.DataFrame) -> pl.DataFrame:
    """RL210's hits, one per duplicate row (`dups` with `n` and `lines`)."""
    return dups.select(
        pl.col(LINE).alias("line"),
        pl.col(SID).alias("sourced_id"),
        pl.col(SID).alias("value"),
        pl.format(
            "sourcedId '{}' appears {} times in this file (lines {}).", SID, "n", "lines"
        ).alias("message"),
        pl.lit(SID).alias("column"),
    )


def _enrollment_hits(dups: pl.DataFrame) -> pl.DataFrame:
    """RL212's hits, one per duplicate row (`dups` with `n` and `lines`)."""
    return dups.select(
        pl.col(LINE).alias("line"),
        "sourced_id",
        pl.col("userSourcedId").alias("value"),
        pl.format(
            "user '{}' is enrolled in class '{}' as {} {} times (lines {}).",
            "userSourcedId",
            "classSourcedId",
            "role",
            "n",
            "lines",
        ).alias("message"),
        pl.lit("userSourcedId").alias("column"),
    )


def _add_duplicates(
    out: Findings,
    rule: str,
    dups: pl.DataFrame,
    hits: Callable[[pl.DataFrame], pl.DataFrame],
    **constants: str,
) -> None:
    """Adds `rule`'s findings for duplicate rows `dups` (LINE, "key", what `hits` reads;
    `hits` makes the rows from `dups` with `n` and `lines`).  Each row is one line, so
    more than GROUP_LIMIT of them are one finding (grouped.add_by_line): the group lines
    and message are then made for the first row's key only, not for 200k rows."""

    def made(part: pl.DataFrame) -> pl.DataFrame:
        if part.height == dups.height:
            return hits(_with_group_lines(dups))
        group = dups.join(part.select("key"), on="key", how="semi", nulls_equal=True)
        return hits(_with_group_lines(group).join(part.select(LINE), on=LINE, how="semi"))

    add_by_line(out, rule, dups, made, **constants)


def _lowercase_hash(t: Table, column: str) -> pl.Series:
    """hash(seed=7) of `column` lower-cased, on every row of `t` (as `repeated` hashes a
    key).  Lower-casing a million e-mails costs 4x hashing them, and a value without a
    capital or a non-ASCII byte is its own lower case: only the chunks the byte screen
    marks (bytescan) are lower-cased, the others are hashed as they are."""
    lower = pl.col(column).str.to_lowercase().hash(seed=7)
    ranges = marked_rows(t.df[column])
    if ranges is None:
        return t.df.select(lower).to_series()
    parts: list[pl.DataFrame] = []
    done = 0
    for start, n in [*ranges, (t.rows, 0)]:
        if start > done:
            parts.append(t.df.slice(done, start - done).select(pl.col(column).hash(seed=7)))
        if n:
            parts.append(t.df.slice(start, n).select(lower))
        done = start + n
    if not parts:
        return t.df.select(lower).to_series()
    return pl.concat([p.to_series() for p in parts])


def _users_column(export: Export, column: str, rule: str, out: Findings) -> None:
    """Usernames or e-mails shared by several users, compared without case (SSO does)."""
    t = table(export, "users.csv", SID, column)
    if t is None:
        return
    where = present(column) & not_deleted(t)
    df = rows(t, where, LINE, SID, column)
    hashed = _lowercase_hash(t, column).filter(t.df.select(where.fill_null(False)).to_series())
    dups = repeated(df, pl.col(column).str.to_lowercase(), hashed=hashed)
    if dups.height == 0:
        return
    roles = (
        user_roles(export)
        .join(dups.select(pl.col(SID).alias("userSourcedId")), on="userSourcedId", how="semi")
        .group_by("userSourcedId")
        .agg(pl.col("role").unique().sort().str.join("+").alias("roles"))
    )
    dups = dups.join(roles, left_on=SID, right_on="userSourcedId", how="left")
    groups = dups.group_by("key").agg(
        pl.len().alias("n"),
        pl.col(SID).sort().alias("ids"),
        pl.col("roles").n_unique().alias("n_roles"),
        pl.col("roles").null_count().alias("no_role"),
    )
    dups = dups.join(groups, on="key", how="left")
    # One row per role is how OneRoster 1.1 carries multi-role staff: say so, it is not an error.
    multi_role = (pl.col("n_roles") == pl.col("n")) & (pl.col("no_role") == 0)
    tail = (
        pl.when(multi_role)
        .then(
            pl.lit(
                "; each has a different role, the OneRoster 1.1 multi-role pattern"
                " that receivers merge by username."
            )
        )
        .otherwise(pl.lit("; receivers that key on it will merge or reject these users."))
    )
    message = (
        pl.format(
            "{} '{}' is shared by {} users ({})",
            pl.lit(column),
            column,
            "n",
            quote_list(pl.col("ids")),
        )
        + tail
    )
    out.add(
        rule,
        dups.select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col(column).alias("value"),
            message.alias("message"),
        ),
        file=t.path,
        column=column,
    )


def _ids(export: Export, out: Findings, enrollments: bool) -> None:
    for t in export.tables.values():
        if t.readable and t.has(SID) and (t.name == "enrollments.csv") == enrollments:
            _sourced_ids(export, t, out)


def _enrollment_ids(export: Export, out: Findings) -> None:
    _ids(export, out, enrollments=True)


def _other_ids(export: Export, out: Findings) -> None:
    _ids(export, out, enrollments=False)


def _users(export: Export, out: Findings) -> None:
    _users_column(export, "username", DUPLICATE_USERNAME, out)
    _users_column(export, "email", DUPLICATE_EMAIL, out)


# Independent parts, so that crossfile.run can spread them over threads: the enrollment
# ids alone take half of this module's time at 7M rows.
TASKS = (_enrollment_ids, _other_ids, _enrollments, _users)


def run(export: Export, out: Findings) -> None:
    for task in TASKS:
        task(export, out)
