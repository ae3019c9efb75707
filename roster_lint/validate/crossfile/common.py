"""Shared helpers for the cross-file rules: blanks, lists, roles and orgs per user.

Everything here works on whole columns.  Values are compared exactly (SK-F2): nothing is
trimmed or case-folded except where a helper says it builds a "did you mean" key.
"""

from __future__ import annotations

import polars as pl

from roster_lint.model import ID_HASH_SEED, Export, Table

SID = "sourcedId"
ID_T = pl.String()

# 1.1 users.role / 1.2 roles.role values that make a user a student, or a student's agent.
STUDENT_ROLES = ("student",)
AGENT_ROLES = ("parent", "guardian", "relative")


def blank(col: str) -> pl.Expr:
    """A cell with no value: null or the empty string (a single space is a value)."""
    return pl.col(col).is_null() | (pl.col(col) == "")


def present(col: str) -> pl.Expr:
    return ~blank(col)


def not_deleted(t: Table) -> pl.Expr:
    """Rows that are not `tobedeleted`: counts (teachers per class...) ignore deletions."""
    if not t.has("status"):
        return pl.lit(True)
    return pl.col("status").is_null() | (pl.col("status") != "tobedeleted")


# Hashes kept with the export (Export.id_hash): the ids most checks match on.  The rest
# (an enrollment's own sourcedId, its school and role) are hashed where they are read:
# hashing again costs less than holding each to the end of validation (docs/performance.md).
KEPT_HASHES = {"userSourcedId", "classSourcedId"}


def hash_is_shared(name: str, column: str) -> bool:
    """Whether `name[column]`'s hashes are shared (Export.id_hash): KEPT_HASHES and every
    sourcedId outside enrollments.csv."""
    return column in KEPT_HASHES or (column == SID and name != "enrollments.csv")


def id_hash(export: Export, name: str, column: str) -> pl.Series:
    """u64 hashes of `name[column]` (ID_HASH_SEED, aligned with the rows): the export's
    shared ones where `hash_is_shared`, else fresh."""
    if hash_is_shared(name, column):
        return export.id_hash(name, column)
    df = export.tables[name].df
    return df.select(pl.col(column).hash(seed=ID_HASH_SEED)).to_series()


# Expressions over millions of rows run this many rows at a time where their intermediates
# (8-byte hashes, one per row) would otherwise all be held at once.
SLICE_ROWS = 2_000_000


def sliced(
    df: pl.DataFrame,
    exprs: dict[str, pl.Expr],
    given: dict[str, pl.Series] | None = None,
    **derived: pl.Expr,
) -> pl.DataFrame:
    """`df.select(**exprs)`, SLICE_ROWS rows at a time, concatenated.  `given`: whole-length
    Series (shared hashes) the expressions read as columns, sliced alike; `derived`:
    columns computed first on each slice, for several expressions to read.  Meant for
    expressions that end small (a mask, a u32): each slice's hashes are freed before the
    next.  A set an `is_in` builds is built once per slice (a few hundredths of a second)."""
    parts = []
    for start in range(0, max(df.height, 1), SLICE_ROWS):
        part = df.slice(start, SLICE_ROWS)
        if given:
            part = part.with_columns(v.slice(start, SLICE_ROWS).alias(k) for k, v in given.items())
        if derived:
            part = part.with_columns(**derived)
        # Lazy: an expression that reads one sub-expression several times (a filtered
        # column, then its shift) computes it once.
        parts.append(part.lazy().select(**exprs).collect(engine="in-memory"))
    return pl.concat(parts)


def streamed(
    df: pl.DataFrame,
    exprs: dict[str, pl.Expr],
    given: dict[str, pl.Series] | None = None,
    **derived: pl.Expr,
) -> pl.DataFrame:
    """`df.select(**exprs)` on polars' streaming engine, for row-wise expressions (no
    shift, no filter) that end small (a mask, a u32): like `sliced`, no whole-length
    intermediate is held (it works morsel by morsel), but an `is_in` builds its set once
    instead of once per slice (which is not free for a million-entry set).  `given` as in
    `sliced`; `derived` likewise, but computed in order: each may read the ones before.
    The result is one chunk."""
    lf = df.lazy()
    if given:
        lf = lf.with_columns(v.alias(k) for k, v in given.items())
    for name, expr in derived.items():
        lf = lf.with_columns(expr.alias(name))
    return lf.select(**exprs).collect(engine="streaming").rechunk()


def absent(export: Export, t: Table, column: str, known: pl.Series) -> pl.Series:
    """Mask over `t`'s rows: the u64 hash of `t[column]` is not in `known` (so the value is
    certainly not there).  Shared hashes are used where `hash_is_shared`, else hashed on the
    streaming engine (no whole-length hash column held)."""
    if hash_is_shared(t.name, column):
        return ~export.id_hash(t.name, column).is_in(known.implode())
    gone = ~pl.col(column).hash(seed=ID_HASH_SEED).is_in(known.implode())
    return streamed(t.df, {"gone": gone}).to_series()


def live(export: Export, t: Table) -> pl.Series | None:
    """The rows of `t` that are not `tobedeleted` as a mask, or None when all are
    (computed once per table: several rules would otherwise compare every status)."""

    def build() -> pl.Series | None:
        mask = t.df.select(not_deleted(t).fill_null(False)).to_series()
        return None if mask.all() else mask

    found: pl.Series | None = export.cached(f"{CACHE_KEY}live:{t.name}", build)
    return found


def live_hashes(export: Export, t: Table, column: str, where: pl.Expr | None = None) -> pl.Series:
    """The u64 hashes of `t[column]` (id_hash) on rows that are not `tobedeleted` and
    match `where`: no copy of the table, only a mask over its rows (none if all match)."""
    h = id_hash(export, t.name, column)
    keep = live(export, t)
    if where is not None:
        extra = t.df.select(where.fill_null(False)).to_series()
        keep = extra if keep is None else keep & extra
    return h if keep is None else h.filter(keep)


def rows(t: Table, where: pl.Expr, *columns: str | pl.Expr) -> pl.DataFrame:
    """`columns` of the rows matching `where`.  Lazy, so only those columns are gathered:
    filtering the table's frame first would copy all of its columns (18 in users.csv)."""
    return t.df.lazy().filter(where).select(*columns).collect()


def semi(
    left: pl.DataFrame, right: pl.DataFrame, on: str, where: pl.Expr | None = None
) -> pl.DataFrame:
    """`left.join(right.filter(where), on=on, how="semi")` for a few left rows against a
    large right side (a million user ids): the right rows are narrowed to left's values
    first, so the join does not build a table of a million strings."""
    wanted = pl.col(on).is_in(left[on].drop_nulls().unique().implode())
    keep = wanted if where is None else wanted & where
    narrow = right.lazy().filter(keep).select(on).collect()
    return left.join(narrow, on=on, how="semi")


def table(export: Export, name: str, *columns: str) -> Table | None:
    """A readable table that has every named column, else None (the loader reports why)."""
    t = export.table(name)
    if t is None or any(not t.has(c) for c in columns):
        return None
    return t


def is_complete(t: Table | None) -> bool:
    """True when the file is the whole truth (bulk or no manifest mode), not a delta."""
    return t is not None and t.mode not in ("delta", "absent")


def exploded(df: pl.DataFrame, col: str, alias: str | None = None) -> pl.DataFrame:
    """One row per non-blank item of a comma-separated list column (items kept untrimmed).

    Most cells hold one item: those rows are kept as they are and only the cells with a
    comma are split (splitting a million single ids costs more than the check that reads
    them).  Row order is not kept: single-item rows come first, then the split ones in
    order.
    """
    name = alias or col
    listed = pl.col(col).str.contains(",", literal=True)
    # One filter per part (a cell with a comma is never blank): filtering the blanks out
    # first would copy a million rows once more.
    single = df.filter(present(col) & ~listed).with_columns(pl.col(col).alias(name))
    split = (
        df.filter(listed)
        .with_columns(pl.col(col).str.split(",").alias(name))
        .explode(name)
        .filter(present(name))
    )
    return pl.concat([single, split])


def fold(expr: pl.Expr) -> pl.Expr:
    """The key for "did you mean": trimmed and lower-cased."""
    return expr.str.strip_chars().str.to_lowercase()


# Frames several checks derive from the same export (roles per user...), built once per
# export and kept with it (Export.cached, thread-safe) under keys starting with CACHE_KEY.
CACHE_KEY = "crossfile:"


def quote_list(values: pl.Expr, limit: int = 5) -> pl.Expr:
    """A list column rendered as "'a', 'b', 'c'" (at most `limit` items, then an ellipsis)."""
    shown = values.list.head(limit).list.eval(pl.lit("'") + pl.element() + pl.lit("'"))
    text = shown.list.join(", ")
    return pl.when(values.list.len() > limit).then(text + pl.lit(", ...")).otherwise(text)


def repeats(hashes: pl.Series) -> pl.Series:
    """The values that occur more than once in `hashes` (one or more times each).

    Equal neighbours once sorted: several times cheaper than is_duplicated() on millions
    of rows.  polars' sort, not numpy's: on this AMD EPYC numpy's AVX-512 sort takes
    0.28 s for 7.3M u32 against 0.21 s (its compress-stores are slow there; it took 0.04 s
    on the machine of the earlier sessions: docs/performance.md, branch checkfast3).  On
    one thread: polars' parallel sort took 0.21 s of CPU for 7.3M u32 against 0.12 s on
    one (and no less wall on two cores), and the cross-file tasks that call this keep
    both cores busy already.  Neighbours compared as two slices of the sorted values (no
    shifted copy: docs/performance.md, branch checkfast5).
    """
    rest, equal = _equal_neighbours(hashes)
    return rest.filter(equal).unique()


def distinct(hashes: pl.Series) -> bool:
    """No value repeats in `hashes` (`n_unique() == len()`), the way `repeats` finds them:
    polars' n_unique of 7.3M u64 sorts on both cores, 0.21 s of CPU against 0.13 s on one
    (docs/performance.md, branch difffast5; `diff` asks it of each side's key hashes)."""
    return not _equal_neighbours(hashes)[1].any()


def _equal_neighbours(hashes: pl.Series) -> tuple[pl.Series, pl.Series]:
    """`hashes` sorted on one thread, less its first value, and whether each equals the
    value before it."""
    ordered = hashes.sort(multithreaded=False)
    rest = ordered.slice(1)
    return rest, rest == ordered.slice(0, rest.len())


def among(values: pl.Series, pool: pl.Series, slice_rows: int = 2_000_000) -> pl.Series:
    """`values.is_in(pool)`, building the set from slices of a large pool in turn: the set
    of a whole 7M-row pool is large; slices of 2M hold a third of it, for no more time."""
    found: pl.Series | None = None
    for start in range(0, max(pool.len(), 1), slice_rows):
        hit = values.is_in(pool.slice(start, slice_rows).implode())
        found = hit if found is None else found | hit
    assert found is not None
    return found


PAIR_SEED = 211  # re-hashes the 2nd, 3rd... column's hash so that (a, b) != (b, a)


def combined(hashes: list[pl.Series]) -> pl.Series:
    """One u64 key from per-column ID_HASH_SEED hashes (see Export.id_hash)."""
    out = hashes[0]
    for i, h in enumerate(hashes[1:]):
        out = out ^ h.hash(seed=PAIR_SEED + i)
    return out


def row_hash(df: pl.DataFrame, *cols: str) -> pl.Series:
    """A u64 hash of several columns together (seeded per column, so order matters);
    XOR of column hashes is several times cheaper than hashing a struct."""
    expr = pl.lit(0, pl.UInt64())
    for i, col in enumerate(cols):
        expr = expr ^ pl.col(col).hash(seed=101 + i)
    return df.select(expr.alias("h"))["h"]


def repeated(
    df: pl.DataFrame,
    key: pl.Expr,
    where: pl.Expr | None = None,
    hashed: pl.Series | None = None,
) -> pl.DataFrame:
    """Rows of `df` (those matching `where`) whose `key` value occurs more than once among
    them, with `key` added as "key".

    Hash-then-verify: a hash of the key finds the candidates cheaply; the exact
    comparison then runs only on them, so a hash collision can never invent a duplicate.
    The whole u64 hashes are sorted, not their low 32 bits: on one thread polars sorts
    7.3M u64 in 0.125 s against 0.116 s for u32, and the low bits' chance repeats (about
    n^2/2^33: ~6,100 at 7.3M rows) made every call probe all rows against them (0.04 s);
    a u64 repeats by chance about never, so a file without duplicates probes nothing
    (docs/performance.md, branch checkfast6).
    `where` is applied to the candidates only, which spares copying a large frame.
    `hashed` may give the hashes precomputed (see row_hash, duplicates.hashes; u32 are
    taken as they are); pass a temporary, so that it is freed here before the sort.
    """
    h = hashed if hashed is not None else df.select(key.hash(seed=7).alias("h"))["h"]
    del hashed
    twice = repeats(h)
    # No hash repeats (about always without duplicates): no row is probed.
    candidates = df.clear() if twice.len() == 0 else df.filter(h.is_in(twice.implode()))
    del h
    if where is not None:
        candidates = candidates.filter(where)
    if candidates.height == 0:
        return candidates.with_columns(key.alias("key"))
    return candidates.with_columns(key.alias("key")).filter(pl.col("key").is_duplicated())
