"""Findings: what every check produces, kept as one polars frame.

Checks return whole frames of hits (one row per bad cell or row), never Python objects per
row: a broken million-row file can yield millions of findings.  The collector, not the
check, stamps the rule's code, name and default severity (yamllint's lesson).

Columns (FINDING_SCHEMA):
  code, name, severity        from the catalogue
  file                        "users.csv", or null for export-level findings
  line                        line in the file as an editor shows it (header = 1); null
                              for file- or export-level findings
  column, sourced_id, value   null where they do not apply
  message                     one sentence for a person
  related_file, related_column, related_value
                              the other side of a cross-file break (where the missing
                              id was looked for)
  count, lines                how many rows the finding stands for; when one rule hits more
                              than GROUP_LIMIT rows of one column of one file they are ONE
                              finding at the first row, `lines` its first LINES_SHOWN lines
                              (null for a single row).  Grouped at `add`, per rule, so
                              millions of hit rows never pile up (contract: "Findings that
                              stand for many rows").  `--output rows:` gets every row from a
                              RowSink while they are collected.
  cause_code, cause_file, cause_line, cause_sourced_id
                              the root finding this one follows from (catalogue `follows`,
                              linked by roster_lint.causes); null for a root
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Iterator
from typing import IO, Any

import polars as pl

from roster_lint.catalogue import Catalogue, Severity, catalogue

FINDING_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),
    "name": pl.String(),
    "severity": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),
    "column": pl.String(),
    "sourced_id": pl.String(),
    "value": pl.String(),
    "message": pl.String(),
    "related_file": pl.String(),
    "related_column": pl.String(),
    "related_value": pl.String(),
}
HIT_COLUMNS = [c for c in FINDING_SCHEMA if c not in ("code", "name", "severity")]
BASE_COLUMNS = list(FINDING_SCHEMA)
FINDING_SCHEMA.update(
    {
        "count": pl.Int64(),
        "lines": pl.List(pl.Int64()),
        "cause_code": pl.String(),
        "cause_file": pl.String(),
        "cause_line": pl.Int64(),
        "cause_sourced_id": pl.String(),
    }
)
CAUSE_COLUMNS = ["cause_code", "cause_file", "cause_line", "cause_sourced_id"]
GROUP_LIMIT = 20  # more rows than this of one (code, file, column): one finding
LINES_SHOWN = 20
GROUP_KEYS = ["code", "file", "column"]
ROW_COLUMNS = ["code", "file", "line", "column", "sourced_id", "value"]  # --output rows:
# Deterministic order: export-level first, then by file, line, rule, column, id, value.
SORT_KEYS = ["file", "line", "code", "column", "sourced_id", "value", "message"]
SEVERITY_RANK = {s.value: s.rank for s in Severity}


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


class Findings:
    """Collects hits from checks and turns them into findings."""

    def __init__(self, cat: Catalogue | None = None, sink: RowSink | None = None) -> None:
        self._cat = cat or catalogue()
        self._parts: list[pl.DataFrame] = []
        self._sink = sink if sink is not None else _ACTIVE_SINK
        # Single findings wait here, per rule, and become one frame each when read: a frame
        # per finding made a damaged 7 MB file (100k short rows) take 40 s and 1.7 GB.
        self._rows: dict[str, list[dict[str, Any]]] = {}

    def sibling(self) -> Findings:
        """An empty collector on the same catalogue, for work done in another thread
        (merge it back with `extend`, in a fixed order)."""
        return Findings(self._cat, self._sink)

    def add(self, rule: str, hits: pl.DataFrame | pl.LazyFrame, **constants: Any) -> None:
        """Add one finding per row of `hits` for `rule` (a code or kebab name).

        `hits` may carry any of HIT_COLUMNS; `constants` fill columns that are the same for
        every row (e.g. file="users.csv").  A missing message becomes the rule title.
        """
        r = self._cat[rule]
        frame = hits.collect() if isinstance(hits, pl.LazyFrame) else hits
        if frame.height == 0:
            return
        exprs: list[pl.Expr] = []
        for col in BASE_COLUMNS:
            dtype = FINDING_SCHEMA[col]
            if col == "code":
                exprs.append(pl.lit(r.code, dtype).alias(col))
            elif col == "name":
                exprs.append(pl.lit(r.name, dtype).alias(col))
            elif col == "severity":
                exprs.append(pl.lit(r.severity.value, dtype).alias(col))
            elif col in constants:
                exprs.append(pl.lit(constants[col], dtype).alias(col))
            elif col in frame.columns:
                exprs.append(pl.col(col).cast(dtype).alias(col))
            elif col == "message":
                exprs.append(pl.lit(r.title, dtype).alias(col))
            else:
                exprs.append(pl.lit(None, dtype).alias(col))
        out = frame.select(exprs)
        if "message" in frame.columns:
            out = out.with_columns(pl.col("message").fill_null(r.title))
        if "count" in frame.columns:  # grouped by the check itself (schema.runner.grouped)
            if self._sink is not None:
                raise ValueError(f"{r.code}: grouped hits while every row is wanted")
            cause = [pl.lit(None, FINDING_SCHEMA[c]).alias(c) for c in CAUSE_COLUMNS]
            self._parts.append(
                out.with_columns(
                    frame["count"].cast(pl.Int64).fill_null(1).alias("count"),
                    frame["lines"].cast(pl.List(pl.Int64)).alias("lines"),
                    *cause,
                )
            )
            return
        out = out.unique(maintain_order=True)
        if self._sink is not None:
            self._sink.write(out)
        self._parts.append(group_rows(out))

    def one(self, rule: str, message: str | None = None, **fields: Any) -> None:
        """Add a single finding (file- or export-level ones, mostly)."""
        unknown = set(fields) - set(HIT_COLUMNS)
        if unknown:
            raise TypeError(f"unknown finding fields: {sorted(unknown)}")
        if rule not in self._rows:
            self._cat[rule]  # an unknown rule fails here, where it is named, not when read
        row = {c: fields.get(c) for c in HIT_COLUMNS}
        row["message"] = message
        self._rows.setdefault(rule, []).append(row)

    def _flush(self) -> None:
        rows, self._rows = self._rows, {}
        schema = {c: FINDING_SCHEMA[c] for c in HIT_COLUMNS}
        for rule, found in rows.items():
            self.add(rule, pl.DataFrame(found, schema=schema))

    def restate(
        self,
        code: str,
        files: list[str],
        severity: str,
        message: str,
        values: list[str] | None = None,
    ) -> None:
        """A profile's reading of `code` in `files` (names, whatever folder the file is in):
        its severity and message replace the catalogue's there (predict.profile.Restate).
        Later --severity overrides still win (pipeline.apply_options)."""
        self._flush()
        hit = (pl.col("code") == code) & pl.col("file").str.split("/").list.last().is_in(files)
        if values is not None:  # a null value is not one of them: the row keeps its reading
            hit &= pl.col("value").is_in(values).fill_null(False)
        hit = hit.fill_null(False)
        self._parts = [
            p.with_columns(
                pl.when(hit).then(pl.lit(severity)).otherwise(pl.col("severity")).alias("severity"),
                pl.when(hit).then(pl.lit(message)).otherwise(pl.col("message")).alias("message"),
            )
            for p in self._parts
        ]

    def extend(self, other: Findings) -> None:
        self._flush()
        other._flush()
        self._parts.extend(other._parts)

    def frame(self, file_rows: dict[str, int] | None = None) -> pl.DataFrame:
        """All findings, de-duplicated, grouped, cause-linked, in deterministic order.

        `file_rows` (rows per file) gives grouped messages their share of the file."""
        from roster_lint.causes import link_causes

        self._flush()
        if not self._parts:
            return empty_findings()
        df = pl.concat(self._parts, how="vertical").unique(maintain_order=True)
        df = merge_groups(df)
        df = df.with_columns(_group_message(df, file_rows or {}).alias("message"))
        return link_causes(sort_findings(df), self._cat)


def listed_lines(columns: Collection[str]) -> pl.Expr:
    """A finding's lines as a list: a grouped finding's listed ones (its first
    LINES_SHOWN), else its own line.  `columns`: the frame's (old frames lack `lines`)."""
    one = pl.concat_list(pl.col("line"))
    return pl.coalesce(pl.col("lines"), one) if "lines" in columns else one


def group_rows(out: pl.DataFrame) -> pl.DataFrame:
    """One rule's hits (BASE_COLUMNS) -> findings with count and lines: rows of a
    (file, column) with more than GROUP_LIMIT hits become one finding at the first."""
    single = {"count": pl.lit(1, pl.Int64()), "lines": pl.lit(None, pl.List(pl.Int64()))}
    cause = [pl.lit(None, FINDING_SCHEMA[c]).alias(c) for c in CAUSE_COLUMNS]
    if out.height <= GROUP_LIMIT:
        return out.with_columns(**single).with_columns(cause)
    n = pl.len().over(["file", "column"])
    small = out.filter(n <= GROUP_LIMIT).with_columns(**single)
    big = out.filter(n > GROUP_LIMIT)
    if big.height:
        big = (
            big.sort(["file", "column", "line"], nulls_last=True, maintain_order=True)
            .group_by(["file", "column"], maintain_order=True)
            .agg(
                *[pl.col(c).first() for c in BASE_COLUMNS if c not in ("file", "column")],
                pl.len().cast(pl.Int64()).alias("count"),
                pl.col("line").drop_nulls().head(LINES_SHOWN).alias("lines"),
            )
            .select(small.columns)
        )
        small = pl.concat([small, big], how="vertical")
    return small.with_columns(cause)


def merge_groups(df: pl.DataFrame) -> pl.DataFrame:
    """Groups split over several `add` calls (one rule added from two places, or 15 rows
    here and 15 there) become one finding when together they exceed GROUP_LIMIT."""
    total = pl.col("count").sum().over(GROUP_KEYS)
    parts = pl.len().over(GROUP_KEYS)
    merge = (total > GROUP_LIMIT) & (parts > 1)
    todo = df.filter(merge)
    if todo.height == 0:
        return df
    merged = (
        todo.with_columns(pl.col("lines").fill_null(pl.concat_list(pl.col("line"))).alias("_ls"))
        .sort([*GROUP_KEYS, "line"], nulls_last=True, maintain_order=True)
        .group_by(GROUP_KEYS, maintain_order=True)
        .agg(
            *[pl.col(c).first() for c in df.columns if c not in [*GROUP_KEYS, "count", "lines"]],
            pl.col("count").sum().alias("count"),
            pl.col("_ls").explode().drop_nulls().sort().head(LINES_SHOWN).alias("lines"),
        )
        .select(df.columns)
    )
    return pl.concat([df.filter(~merge), merged], how="vertical")


def share(count: int, rows: int | None) -> str:
    """'100%', '42.3%', '<0.1%' of a file's rows ('' when the file's size is unknown)."""
    if not rows:
        return ""
    if count >= rows:
        return "100%"
    pct = 100 * count / rows
    if pct < 0.1:
        return "<0.1%"
    text = f"{pct:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _group_message(df: pl.DataFrame, file_rows: dict[str, int]) -> pl.Series:
    """A grouped finding's message: the count and share first, then its first row's."""
    msgs = df["message"].to_list()
    grouped = df.select(pl.arg_where(pl.col("count") > 1)).to_series().to_list()
    if not grouped:
        return df["message"]
    for i, (count, file, line) in zip(
        grouped, df[grouped].select("count", "file", "line").iter_rows(), strict=True
    ):
        pct = share(count, file_rows.get(file or ""))
        where = f" ({pct})" if pct else ""
        at = f", first at line {line}" if line is not None else ""
        msgs[i] = f"{count:,} rows{where} of {file}{at}: {msgs[i]}"
    return pl.Series("message", msgs, dtype=pl.String())


class RowSink:
    """`--output rows:PATH`: every affected row as CSV (ROW_COLUMNS), written while the
    findings are collected, so memory does not grow with the rows.  `keep` filters codes
    the same way --select/--ignore filter findings.  Rows are written in collection order
    (one rule's hits together), not sorted."""

    def __init__(self, path: str, keep: Callable[[str], bool] | None = None) -> None:
        self.path = path
        self._keep = keep
        self._fh: IO[bytes] | None = None
        self._lock = threading.Lock()
        self.rows = 0

    def __enter__(self) -> RowSink:
        global _ACTIVE_SINK
        self._fh = open(self.path, "wb")
        self._fh.write((",".join(ROW_COLUMNS) + "\n").encode())
        _ACTIVE_SINK = self
        return self

    def __exit__(self, *exc: object) -> None:
        global _ACTIVE_SINK
        _ACTIVE_SINK = None
        if self._fh is not None:
            self._fh.close()

    def write(self, out: pl.DataFrame) -> None:
        code = out["code"][0]
        if self._fh is None or (self._keep is not None and not self._keep(code)):
            return
        rows = out.select(ROW_COLUMNS)
        with self._lock:  # checks run in threads: one writer at a time
            rows.write_csv(self._fh, include_header=False)
            self.rows += rows.height


_ACTIVE_SINK: RowSink | None = None  # set by `with RowSink(...)` around a check run


def rows_wanted() -> bool:
    """Whether a RowSink is open: checks that group their hits early must give every row."""
    return _ACTIVE_SINK is not None


@contextlib.contextmanager
def rows_suspended() -> Iterator[None]:
    """Collectors made inside write no rows (loading --previous: not this export's rows)."""
    global _ACTIVE_SINK
    saved, _ACTIVE_SINK = _ACTIVE_SINK, None
    try:
        yield
    finally:
        _ACTIVE_SINK = saved


def sort_findings(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(SORT_KEYS, nulls_last=False, maintain_order=True)


def row_count(df: pl.DataFrame) -> int:
    """How many rows the findings stand for (a frame without `count`: one each)."""
    if "count" not in df.columns:
        return df.height
    return int(df["count"].fill_null(1).sum())


def summary(df: pl.DataFrame) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for sev, n in df.group_by("severity").len().iter_rows():
        counts[sev] = n
    return counts
