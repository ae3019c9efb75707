"""The objects that flow through the pipeline: load -> validate -> predict -> report."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from roster_lint.findings import Findings

LINE = "__line"  # column holding each record's line number in its file (header = 1)
# One seed for every id hash, so the same id hashes alike in every file and column.
ID_HASH_SEED = 0x5EED
# Checks may run in threads (validate/crossfile): one build of a derived entry at a time,
# so two threads never compute the same entry twice.  Re-entrant: a build may use others.
_BUILD_LOCK = threading.RLock()


@dataclass
class Table:
    """One CSV file of an export, every value read as text.

    `df` has one String column per header cell that could be matched to a standard column
    (named canonically, so `SourcedId` is read as `sourcedId`), every `metadata.*` column
    as read, and LINE (Int64).  Values are never trimmed or re-typed: leading zeros and
    stray spaces are what the checks look for.
    """

    name: str  # canonical file name, e.g. "users.csv"
    path: str  # where it was found, for messages: "users.csv" or "export/users.csv"
    df: pl.DataFrame
    header: list[str]  # the header cells exactly as read (BOM removed)
    mode: str | None = None  # manifest mode: bulk, delta, absent, or None (no manifest entry)
    header_ok: bool = True  # every standard column present, exact, in order (SK-F1)
    readable: bool = True  # False when encoding or structure stopped the read
    encoding: str = "utf-8"
    # The line of the record the file was cut off inside (RL028): the records after it are
    # missing, which `why` says where it reads the file.
    cut_line: int | None = None

    @property
    def rows(self) -> int:
        return self.df.height

    def has(self, column: str) -> bool:
        return column in self.df.columns

    @property
    def is_delta(self) -> bool:
        return self.mode == "delta"


@dataclass
class Export:
    """A loaded OneRoster export and what loading it found."""

    path: str  # as the user gave it
    kind: Literal["folder", "zip"]
    version: str | None  # "1.0", "1.1", "1.2" or None when it cannot be told
    manifest: dict[str, str]
    tables: dict[str, Table]
    findings: Findings
    other_files: list[str] = field(default_factory=list)  # present but not OneRoster files

    def table(self, name: str) -> Table | None:
        """A readable table by canonical file name, or None."""
        t = self.tables.get(name)
        return t if t is not None and t.readable else None

    def frame(self, name: str) -> pl.DataFrame | None:
        t = self.table(name)
        return t.df if t is not None else None

    # Derived columns shared by every stage (cross-file rules, the plan): computed on first
    # use, kept as long as the export.  Not part of the export's value (repr/compare skip it).
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """`build()` once per export under `key`; later calls return the same object.

        Thread-safe: concurrent callers of one key get the one object built.
        """
        if key in self.derived:
            return self.derived[key]
        with _BUILD_LOCK:
            if key not in self.derived:
                self.derived[key] = build()
            return self.derived[key]

    def id_hash(self, name: str, column: str) -> pl.Series:
        """u64 hashes of one column of a readable table, aligned with its rows.

        Same seed everywhere: `enrollments.csv:userSourcedId` and `users.csv:sourcedId`
        hash the same id to the same value, so membership tests compare integers, not
        36-character strings.  A hash says "certainly different" exactly; "equal" may be a
        collision (p ~ 1e-7 at 7M rows), so a check that reports on equality verifies the
        few rows concerned on the strings.  Hashing a 7M-row id column costs ~0.2 s:
        computed once here instead of once per check.
        """

        def build() -> pl.Series:
            df = self.tables[name].df
            return df.select(pl.col(column).hash(seed=ID_HASH_SEED).alias(column)).to_series()

        series: pl.Series = self.cached(f"hash:{name}:{column}", build)
        return series
