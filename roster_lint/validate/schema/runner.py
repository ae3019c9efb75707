"""Run a Schema over a table and turn failures into hits (check, line, sourced_id, value).

Two runners execute the same declarations (the CheckDefs of build.Schema):

- `jobs` + `collect_jobs` (what schema.run uses; `run_fast` for one table): lazy polars
  queries per table, three ways.
  * Small tables (at most EXACT_ROWS rows): every row through the screens below with the
    ASCII-control screen added, which makes them exact.
  * Columns with few distinct values in an even sample (status, role, dates, grades,
    school ids...): judged once per distinct value (`_ByValue`), exactly, text hygiene
    included; only the rows holding a bad value are visited, to place them.  The
    distinct values come from comparing the rows with the sampled values where those are
    very few (a blank status column costs one comparison per row), else from a unique.
  * The others (ids, names: `_ByRows`): every check's cheap screen (or exact expression)
    in ONE lazy select over the whole frame, a filter to the rows where anything fired,
    then the exact expressions on those few rows.  Screens are supersets of the exact
    checks on printable-ASCII values, and every row whose value is not ASCII is refined
    too; the one blind spot left is a C0 control (tab included) or DEL in an otherwise
    ASCII value of such a column in a large table (checks.text_screen: finding them
    costs several times the rest of the pass; docs/performance.md), so a byte pass over
    those columns' buffers (crossfile.bytescan.may_hold_control) turns the exact screen on
    where one may hold a control character: found on tables of any size, at the cost only
    where there are some.
  Id-like columns (screened by checks.space_or_exponent) whose bytes hold no space, no
    plus and nothing but printable ASCII (bytescan.is_quiet) drop the checks that cannot
    fire there (checks.silent_on_quiet: text hygiene, padding, only-spaces, scientific);
    what is left of them, their blanks, is judged on the rows, never by distinct value.
  Non-local checks with a gate (leading zeros: compares with the column's modal length)
  have their gates in the same collect and run in a second one only where a gate opens.
  `collect_jobs` collects the queries of every table together (`pl.collect_all`), so both
  cores work even where a string kernel is single-threaded.
- `run_pandera`: the same declaration as a pandera `DataFrameSchema`,
  `validate(lazy=True)`; failure cases -> hits.  It is the reference the fast runner is
  tested against (tests/validate/test_schema_runners.py holds them to the same answers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from roster_lint.model import LINE
from roster_lint.validate.schema import tokens as T
from roster_lint.validate.schema.build import PRIVATE, Schema
from roster_lint.validate.schema.checks import (
    CheckDef,
    ascii_control_screen,
    silent_on_quiet,
    space_or_exponent,
    text_screen,
)

EXACT_ROWS = 20_000  # at most this many rows: the rows' screens are made exact
SAMPLE_ROWS = 50_000  # rows sampled to guess a column's cardinality
SAMPLE_RUNS = 200  # the even sample is this many runs of consecutive rows
FEW_RATIO = 20  # "few values": at most one distinct value per FEW_RATIO sampled rows
KNOWN_MAX = 3  # at most this many sampled values: rows are compared with them, not hashed
HIT_SCHEMA: dict[str, Any] = {
    "check": pl.String,
    "column": pl.String,
    "line": pl.Int64,
    "sourced_id": pl.String,
    "value": pl.String,
}
GROUPED_SCHEMA: dict[str, Any] = {"count": pl.Int64, "lines": pl.List(pl.Int64)}
Pairs = list[tuple[str, CheckDef]]
DISTINCT = "__distinct"  # _ByValue: the column's count of distinct values


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=HIT_SCHEMA)


def _sid(df: pl.DataFrame) -> pl.Expr:
    return pl.col("sourcedId") if "sourcedId" in df.columns else pl.lit(None, pl.String)


def _gate_exprs(gated: Pairs) -> list[pl.Expr]:
    out = []
    for i, (col, d) in enumerate(gated):
        assert d.gate is not None
        out.append(d.gate(pl.col(col)).fill_null(False).alias(f"g{i}"))
    return out


class _Gate:
    """Gated checks (non-local, e.g. leading zeros): their gates in the first collect, the
    checks whose gates open in a second one (rare: code columns that use leading zeros)."""

    def __init__(self, gated: Pairs, df: pl.DataFrame, group: bool = False) -> None:
        self.gated, self.df, self.group = gated, df, group
        self.query = df.lazy().select(_gate_exprs(gated))

    def finish(self, row: pl.DataFrame) -> tuple[list[pl.DataFrame], list[Job]]:
        opened = [p for p, ok in zip(self.gated, row.row(0), strict=True) if ok]
        return [], [_ByRows(opened, self.df, False, self.group)] if opened else []


def _few_in(sample: pl.DataFrame) -> set[str]:
    counts = sample.select(pl.all().n_unique()).row(0)
    return {
        c for c, n in zip(sample.columns, counts, strict=True) if n * FEW_RATIO <= sample.height
    }


def _spread_sample(columns: list[str], df: pl.DataFrame) -> pl.DataFrame:
    """About SAMPLE_ROWS rows taken evenly through the table (files are often sorted:
    the first rows of enrollments hold a few classes of one school).

    SAMPLE_RUNS runs of consecutive rows: slices are free, while gathering single rows
    from a frame of hundreds of chunks is not (docs/performance.md).
    """
    sub = df.select(columns)
    if sub.height <= SAMPLE_ROWS:
        return sub
    step, run = sub.height // SAMPLE_RUNS, SAMPLE_ROWS // SAMPLE_RUNS
    return pl.concat([sub.slice(i * step, run) for i in range(SAMPLE_RUNS)])


def _distinct(col: str, df: pl.DataFrame, sample: pl.DataFrame) -> pl.LazyFrame:
    """Every distinct value of a column (null included), exactly.

    Where the even sample holds very few values (role, status, dates...), those are taken
    as known and the rows are only compared with them: equality with a short literal
    compares views and costs about half of hashing each row into a new table
    (docs/performance.md); the rows holding another value are hashed as before.
    With more known values a plain unique is as cheap as looking each row up.
    """
    x = pl.col(col)
    known = sample[col].drop_nulls().unique().sort().to_list()
    if not known or len(known) > KNOWN_MAX:
        return df.lazy().select(x.unique())
    seen = pl.any_horizontal([x == v for v in known]).fill_null(False)
    others = df.lazy().select(x.filter(~seen).unique())
    return pl.concat([pl.LazyFrame({col: known}, schema={col: pl.String}), others])


def _screen(
    lf: pl.LazyFrame,
    pairs: Pairs,
    keep: list[str],
    exact_text: bool,
    plain: frozenset[str] = frozenset(),
) -> tuple[pl.LazyFrame, list[str], dict[str, str]]:
    """Stage 1, whole columns: the rows where any check's screen fired, with the flags.

    Each column's text screen once (plus the ASCII-control screen when `exact_text`), then
    each check's screen or, without one, its exact expression.  Identical expressions on a
    column are computed once (the lazy select eliminates common subexpressions).
    `plain`: columns known to hold printable ASCII only (bytescan.is_plain), whose text
    screen is false on every row without reading them.
    """
    # A column needs its text screen only where a check is text hygiene or screened.
    columns = list(dict.fromkeys(col for col, d in pairs if d.text or d.screen is not None))
    text = {col: f"__t{j}" for j, col in enumerate(columns)}
    flags = [f"__f{i}" for i in range(len(pairs))]

    def texty(c: pl.Expr) -> pl.Expr:
        return text_screen(c) | ascii_control_screen(c) if exact_text else text_screen(c)

    stage1 = [
        (pl.lit(False) if col in plain else texty(pl.col(col)).fill_null(False)).alias(text[col])
        for col in columns
    ]
    stage1 += [
        (d.screen(pl.col(col)).fill_null(False) if d.screen else d.bad_expr(pl.col(col))).alias(f)
        for f, (col, d) in zip(flags, pairs, strict=True)
        if not d.text
    ]
    out = lf.select(*[pl.col(c) for c in keep], *stage1).filter(
        pl.any_horizontal([*text.values(), *(e.meta.output_name() for e in stage1)])
    )
    return out, flags, text


def _refine(
    flagged: pl.DataFrame, pairs: Pairs, flags: list[str], text: dict[str, str]
) -> pl.DataFrame:
    """Stage 2, the few flagged rows: exact expressions (row-local) where screened."""
    return flagged.with_columns(_refine_exprs(pairs, flags, text))


def _refine_exprs(pairs: Pairs, flags: list[str], text: dict[str, str]) -> list[pl.Expr]:
    return [
        (_screened(f, text[col], d) & d.bad_expr(pl.col(col))).alias(f)
        for f, (col, d) in zip(flags, pairs, strict=True)
        if d.text or d.screen is not None
    ]


def _screened(flag: str, text: str, d: CheckDef) -> pl.Expr:
    return pl.col(text) if d.text else pl.col(flag) | pl.col(text)


def _hits(
    flagged: pl.DataFrame, pairs: Pairs, flags: list[str], sid: str | None
) -> list[pl.DataFrame]:
    return [
        flagged.filter(pl.col(f)).select(
            pl.lit(d.name).alias("check"),
            pl.lit(col).alias("column"),
            pl.col(LINE).alias("line"),
            (pl.col(sid) if sid else pl.lit(None, pl.String)).alias("sourced_id"),
            pl.col(col).alias("value"),
        )
        for f, (col, d) in zip(flags, pairs, strict=True)
    ]


def _first_rows(
    flagged: pl.LazyFrame,
    pairs: Pairs,
    flags: list[str],
    sid: str | None,
    held: Sequence[bool | None] | None = None,
) -> pl.LazyFrame:
    """Per check, as one row of aggregates: how many rows it hits (`__nI`) and its first
    GROUP_LIMIT + 1 of them by line (`__rI`, a list of line/sourced_id/value structs).

    `held` (per check, `_held`): True where it hits every row (its flag is not read),
    False where it hits none (`__nI` is 0 and `__rI` is left out: no pass over the
    rows), None where its flag says.  Excel's TRUE in every row of users.enabledUser is
    bad for one of its four checks: the other three cost as much as it did.

    What `grouped` makes of `_hits`, computed inside the whole-column query: a column bad
    from top to bottom never becomes a frame of millions of hit rows that is sorted to keep
    one (docs/performance.md, branch checkspeed).  The lines are taken first (a bottom-k of
    integers) and only those rows are gathered: a row's line is unique, so the hit rows
    whose line is at most the last of those lines are exactly them, a comparison per row
    where a membership test hashed every line (Excel's every-row dates at 1M students:
    0.016 -> 0.009 s a column, docs/performance.md, branch checkfast7).  No hit: the last
    line is null, and so is every comparison (no row kept).
    """
    from roster_lint.findings import GROUP_LIMIT

    aggs: list[pl.Expr] = []
    for i, (f, (col, _)) in enumerate(zip(flags, pairs, strict=True)):
        every = None if held is None else held[i]
        if every is False:  # no hit: nothing to count or keep (see _grouped_hits)
            aggs.append(pl.lit(0, pl.UInt32).alias(f"__n{i}"))
            continue
        if every:  # every row: the first lines of the whole column, no flag read
            count = pl.len()
            last = pl.col(LINE).bottom_k(GROUP_LIMIT + 1).max()
            kept = (pl.col(LINE) <= last).fill_null(False)
        else:
            hit = pl.col(f)
            count = hit.sum()
            last = pl.col(LINE).filter(hit).bottom_k(GROUP_LIMIT + 1).max()
            kept = hit & (pl.col(LINE) <= last).fill_null(False)
        # Each field filtered, then the struct (of GROUP_LIMIT + 1 rows at most): a struct
        # of whole columns filtered after would make a column the loader keeps as one
        # value (reader._constants) a Series of every row first.
        row = pl.struct(
            pl.col(LINE).filter(kept).alias("line"),
            (pl.col(sid).filter(kept) if sid else pl.lit(None, pl.String)).alias("sourced_id"),
            pl.col(col).filter(kept).alias("value"),
        )
        aggs += [count.alias(f"__n{i}"), row.implode().alias(f"__r{i}")]
    return flagged.select(aggs)


def _grouped_hits(found: pl.DataFrame, pairs: Pairs) -> list[pl.DataFrame]:
    """`_first_rows`' aggregates as `grouped` hit frames (check, column, line, sourced_id,
    value, count, lines): every row when GROUP_LIMIT or fewer, else the first with the
    count and the first LINES_SHOWN lines."""
    from roster_lint.findings import GROUP_LIMIT, LINES_SHOWN

    out = []
    for i, (col, d) in enumerate(pairs):
        n = int(found[f"__n{i}"][0] or 0)
        if n == 0:
            continue
        rows = (
            found.select(pl.col(f"__r{i}").explode().struct.unnest())
            .sort("line", maintain_order=True)
            .select(
                pl.lit(d.name).alias("check"),
                pl.lit(col).alias("column"),
                pl.col("line").cast(pl.Int64),
                pl.col("sourced_id").cast(pl.String),
                pl.col("value").cast(pl.String),
            )
        )
        if n <= GROUP_LIMIT:
            out.append(
                rows.with_columns(
                    pl.lit(1, pl.Int64).alias("count"),
                    pl.lit(None, pl.List(pl.Int64)).alias("lines"),
                )
            )
        else:
            out.append(
                rows.head(1).with_columns(
                    pl.lit(n, pl.Int64).alias("count"),
                    pl.Series("lines", [rows["line"].head(LINES_SHOWN)], pl.List(pl.Int64)),
                )
            )
    return out


def _concat(parts: list[pl.DataFrame]) -> pl.DataFrame:
    if not parts:
        return _empty()
    schema = {c: t for c, t in HIT_SCHEMA.items() if c in parts[0].columns}
    schema.update({c: t for c, t in GROUPED_SCHEMA.items() if c in parts[0].columns})
    return pl.concat(parts).cast(schema)  # type: ignore[arg-type]


class _ByValue:
    """Value-local checks of one column, judged on its distinct values."""

    def __init__(
        self, col: str, pairs: Pairs, df: pl.DataFrame, sample: pl.DataFrame, group: bool
    ) -> None:
        self.col, self.pairs, self.df, self.group = col, pairs, df, group
        # DISTINCT: how many distinct values there are, carried past the screen's filter.
        values = _distinct(col, df, sample).with_columns(pl.len().alias(DISTINCT))
        self.query, self.flags, self.text = _screen(values, pairs, [col, DISTINCT], True)

    def finish(self, judged: pl.DataFrame) -> tuple[list[pl.DataFrame], list[Job]]:
        """The rows holding each value found bad, as hits."""
        df = self.df
        bad = _refine(judged, self.pairs, self.flags, self.text)
        bad = bad.select(self.col, *self.flags).filter(pl.any_horizontal(self.flags))
        if bad.height == 0:
            return [], []
        distinct = int(judged[DISTINCT][0])
        return [], [_Place(self.col, self.pairs, self.flags, bad, df, self.group, distinct)]


class _Place:
    """The rows holding a column's bad values, as hits (a second round: rare in large
    tables, and then batched with the other columns' and tables' placements).

    `group`: each check's count and first rows only (`_first_rows`), as `grouped` keeps
    them; an Excel round trip makes every date of enrollments.csv bad (7.3M rows a column
    at 1M students), and placing them row by row cost a join, a frame per check and a sort.
    """

    def __init__(
        self,
        col: str,
        pairs: Pairs,
        flags: list[str],
        bad: pl.DataFrame,
        df: pl.DataFrame,
        group: bool = False,
        distinct: int | None = None,
    ) -> None:
        """`distinct`: how many distinct values the column holds (null included), when
        `bad` was judged from all of them."""
        self.pairs, self.flags, self.group = pairs, flags, group
        self.sid = "sourcedId" if "sourcedId" in df.columns else None
        cols = list(dict.fromkeys([LINE, col, *([self.sid] if self.sid else [])]))
        x = pl.col(col)
        if group:  # each check's own bad values, one membership test per check
            values = [bad.filter(pl.col(f))[col] for f in flags]
            held = [_held(v, distinct) for v in values]
            # Only the checks that hit some rows but not all have a flag to read.
            hit = [
                _holds(x, v, distinct).alias(f)
                for f, v, h in zip(flags, values, held, strict=True)
                if h is None
            ]
            self.query = _first_rows(
                df.lazy().select(cols).with_columns(hit), pairs, flags, self.sid, held
            )
            return
        self.query = (
            df.lazy()
            .select(cols)
            .filter(x.is_in(bad[col].implode(), nulls_equal=True))
            .join(bad.lazy(), on=col, how="left", nulls_equal=True)
        )

    def finish(self, rows: pl.DataFrame) -> tuple[list[pl.DataFrame], list[Job]]:
        if self.group:
            return _grouped_hits(rows, self.pairs), []
        return _hits(rows, self.pairs, self.flags, self.sid), []


def _held(values: pl.Series, distinct: int | None) -> bool | None:
    """Whether the rows holding `values` (distinct, null included) are every row (True:
    they are all of the column's `distinct` values), none (False: there are none) or
    some (None: a membership test says which)."""
    if values.len() == distinct:
        return True
    if values.len() == 0:  # this check holds none of the column's bad values
        return False
    return None


def _holds(x: pl.Expr, values: pl.Series, distinct: int | None) -> pl.Expr:
    """Rows whose value is among `values` (`_held`).  An Excel export's dates and
    TRUE/FALSE are bad in every row, and hashing 7.3M values to look each up cost
    0.03-0.05 s a column at 1M students (docs/performance.md, checkfast3)."""
    held = _held(values, distinct)
    if held is not None:  # LINE is never null: True on every row, or on none
        return pl.col(LINE).is_not_null() if held else pl.col(LINE).is_null()
    return x.is_in(values.implode(), nulls_equal=True).fill_null(False)


class _ByRows:
    """Checks on many-valued columns (ids, names): screens over the rows, then refined.

    `group`: the refinement and each check's count and first rows (`_first_rows`) in the
    same query, so a column damaged in every row (grades without their zero) never comes
    back as a frame of its rows."""

    def __init__(
        self,
        pairs: Pairs,
        df: pl.DataFrame,
        exact_text: bool,
        group: bool = False,
        plain: frozenset[str] = frozenset(),
    ) -> None:
        self.pairs, self.group = pairs, group
        self.sid = "sourcedId" if "sourcedId" in df.columns else None
        columns = {LINE, *(col for col, _ in pairs), *([self.sid] if self.sid else [])}
        keep = [c for c in df.columns if c in columns]
        self.query, self.flags, self.text = _screen(df.lazy(), pairs, keep, exact_text, plain)
        if group:
            refined = self.query.with_columns(_refine_exprs(pairs, self.flags, self.text))
            self.query = _first_rows(refined, pairs, self.flags, self.sid)

    def finish(self, flagged: pl.DataFrame) -> tuple[list[pl.DataFrame], list[Job]]:
        if self.group:
            return _grouped_hits(flagged, self.pairs), []
        if flagged.height == 0:
            return [], []
        flagged = _refine(flagged, self.pairs, self.flags, self.text)
        return _hits(flagged, self.pairs, self.flags, self.sid), []


Job = _ByValue | _ByRows | _Gate | _Place


def _by_value_jobs(
    pairs: Pairs, df: pl.DataFrame, sample: pl.DataFrame | None = None, group: bool = False
) -> list[Job]:
    columns = list(dict.fromkeys(c for c, _ in pairs))
    sample = _spread_sample(columns, df) if sample is None else sample
    return [_ByValue(c, [p for p in pairs if p[0] == c], df, sample, group) for c in columns]


def _quiet_columns(
    pairs: Pairs, df: pl.DataFrame, is_quiet: Callable[[pl.Series], bool]
) -> frozenset[str]:
    """The columns screened by `space_or_exponent` (ids, codes, usernames, e-mails) whose
    bytes hold no space, no plus and nothing but printable ASCII (bytescan.is_quiet, one
    byte pass): there none of their text-hygiene or space-screened checks can fire
    (checks.silent_on_quiet), and their screens, an Aho-Corasick pass over every value,
    are spared.  Other columns are not tested: their screens cost little, or they are
    judged on their few distinct values anyway."""
    spaced = dict.fromkeys(c for c, d in pairs if d.screen is space_or_exponent and c in df)
    return frozenset(c for c in spaced if is_quiet(df.get_column(c)))


def jobs(
    schema: Schema,
    df: pl.DataFrame,
    exact_rows: int = EXACT_ROWS,
    only: Sequence[str] | None = None,
    group: bool = False,
    quiet_test: Callable[[pl.Series], bool] | None = None,
) -> list[Job]:
    """One table's work as lazy queries (plus what to do with their results).

    The scalar pre-passes (gates, samples) run here; every whole-column pass is in a query,
    so that the caller can collect the queries of several tables together.  `only`: check
    these columns alone (the others stay in `df` to place and name the hits).  `group`:
    the queries return each check's hits already `grouped` (collect_jobs with group=True).
    `quiet_test`: bytescan.is_quiet, or what answers it (validate.bytefacts.quiet).
    """
    wanted = None if only is None else set(only)
    names = [c for c in df.columns if wanted is None or c in wanted]
    pairs = schema.column_defs(names)
    if not pairs or df.height == 0:
        return []
    if df.height <= exact_rows:
        return [_ByRows(pairs, df, True, group)]
    gated = [(c, d) for c, d in pairs if d.gate is not None]
    pairs = [(c, d) for c, d in pairs if d.gate is None]
    # Gates a byte pass proves shut are not queried (their checks could not fire).
    gated = [(c, d) for c, d in gated if d.gate_bytes is None or d.gate_bytes(df.get_column(c))]
    from roster_lint.bytescan import is_plain, is_quiet, may_hold_control

    quiet = _quiet_columns(pairs, df, is_quiet if quiet_test is None else quiet_test)
    # Left out where they cannot fire: their flags would be false on every row, and a check
    # without hits adds nothing (checks.silent_on_quiet).
    pairs = [(c, d) for c, d in pairs if not (c in quiet and silent_on_quiet(d))]
    if not pairs:
        return [_Gate(gated, df, group)] if gated else []
    sample = _spread_sample(list(dict.fromkeys(c for c, _ in pairs)), df)
    few = _few_in(sample)
    # A quiet column whose only checks left are blanks (ids: `required`) is judged on its
    # rows: one comparison per row costs far less than the distinct values of 7M ids.
    few -= {c for c in quiet if all(d.bad is T.blank for col, d in pairs if col == c)}
    valued = [(c, d) for c, d in pairs if c in few and d.local]
    rest = [(c, d) for c, d in pairs if not (c in few and d.local)]
    out = _by_value_jobs(valued, df, sample, group)
    if rest:  # the text screen misses ASCII controls: a byte pass says where to look
        texty = [c for c in dict.fromkeys(c for c, d in rest if d.text or d.screen) if c in df]
        # Printable ASCII throughout (ids, most names): no text screen at all.
        plain = frozenset(c for c in texty if c in quiet or is_plain(df.get_column(c)))
        exact = any(may_hold_control(df.get_column(c)) for c in texty if c not in plain)
        out.append(_ByRows(rest, df, exact, group, plain))
    return out + ([_Gate(gated, df, group)] if gated else [])


def grouped(hits: pl.DataFrame) -> pl.DataFrame:
    """One check's hits on one column, as findings.Findings.add takes them grouped: more
    than GROUP_LIMIT rows become their first row with `count` and `lines`, so a column
    damaged top to bottom leaves one row, not millions, as soon as its check is done."""
    from roster_lint.findings import GROUP_LIMIT, LINES_SHOWN

    if hits.height <= GROUP_LIMIT:
        return hits.with_columns(
            pl.lit(1, pl.Int64).alias("count"), pl.lit(None, pl.List(pl.Int64)).alias("lines")
        )
    first = hits.sort("line", maintain_order=True)
    return first.head(1).with_columns(
        pl.lit(hits.height, pl.Int64).alias("count"),
        pl.Series("lines", [first["line"].head(LINES_SHOWN)], pl.List(pl.Int64)),
    )


def collect_jobs(tables: list[list[Job]], group: bool = False) -> list[pl.DataFrame]:
    """Hits per table for the jobs of several tables, collected in one go.

    `pl.collect_all` runs the queries side by side: most string kernels are
    single-threaded per column, so one table's columns alone leave a core idle.
    `group`: each check's hits `grouped` as soon as they are placed (one row and a count
    for a whole damaged column); without it, one row per hit (`--output rows:`, tests).
    """
    hits: list[list[pl.DataFrame]] = [[] for _ in tables]
    todo = [(i, j) for i, t in enumerate(tables) for j in t]
    while todo:  # a second round only where a gate opened or a bad value must be placed
        done = pl.collect_all([j.query for _, j in todo], engine="in-memory")
        more: list[tuple[int, Job]] = []
        for (i, job), result in zip(todo, done, strict=True):
            found, follow = job.finish(result)
            # Jobs made with group=True return their hits grouped already.
            hits[i] += (
                [h if "count" in h.columns else grouped(h) for h in found] if group else found
            )
            more += [(i, f) for f in follow]
        todo = more
    return [_concat(h) for h in hits]


def _collect(table_jobs: list[Job]) -> pl.DataFrame:
    return collect_jobs([table_jobs])[0]


def run_fast(schema: Schema, df: pl.DataFrame, exact_rows: int = EXACT_ROWS) -> pl.DataFrame:
    """Hits for one table in one polars pass (see the module docstring)."""
    return _collect(jobs(schema, df, exact_rows))


def run_pandera(schema: Schema, df: pl.DataFrame) -> pl.DataFrame:
    from pandera.errors import SchemaErrors

    if df.height == 0:
        return _empty()
    try:
        schema.pandera.validate(df, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
    else:
        return _empty()
    fc = fc.filter(pl.col("check").is_in(list(schema.defs)) & pl.col("index").is_not_null())
    rows = df.select(pl.col(LINE).alias("line"), _sid(df).alias("sourced_id")).with_row_index(
        "index"
    )
    out = fc.select(
        "check", "column", pl.col("index").cast(pl.UInt32), pl.col("failure_case").alias("value")
    ).join(rows, on="index", how="left")
    return out.select(list(HIT_SCHEMA)).cast(HIT_SCHEMA)


def with_messages(schema: Schema, hits: pl.DataFrame) -> list[tuple[CheckDef, pl.DataFrame]]:
    """Per check: its hits with a message (and values of private columns removed)."""
    out: list[tuple[CheckDef, pl.DataFrame]] = []
    for (name,), part in hits.partition_by("check", as_dict=True, maintain_order=True).items():
        d = schema.defs[str(name)]
        part = part.sort("line", "column")
        if d.summary:
            first = part.row(0, named=True)
            n = int(part["count"].sum()) if "count" in part.columns else part.height
            part = (
                part.head(1).with_columns(
                    pl.lit(1, pl.Int64).alias("count"),  # one finding about the column
                    pl.lit(None, pl.List(pl.Int64)).alias("lines"),
                )
                if "count" in part.columns
                else part.head(1)
            )
            part = part.with_columns(
                pl.lit(
                    f"{first['column']} is filled in {n} row(s), first at line "
                    f"{first['line']}; passwords in a roster file travel to every recipient."
                ).alias("message")
            )
        else:
            part = part.with_columns(d.message(pl.col("value")).alias("message"))
        col = str(part["column"][0])
        if col in PRIVATE:
            part = part.with_columns(pl.lit(None, pl.String).alias("value"))
        out.append((d, part.drop("check")))
    return out
