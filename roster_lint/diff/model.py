"""What `compare` returns: per-file row changes, the warnings, and what the sync does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from roster_lint.diff.settings import DiffSettings

# File status in a diff.
COMPARED = "compared"  # rows were matched by key
NEW_FILE = "new-file"  # only in the new export
VANISHED = "vanished"  # only in the previous export
UNREADABLE = "unreadable"  # present, but one side could not be read
NO_KEY = "no-key"  # a side lacks the key column (e.g. a renamed sourcedId header)

# The columns of the record frames (added/removed/changed), besides the key columns.
SYNC_COLUMNS = ("action", "reasons")
# `changed` also holds, per column that changed in the file, its old and new value (null
# where this record's value did not change): plain String columns, so --redact
# pseudonymises them like every other value of the record (report/redact.py).
VALUE_OLD = "old:"
VALUE_NEW = "new:"


def changed_values(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{column: {"old": ..., "new": ...}} of one `changed` record, for its `columns`."""
    return {
        c: {"old": record.get(VALUE_OLD + c), "new": record.get(VALUE_NEW + c)}
        for c in record.get("columns") or []
    }


def without_values(frame: pl.DataFrame) -> pl.DataFrame:
    """The record frame without the old/new value columns (they are shown as `values`)."""
    return frame.select([c for c in frame.columns if not c.startswith((VALUE_OLD, VALUE_NEW))])


@dataclass
class PairedRows:
    """The rows one file's comparison paired: positions in OLD (IDX) and NEW (IDX+NEW),
    key text checked, and whether a key repeated on either side (then only each key's
    first row was paired).  The RL403 check of the same file reads them (findings.py).

    in_place: every row of each side paired with the row at its own position on the
    other, and no compared value of a pair differs, compared exactly (never by hash):
    NEW's file holds OLD's values in every column both have but those left out of the
    comparison (`__line`; sourcedId when paired by (class, user)).  The plan's previous
    side reads it instead of comparing the inputs again (diff/previous.py)."""

    key: tuple[str, ...]
    pairs: pl.DataFrame
    duplicates: bool
    in_place: bool = False


@dataclass
class FileDiff:
    """One OneRoster file compared across two exports.

    `added` holds the new export's rows whose key is not in the old one (with `line` in the
    new file), `removed` the old export's rows whose key is gone (with `line` in the old
    file), `changed` the rows present in both with at least one differing value (`line_old`,
    `line`, and `columns`: the names of the columns that differ, and for each of them its
    old and new value in `old:COLUMN` / `new:COLUMN`: see `changed_values`).  Each carries
    `sourcedId` and the plan's `action` and `reasons` for that entity (null when the plan has none).
    """

    file: str  # canonical name, e.g. "users.csv"
    path_old: str | None
    path_new: str | None
    status: str
    rows_old: int | None
    rows_new: int | None
    key: tuple[str, ...] = ()
    key_note: str = ""  # why this key was used
    added: pl.DataFrame = field(default_factory=pl.DataFrame)
    removed: pl.DataFrame = field(default_factory=pl.DataFrame)
    changed: pl.DataFrame = field(default_factory=pl.DataFrame)
    column_changes: dict[str, int] = field(default_factory=dict)  # most changed first
    header_added: list[str] = field(default_factory=list)
    header_removed: list[str] = field(default_factory=list)
    duplicate_keys_old: int = 0  # rows left out because their key repeats
    duplicate_keys_new: int = 0
    mode_old: str | None = None
    mode_new: str | None = None
    # Share of previous sourcedIds still present, when choosing the key measured it (the
    # RL4xx id-scheme check reads it instead of sampling again).
    id_overlap: float | None = None
    # The paired rows' positions (PairedRows), for the RL403 check of the same file;
    # `compare` drops them once read (at 7M enrollments they are 56 MB).
    paired: PairedRows | None = field(default=None, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": self.added.height,
            "removed": self.removed.height,
            "changed": self.changed.height,
        }


@dataclass(frozen=True)
class SyncGroup:
    """Many plan actions of one kind, said once: '37 removed users will NOT be deleted'."""

    entity: str
    action: str
    reason: str | None
    count: int
    will: bool  # True: the sync does it; False: it does not and someone must act
    source: str  # the behaviour id in summit-k12-sync.md, e.g. "SK-A7"
    message: str


@dataclass
class DiffResult:
    old_path: str
    new_path: str
    old_version: str | None
    new_version: str | None
    files: list[FileDiff]
    manifest_changes: list[tuple[str, str | None, str | None]]  # property, old, new
    warnings: pl.DataFrame  # FINDING_SCHEMA: the RL4xx findings
    sync: list[SyncGroup]
    plan_totals: dict[str, dict[str, int]]
    settings: DiffSettings
    plan_available: bool = True

    def file(self, name: str) -> FileDiff | None:
        return next((f for f in self.files if f.file == name), None)

    @property
    def totals(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for f in self.files:
            for k, v in f.counts.items():
                out[k] += v
        return out
