"""Byte facts about an export's own id columns, shared by two stages of `check`.

RL211 (crossfile.duplicates) screens each table's sourcedId for capitals and spaces, and
the schema (runner.jobs) asks whether the same column holds no space, no plus and
nothing but printable ASCII (bytescan.is_quiet): two passes over the same bytes (533 MB
of enrollment ids at 1M students), each memory-bound.  One pass of bytescan.calm marks
what either marks; its ranges are a superset of RL211's (which then runs its exact regex
on them), and no range at all proves the column quiet.  The quiet fact is kept here for
the schema, which runs after `pipeline.release_validation_caches` clears the cross-file
caches: the keys start with PREFIX, which that clear spares.

A fact holds the Series it was read from (a reference to the column's buffers, no copy)
and its bytescan.fingerprint: it is used only for a column with the same fingerprint, so
a column replaced, filtered or sliced since is screened again (while the old Series is
held its buffers cannot be reused at the same addresses).  The schema takes the fact
(pop): it lives from the cross-file rules to the schema checks, no longer.
"""

from __future__ import annotations

import polars as pl

from roster_lint.bytescan import calm, fingerprint, is_quiet, marked_rows
from roster_lint.model import Export
from roster_lint.validate.schema.runner import EXACT_ROWS

PREFIX = "bytes:"  # Export.derived keys of small per-column facts (spared by the clear)


def _key(table: str, column: str) -> str:
    return f"{PREFIX}{table}:{column}"


def changing_ranges(export: Export, table: str, s: pl.Series) -> list[tuple[int, int]] | None:
    """bytescan.marked_rows of `s` (the column `s.name` of `table`) with a test marking
    capitals, spaces, non-ASCII bytes, DEL and pluses: a superset of the default's ranges.
    Where none is marked, the column is quiet: kept for `quiet` (the schema's question)."""
    ranges = marked_rows(s, calm)
    # Kept only where the schema will ask: a table of at most EXACT_ROWS is judged exactly.
    if ranges == [] and s.len() > EXACT_ROWS:
        print_ = fingerprint(s)
        if print_ is not None:
            export.derived[_key(table, s.name)] = (s, print_)
    return ranges


def quiet(export: Export, table: str, s: pl.Series) -> bool:
    """bytescan.is_quiet(s), from a kept fact of the same column when there is one (taken:
    a fact is read once)."""
    fact = export.derived.pop(_key(table, s.name), None)
    if fact is not None and fact[1] == fingerprint(s):
        return True
    return is_quiet(s)
