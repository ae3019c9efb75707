"""Baselines: accept today's findings, fail only on new ones.

A baseline counts findings by (rule code, file, sourcedId) — not by line, because a
district's export is re-sorted or grows every night and line numbers move.  Applying it
drops, for each key, as many findings as the baseline counted (the first ones in the
deterministic order); anything beyond the count, or under a new key, is new and stays.
So an unchanged export passes, a new defect on a known record fails, and a fixed defect
simply stops being counted.  Findings with no sourcedId (file- or export-level) are keyed
by code and file alone.

A finding that stands for many rows (`count` > 1, a defect down one column) is keyed by
code and file with no sourcedId — its first row's id moves when the export is re-sorted —
and weighs its `count`: the entry records how many rows it stood for, and applying the
baseline accepts it while it stands for no more rows than that (a column that got worse is
new).  A single-row finding weighs 1, so baselines written before grouping still apply.

File format (JSON, sorted, stable under version control):
  {"roster-lint-baseline": 1, "tool": "...", "entries": [
     {"code": "RL101", "file": "users.csv", "sourced_id": "18125", "count": 2}, ...]}
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint import __version__
from roster_lint.errors import UsageError

if TYPE_CHECKING:
    from roster_lint.results import CheckResult

FORMAT_VERSION = 1
KEY = ["code", "file", "sourced_id"]
SCHEMA = {"code": pl.String, "file": pl.String, "sourced_id": pl.String, "count": pl.Int64}


def _keyed(findings: pl.DataFrame) -> pl.DataFrame:
    """KEY plus `_w`, the rows each finding weighs (grouped ones keyed without an id)."""
    weight = pl.col("count").fill_null(1) if "count" in findings.columns else pl.lit(1)
    grouped = weight > 1
    return findings.select(
        "code",
        "file",
        pl.when(grouped)
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("sourced_id"))
        .alias("sourced_id"),
        weight.cast(pl.Int64).alias("_w"),
    )


def baseline_frame(findings: pl.DataFrame) -> pl.DataFrame:
    return (
        _keyed(findings)
        .group_by(KEY)
        .agg(pl.col("_w").sum().cast(pl.Int64).alias("count"))
        .sort(KEY, nulls_last=False)
        .select(list(SCHEMA))
    )


def baseline_document(result: CheckResult) -> dict[str, Any]:
    return {
        "roster-lint-baseline": FORMAT_VERSION,
        "tool": f"roster-lint {__version__}",
        "entries": baseline_frame(result.findings).to_dicts(),
    }


def write_baseline(result: CheckResult, path: str | Path) -> int:
    """Write the baseline; returns how many findings it accepts."""
    from roster_lint.report.files import write_atomic

    text = json.dumps(baseline_document(result), indent=1, ensure_ascii=False) + "\n"
    write_atomic(path, text, f"--write-baseline {path}")
    return result.findings.height


def read_baseline(path: str | Path) -> pl.DataFrame:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--baseline {path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"--baseline {path}: not a roster-lint baseline ({exc})") from None
    if not isinstance(doc, dict) or doc.get("roster-lint-baseline") != FORMAT_VERSION:
        raise UsageError(f"--baseline {path}: not a roster-lint baseline (version 1)")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        raise UsageError(f"--baseline {path}: malformed entries")
    ok = all(
        isinstance(e, dict)
        and isinstance(e.get("code"), str)
        and all(e.get(k) is None or isinstance(e.get(k), str) for k in ("file", "sourced_id"))
        and isinstance(e.get("count"), int)
        and not isinstance(e.get("count"), bool)
        and e["count"] > 0
        for e in entries
    )
    if not ok:
        raise UsageError(f"--baseline {path}: malformed entries")
    return pl.DataFrame(
        [{k: e.get(k) for k in SCHEMA} for e in entries], schema=SCHEMA, orient="row"
    )


def new_findings(findings: pl.DataFrame, baseline: pl.DataFrame) -> pl.DataFrame:
    """The findings the baseline does not account for, in their original order."""
    known = baseline.group_by(KEY).agg(pl.col("count").sum().alias("_known"))
    # rows of the same key before this finding, in report order
    ranked = (
        _keyed(findings)
        .with_row_index("_i")
        .with_columns((pl.col("_w").cum_sum().over(KEY) - pl.col("_w")).alias("_n"))
    )
    joined = ranked.join(known, on=KEY, how="left", nulls_equal=True)
    new = pl.col("_known").is_null() | (pl.col("_n") + pl.col("_w") > pl.col("_known"))
    kept = joined.filter(new).sort("_i")["_i"]
    return findings[kept]


def apply_baseline(
    result: CheckResult, path: str | Path, keyed: CheckResult | None = None
) -> CheckResult:
    """A copy of the result without the findings the baseline accepts.  `keyed`: the same
    findings as a --redact baseline names them (pseudonymised ids), matched in their place."""
    base = read_baseline(path)
    if keyed is None:
        return dataclasses.replace(result, findings=new_findings(result.findings, base))
    kept = new_findings(keyed.findings.with_row_index("_orig"), base)["_orig"]
    return dataclasses.replace(result, findings=result.findings[kept.to_list()])
