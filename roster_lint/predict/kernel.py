"""The engine's machinery, behind a few named functions so that the rules read like the
article (predict/rules/) and the stages read like the rules: bit masks and lookup tables
for reasons, chunk alignment of the columns the plan adds, and row numbers instead of
36-character keys.  Why each exists, and what it saves at district scale, is in
docs/performance.md.

Reasons (masks, tables): kept as one String per row (names joined by SEP) while the
engine works.

A List[String] column on 7M enrollments costs memory and time in every join, filter and
concat it rides through; a joined string is a plain column ("" = no reason).  The list the
plan promises (ACTION_SCHEMA) is built once, at output, by `as_list`.

Chunks: new columns are chunked like the loader's frames.

The loader's columns come in hundreds of chunks (7M enrollments: ~700).  A frame whose
columns are chunked differently is rechunked whole by the next eager operation that needs
them aligned: a copy of every column's 16-byte string views (docs/performance.md).
Columns the plan adds (join results, looked-up reasons, details) are cut into the same
chunks instead: slices, no copy.

Rows: Row numbers instead of 36-character keys: each enrollment's class as the class's row.

The enrollments meet their class three times (grade counts, the teacher test, the class's
decision).  With the class's row number (`_crow`, u32) the counts key on it, the results
land on the classes by position, and the decision is a gather: no hash of 7M class ids per
step.  Finding the row is one pass: exports list a class's enrollments together, so only
the first row of each run of equal ids is looked up (~280k of 7M at 1M students) and the
answer is repeated over the run.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from roster_lint.predict.encode import SEP, STR

# --- reasons: bit masks and tables of every combination --------------------------------
LISTS = pl.List(STR)
EMPTY = pl.lit([], LISTS)


TABLE_FLAGS = 12  # up to 4,096 combinations: looked up, not concatenated


def joined(flags: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """The names whose flag is true, in the order given, joined by SEP ("" when none).

    The flags make a bit mask and the mask picks its text from a table of every
    combination: concatenating one optional name column per flag would materialise a
    string column per flag (7 x 16 bytes a row on 7M enrollments) for a mostly empty
    result."""
    if not flags:
        return pl.lit("", STR)
    per_row = any(flag.meta.root_names() for _, flag in flags)
    if len(flags) > TABLE_FLAGS or not per_row:  # literal flags: one value, broadcast
        parts = [pl.when(flag.fill_null(False)).then(pl.lit(name, STR)) for name, flag in flags]
        return pl.concat_str(parts, separator=SEP, ignore_nulls=True).fill_null("")
    return pl.lit(pl.Series(names_table(flags), dtype=STR)).gather(mask(flags))


def mask(flags: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """UInt16 with bit i set where flag i is true (null = false).

    A sum of `when(flag).then(bit)` terms: cheaper than `sum_horizontal` of each flag
    cast and multiplied."""
    zero = pl.lit(0, pl.UInt16)
    out = zero
    for i, (_, flag) in enumerate(flags):
        out = out + pl.when(flag.fill_null(False)).then(pl.lit(1 << i, pl.UInt16)).otherwise(zero)
    return out


def names_table(flags: list[tuple[str, pl.Expr]]) -> list[str]:
    """The joined reasons of every mask value (index = mask)."""
    names = [name for name, _ in flags]
    return [SEP.join(n for i, n in enumerate(names) if m >> i & 1) for m in range(1 << len(names))]


def firsts_table(flags: list[tuple[str, pl.Expr]]) -> list[str | None]:
    """The first reason of every mask value (index = mask; None for no reason)."""
    names = [name for name, _ in flags]
    return [
        next((n for i, n in enumerate(names) if m >> i & 1), None) for m in range(1 << len(names))
    ]


def lookup(table: list[str] | list[str | None], mask_column: str) -> pl.Expr:
    """`table[mask]` per row (a table from names_table / firsts_table)."""
    assert len(table) <= 1 << TABLE_FLAGS, "a table of every combination of this many flags"
    return pl.lit(pl.Series(table, dtype=STR)).gather(pl.col(mask_column))


def as_list(expr: pl.Expr) -> pl.Expr:
    """The List[String] form of a joined reasons string."""
    return pl.when(expr == "").then(EMPTY).otherwise(expr.str.split(SEP))


def first(expr: pl.Expr) -> pl.Expr:
    """The first reason name, null when there is none (like `list.first()`)."""
    return pl.when(expr != "").then(expr.str.splitn(SEP, 2).struct.field("field_0"))


def last(expr: pl.Expr) -> pl.Expr:
    """The last reason name, null when there is none (like `list.last()`)."""
    return pl.when(expr != "").then(expr.str.extract(f"([^{SEP}]*)$", 1))


def append(expr: pl.Expr, name: str) -> pl.Expr:
    """The reasons with one more name at the end."""
    return pl.when(expr == "").then(pl.lit(name, STR)).otherwise(expr + pl.lit(SEP + name, STR))


def counts(frame: pl.DataFrame, flags: list[tuple[str, pl.Expr]]) -> dict[str, int]:
    """How many rows each flag is true on (not-documented choices, for the plan's notes)."""
    if not flags or frame.height == 0:
        return {}
    # with_columns first: a literal flag (e.g. the mode) must count every row, not one.
    named = [(f"_nd{i}", f.fill_null(False)) for i, (_, f) in enumerate(flags)]
    row = (
        frame.lazy()
        .with_columns([f.alias(n) for n, f in named])
        .select([pl.col(n).sum() for n, _ in named])
        .collect(engine="in-memory")
        .row(0)
    )
    return {k: int(n or 0) for (k, _), n in zip(flags, row, strict=True)}


# --- chunks: new columns cut like the loader's -----------------------------------------
def chunked_like(s: pl.Series, like: pl.Series) -> pl.Series:
    """`s` cut into the same chunks as `like` (zero-copy slices).  A frame whose columns
    are chunked differently is rechunked whole by the next eager operation: the loader's
    7M-row columns come in hundreds of chunks, and copying them is a copy of every value."""
    lengths = like.chunk_lengths()
    if s.chunk_lengths() == lengths:
        return s
    if len(lengths) <= 1:
        return s.rechunk()
    parts, start = [], 0
    for n in lengths:
        parts.append(s.slice(start, n))
        start += n
    return pl.concat(parts, rechunk=False)


def aligned(frame: pl.DataFrame, exprs: list[pl.Expr]) -> list[pl.Series]:
    """The columns `exprs` make on `frame`, chunked like its columns (see chunked_like).

    The first column alone is read for its chunks: `get_columns()` would make every
    column of one value held as that value (the loader's `_constants`: enrollments'
    empty `status`, 7.3M 16-byte views at 1M students, ~28.5k fresh pages) on each
    call, only to read the first."""
    like = frame.to_series(0)
    return [chunked_like(s, like) for s in frame.select(exprs).get_columns()]


def local_categorical() -> pl.Categorical:
    """A Categorical with categories of its own (freed with the columns that use them),
    for the plan's working columns (class ids, grades)."""
    return pl.Categorical(pl.Categories.random())


# --- rows: row numbers instead of keys -------------------------------------------------
ROW = pl.UInt32()
_NONE = 0xFFFF_FFFF  # stands for "not found" in the numpy repeat (no row reaches it)


def first_rows(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """The first row of each `key` value, in file order.  Distinct hashes prove distinct
    values cheaply: only a file with a repeated id pays for the
    order-keeping unique."""
    if frame.select(pl.col(key).hash().n_unique()).item() != frame.height:
        return frame.unique(key, keep="first", maintain_order=True)
    return frame


def row_of(keys: pl.Series, ids: pl.Series) -> pl.Series:
    """The row of each key in `ids` (u32, null where absent; `ids` are distinct): what a
    left join of `keys` on `ids` with a row index gives, in the order of `keys`."""
    n = keys.len()
    if n == 0:
        return pl.Series("row", [], dtype=ROW)
    # The runs of equal keys (a class's enrollments are listed together), as their key
    # and length: `rle` makes no shifted copy of the keys to compare them with (7M
    # 16-byte views at 1M students, ~28k fresh pages; docs/performance.md, "Branch
    # planfast9").  A run of nulls is one run: its rows are null either way.
    runs = keys.rle()
    if runs.len() * 4 > n:  # not listed together: one join of every key
        return _join(keys, ids)
    found = _hash_join(runs.struct.field("value"), ids)
    lengths = runs.struct.field("len").to_numpy()
    if found.null_count() == 0:  # every key is an id (no marker to turn back into null)
        return pl.Series("row", np.repeat(found.to_numpy(), lengths), dtype=ROW)
    repeated = pl.Series("row", np.repeat(found.fill_null(_NONE).to_numpy(), lengths))
    return pl.select(pl.when(repeated != _NONE).then(repeated).alias("row")).to_series()


def _join(keys: pl.Series, ids: pl.Series) -> pl.Series:
    side = pl.DataFrame({"k": ids}).with_row_index("row")
    frame = pl.DataFrame({"k": keys})
    return frame.join(side, on="k", how="left", maintain_order="left")["row"]


def _hash_join(keys: pl.Series, ids: pl.Series) -> pl.Series:
    """`_join` on the u64 hashes, checked: each match must be the same text (a key whose
    hash matches no id is no id), cheaper than the text join; any colliding hash falls
    back to the text join."""
    hashed = ids.hash()
    if hashed.n_unique() != hashed.len():
        return _join(keys, ids)
    side = pl.DataFrame({"h": hashed}).with_row_index("row")
    row = pl.DataFrame({"h": keys.hash()}).join(side, on="h", how="left", maintain_order="left")
    found = row["row"]
    same = (ids.gather(found) == keys).fill_null(False) | found.is_null()
    return found if same.all() else _join(keys, ids)
