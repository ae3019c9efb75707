"""`diff --format json`: one deterministic document, described in docs/diff.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint import __version__
from roster_lint.diff.model import changed_values, without_values
from roster_lint.report.json_report import CONTRACT_FIELDS

if TYPE_CHECKING:
    from roster_lint.diff.model import DiffResult, FileDiff, SyncGroup


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Every record, in file order (frames are sorted by line already)."""
    return without_values(frame).to_dicts() if frame.width else []


def _changed(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The changed records, each with `values`: {column: {"old", "new"}} of its changes."""
    if not frame.width:
        return []
    keep = without_values(frame).columns
    return [
        {**{k: r[k] for k in keep}, "values": changed_values(r)}
        for r in frame.iter_rows(named=True)
    ]


def file_dict(fd: FileDiff) -> dict[str, Any]:
    return {
        "file": fd.file,
        "status": fd.status,
        "path": {"old": fd.path_old, "new": fd.path_new},
        "mode": {"old": fd.mode_old, "new": fd.mode_new},
        "rows": {"old": fd.rows_old, "new": fd.rows_new},
        "key": list(fd.key),
        "key_note": fd.key_note,
        **fd.counts,
        "columns_changed": dict(fd.column_changes),
        "header": {"added": fd.header_added, "removed": fd.header_removed},
        "duplicate_keys": {"old": fd.duplicate_keys_old, "new": fd.duplicate_keys_new},
        "records": {
            "added": _records(fd.added),
            "removed": _records(fd.removed),
            "changed": _changed(fd.changed),
        },
    }


def warning_dicts(frame: pl.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for r in frame.iter_rows(named=True):
        d = {k: r[k] for k in CONTRACT_FIELDS}
        d["related"] = {
            "file": r["related_file"],
            "column": r["related_column"],
            "value": r["related_value"],
        }
        rows.append(d)
    return rows


def _group(g: SyncGroup) -> dict[str, Any]:
    return {
        "entity": g.entity,
        "action": g.action,
        "reason": g.reason,
        "count": g.count,
        "source": g.source,
        "message": g.message,
    }


def diff_document(diff: DiffResult) -> dict[str, Any]:
    s = diff.settings
    return {
        "tool": {"name": "roster-lint", "version": __version__},
        "old": {"path": diff.old_path, "oneroster_version": diff.old_version},
        "new": {"path": diff.new_path, "oneroster_version": diff.new_version},
        "settings": {
            "max_shrink": s.max_shrink,
            "min_rows": s.min_rows,
            "id_scheme_share": s.id_scheme_share,
        },
        "summary": {**diff.totals, "warnings": diff.warnings.height},
        "files": [file_dict(f) for f in diff.files],
        "manifest": [{"property": p, "old": o, "new": n} for p, o, n in diff.manifest_changes],
        "warnings": warning_dicts(diff.warnings),
        "sync": {
            "available": diff.plan_available,
            "totals": diff.plan_totals,
            "will": [_group(g) for g in diff.sync if g.will],
            "will_not": [_group(g) for g in diff.sync if not g.will],
        },
    }
