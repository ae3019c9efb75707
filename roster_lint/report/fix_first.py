""" "Fix first": the lines that open `check` (text, Markdown, HTML), as data.

One line per rule x file x column where the sync loses something: the roots of one rule in
one column of one file are one problem to fix, and the loss is told per column, because the
fixes differ (`enrollments.csv userSourcedId` / `classSourcedId` of RL200).  Where the sync
loses nothing, one line per rule x file naming its columns: a defect of one kind in seven
columns of one file (`TRUE` in each of demographics.csv's race columns) is one fix, and
seven lines of it would push the rest out of the ten (six one-row RL103 findings in
users.csv email are one line, "6 rows, lines 12, 40, 41…"; with two in role too, one line
"users.csv email, role: 8 values").  Header findings (line 1) of one rule and file are one
line naming their columns: the fix is one edit of the header, and the sync's loss by a
header it cannot read is not any one column's.  The findings themselves (JSON, SARIF) are
not folded.

Ranked by what the sync loses (report/order.py's weights), then severity, then rows.
Whole-frame polars work: a damaged export can carry millions of findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.catalogue import catalogue
from roster_lint.findings import listed_lines
from roster_lint.report.order import LOST, NAMES, RANK, attribute_losses, loss, weigh

if TYPE_CHECKING:
    from roster_lint.results import CheckResult

FIX_FIRST = 10  # lines in "Fix first"; the rest are in the groups below it
FIX_LINES = 3  # lines (and header columns) named per line; its group below has the rest
HEADER = 1  # the header's line: findings there are about the header, not a column's rows
Key = tuple[str, str, str | None, tuple[str, ...]]


@dataclass(frozen=True)
class FixItem:
    """One line of "Fix first" and what it costs the sync."""

    code: str
    name: str
    severity: str  # the worst of its roots (raised by what follows from them)
    file: str | None  # None: the export as a whole
    columns: tuple[str, ...]  # one column; a header line's columns; () for a file
    lines: tuple[int, ...]  # the first FIX_LINES lines to edit, ascending
    more_lines: bool  # there are lines to edit beyond `lines`
    message: str  # the first root's
    lost: dict[str, int] = field(default_factory=dict)  # entity -> not made
    rows: int = 1  # values to edit: the roots' own rows, per column (a finding that follows
    # from a root on the same row is not another row to edit)
    findings: int = 1  # roots folded into this line
    weight: int = 1  # rows behind the roots and what follows from them: the ranking's

    @property
    def line(self) -> int | None:
        return self.lines[0] if self.lines else None

    @property
    def header(self) -> bool:
        return self.line == HEADER

    @property
    def subject(self) -> str:
        """'academicSessions.csv beginDate', 'users.csv header (a, b, c and 2 more)',
        'manifest.csv': what the line is about and where to look."""
        where = self.file or "(export)"
        cols = ", ".join(self.columns[:FIX_LINES])
        if len(self.columns) > FIX_LINES:
            cols += f" and {len(self.columns) - FIX_LINES} more"
        if self.header:
            return f"{where} header ({cols})" if cols else f"{where} header"
        return f"{where} {cols}" if cols else where

    @property
    def at(self) -> str:
        """'line 5', 'lines 12, 40, 41…', or '' for a file-level or header finding (the
        subject says 'header').  Line numbers as an editor shows them (no thousands
        separator: a comma separates them); the '…' sticks to the last so wrapping never
        leaves it alone on a line."""
        if not self.lines or self.header:
            return ""
        shown = ", ".join(str(n) for n in self.lines)
        more = "…" if self.more_lines else ""
        return f"line{'s' if len(self.lines) > 1 or more else ''} {shown}{more}"

    @property
    def cost(self) -> str:
        """'sync skips 495 users, 126 classes and 3,357 enrollments', '3 rows', '8 values'
        (several columns), '2 columns' (a header: its columns, not rows, are to edit) or
        'whole file' (a finding about a file, with no line)."""
        parts = [f"{n:,} {_plural(e, n)}" for e in LOST if (n := self.lost.get(e, 0)) > 0]
        if parts:
            listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
            return f"sync skips {listed}"
        if not self.lines:  # about a file (manifest.csv missing) or the export, not rows
            return "whole file" if self.file else "whole export"
        if self.header:  # one finding per column (two empty header cells are two)
            return f"{self.rows:,} column{'s' if self.rows != 1 else ''}"
        if len(self.columns) > 1:  # a row may count once per column
            return f"{self.rows:,} values"
        return f"{self.rows:,} row{'s' if self.rows != 1 else ''}"

    @property
    def key(self) -> Key:
        column = None if self.header else (self.columns[0] if self.columns else None)
        return (self.code, self.name, self.file, (column,) if column else ())

    def merged(self, other: FixItem) -> FixItem:
        """This line and `other` (same key) as one."""
        lines = sorted({*self.lines, *other.lines})
        worst = max((self, other), key=lambda it: RANK.get(it.severity, 0))
        return FixItem(
            self.code,
            self.name,
            worst.severity,
            self.file,
            tuple(sorted({*self.columns, *other.columns})),
            tuple(lines[:FIX_LINES]),
            self.more_lines or other.more_lines or len(lines) > FIX_LINES,
            self.message,
            {e: self.lost.get(e, 0) + other.lost.get(e, 0) for e in LOST},
            self.rows + other.rows,
            self.findings + other.findings,
            self.weight + other.weight,
        )


def _plural(entity: str, n: int) -> str:
    if n == 1:
        return entity
    return "classes" if entity == "class" else f"{entity}s"


def _fold(roots: pl.DataFrame) -> pl.DataFrame:
    """`roots` (as `weigh` gives them) one row per rule x file x column (x header):
    severity the worst, losses and rows summed, `_cols` the columns, `_lines` the first
    FIX_LINES lines and `_more` whether there are others, `_i` the first root."""
    cols = roots.columns
    own = pl.col("count").fill_null(1) if "count" in cols else pl.lit(1)
    listed = listed_lines(cols)  # a grouped finding's first lines, else its own
    header = (pl.col("line") == HEADER).fill_null(False)
    lost_cols = [f"_lost_{e}" for e in LOST]
    every = pl.col("_l").explode().drop_nulls().unique()
    return (
        roots.with_columns(
            pl.col("file").cast(pl.String),
            pl.col("column").cast(pl.String),
            pl.when(header).then(None).otherwise(pl.col("column").cast(pl.String)).alias("_k"),
            listed.list.drop_nulls().alias("_l"),
            own.alias("_own"),
        )
        .group_by("code", "name", "file", "_k", maintain_order=True)
        .agg(
            pl.col("_rank").max(),
            pl.col("message").first(),
            pl.col("column").drop_nulls().unique().sort().alias("_cols"),
            *[pl.col(c).sum() for c in lost_cols],
            pl.col("_loss").sum(),
            pl.col("_rows").sum(),
            pl.col("_own").sum().alias("_own_rows"),
            pl.col("_i").min(),
            pl.len().alias("_n"),
            every.sort().head(FIX_LINES).alias("_lines"),
            # more lines than shown, or a grouped finding with more rows than it lists
            (
                (every.len() > FIX_LINES) | ((pl.col("_own") - pl.col("_l").list.len()).max() > 0)
            ).alias("_more"),
        )
        .with_columns(
            pl.col("_rank")
            .replace_strict(NAMES, default="error", return_dtype=pl.String)
            .alias("severity")
        )
    )


def fix_first(result: CheckResult, limit: int | None = FIX_FIRST) -> tuple[list[FixItem], int]:
    """The lines of "Fix first", most lost first, and how many more there are.

    A root counts when it is an error, or a warning by which the sync loses something
    (itself or a finding that follows from it); info (a role deliberately not provisioned)
    is not something to fix.  A plan root cause with no finding of its own counts too."""
    attributed = attribute_losses(result.findings.with_row_index("_i"), result.plan)
    roots, _ = weigh(result.findings, result.plan, attributed)
    warn, err = RANK["warning"], RANK["error"]
    keep = (pl.col("_rank") >= err) | ((pl.col("_loss") > 0) & (pl.col("_rank") >= warn))
    wanted = _fold(roots.filter(keep)).sort(
        ["_loss", "_rank", "_rows", "_i"], descending=[True, True, True, False]
    )
    items: dict[Key, FixItem] = {}
    for r in wanted.to_dicts():
        item = FixItem(
            r["code"],
            r["name"],
            r["severity"],
            r["file"],
            tuple(r["_cols"]),
            tuple(r["_lines"]),
            bool(r["_more"]) and bool(r["_lines"]),
            r["message"] or "",
            {e: r[f"_lost_{e}"] for e in LOST},
            r["_own_rows"],
            r["_n"],
            r["_rows"],
        )
        items[item.key] = item
    items = {it.key: it for it in _costless_by_file(list(items.values()))}
    for item in _plan_only(result, attributed):
        items[item.key] = items[item.key].merged(item) if item.key in items else item
    ranked = sorted(
        items.values(),
        key=lambda it: (-sum(it.lost.values()), -RANK.get(it.severity, 0), -it.weight),
    )
    if limit is None or len(ranked) <= limit:
        return ranked, 0
    return ranked[:limit], len(ranked) - limit


def _costless_by_file(items: list[FixItem]) -> list[FixItem]:
    """The cell lines of one rule and file by which the sync loses nothing, as one line
    naming their columns (in the place of the first); the rest as they are.  A few lines
    per rule x file x column, never per row."""
    out: list[FixItem] = []
    at: dict[tuple[str, str, str | None], int] = {}
    for it in items:
        if it.header or not it.columns or any(it.lost.values()):
            out.append(it)
            continue
        k = (it.code, it.name, it.file)
        if k in at:
            out[at[k]] = out[at[k]].merged(it)
        else:
            at[k] = len(out)
            out.append(it)
    return out


def _plan_only(result: CheckResult, attributed: pl.DataFrame) -> list[FixItem]:
    """Plan root causes without a finding of their own (a broken file's header, ...).
    attributed: attribute_losses' (a grouped finding stands for every line it counts)."""
    if result.plan is None:
        return []
    have = {
        (r["name"], r["file"], r["line"])
        for r in attributed.filter(pl.col("_i").is_not_null()).to_dicts()
    }
    cat = catalogue()
    out = []
    for c in result.plan.root_causes:
        rule = cat.get(c.reason)
        info = rule is not None and rule.severity.rank < RANK["warning"]
        if loss(c) == 0 or info or (c.reason, c.file, c.line) in have:
            continue
        out.append(
            FixItem(
                rule.code if rule else "",
                c.reason,
                rule.severity.value if rule else "error",
                c.file,
                (),
                (c.line,) if c.line is not None else (),
                False,
                c.message,
                {e: c.affected.get(e, 0) for e in LOST},
                loss(c),
                weight=loss(c),
            )
        )
    return out
