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
"""

from __future__ import annotations

from typing import Any

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
# Deterministic order: export-level first, then by file, line, rule, column, id, value.
SORT_KEYS = ["file", "line", "code", "column", "sourced_id", "value", "message"]
SEVERITY_RANK = {s.value: s.rank for s in Severity}


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


class Findings:
    """Collects hits from checks and turns them into findings."""

    def __init__(self, cat: Catalogue | None = None) -> None:
        self._cat = cat or catalogue()
        self._parts: list[pl.DataFrame] = []
        # Single findings wait here, per rule, and become one frame each when read: a frame
        # per finding made a damaged 7 MB file (100k short rows) take 40 s and 1.7 GB.
        self._rows: dict[str, list[dict[str, Any]]] = {}

    def sibling(self) -> Findings:
        """An empty collector on the same catalogue, for work done in another thread
        (merge it back with `extend`, in a fixed order)."""
        return Findings(self._cat)

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
        for col, dtype in FINDING_SCHEMA.items():
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
        self._parts.append(out)

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

    def extend(self, other: Findings) -> None:
        self._flush()
        other._flush()
        self._parts.extend(other._parts)

    def frame(self) -> pl.DataFrame:
        """All findings, de-duplicated, in deterministic order."""
        self._flush()
        if not self._parts:
            return empty_findings()
        df = pl.concat(self._parts, how="vertical").unique(maintain_order=True)
        return sort_findings(df)


def sort_findings(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(SORT_KEYS, nulls_last=False, maintain_order=True)


def summary(df: pl.DataFrame) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for sev, n in df.group_by("severity").len().iter_rows():
        counts[sev] = n
    return counts
