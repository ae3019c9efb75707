"""`diff` as text: a per-file table, the warnings, and what the sync will and will not do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl
from rich.console import Console
from rich.table import Table

from roster_lint.diff.model import changed_values
from roster_lint.report.terminal import clean, keep_tokens, print_wrapped
from roster_lint.report.terminal import markup_safe as escape

if TYPE_CHECKING:
    from roster_lint.diff.model import DiffResult, FileDiff

TOP_COLUMNS = 3  # changed columns named per file in the table
SAMPLES = 5  # records listed per kind of change


def _rows(fd: FileDiff) -> str:
    """Today's row count; yesterday's is today's minus added plus removed (a "N -> M" cell
    does not fit 80 columns beside the counts and the column names)."""
    if fd.rows_new is None:
        return "-" if fd.rows_old is None else f"- (was {fd.rows_old:,})"
    return f"{fd.rows_new:,}"


def _top(fd: FileDiff) -> str:
    items = list(fd.column_changes.items())[:TOP_COLUMNS]
    more = len(fd.column_changes) - len(items)
    text = ", ".join(f"{c} ({n:,})" for c, n in items)
    return text + (f", +{more} more" if more > 0 else "")


def _note(fd: FileDiff) -> str:
    notes = [] if fd.status == "compared" else [fd.status]
    if fd.key_note and fd.key != ("sourcedId",):
        notes.append(fd.key_note)
    if fd.header_removed:
        notes.append("header lost: " + ", ".join(fd.header_removed))
    if fd.duplicate_keys_old or fd.duplicate_keys_new:
        notes.append(
            f"repeated keys left out: {fd.duplicate_keys_old:,} old, {fd.duplicate_keys_new:,} new"
        )
    return "; ".join(notes)


def _files_table(diff: DiffResult) -> Table:
    """Counts per file; the notes follow the table (a column of prose would not fit 80)."""
    table = Table(title="Changes per file", title_justify="left")
    for col in ("file", "rows", "added", "removed", "changed", "columns changed"):
        if col in ("added", "removed", "changed"):
            table.add_column(col, justify="right")
        else:
            table.add_column(col, overflow="fold")
    for fd in diff.files:
        c = fd.counts
        table.add_row(
            escape(fd.file),
            _rows(fd),
            f"{c['added']:,}",
            f"{c['removed']:,}",
            f"{c['changed']:,}",
            escape(_top(fd)),
        )
    return table


def _label(frame: pl.DataFrame, record: dict[str, Any]) -> str:
    ident = record.get("sourcedId") or "/".join(
        str(record[c]) for c in ("classSourcedId", "userSourcedId") if c in frame.columns
    )
    text = f"{ident} (line {record['line']})"
    if "columns" in record:
        text += ": " + ", ".join(
            f"{c} {_shown(v['old'])} → {_shown(v['new'])}"
            for c, v in changed_values(record).items()
        )
    if record.get("action"):
        text += f" -> {record['action']}"
    return text


def _shown(value: Any) -> str:
    """A value as the file holds it, quoted so a blank or a space can be seen."""
    return (
        "(none)" if value is None else repr(value) if value.strip() != value or not value else value
    )


def _samples(diff: DiffResult, console: Console) -> None:
    for fd in diff.files:
        for kind, frame in (("added", fd.added), ("removed", fd.removed), ("changed", fd.changed)):
            if frame.height == 0:
                continue
            shown = [_label(frame, r) for r in frame.head(SAMPLES).iter_rows(named=True)]
            more = frame.height - len(shown)
            tail = f" and {more:,} more" if more > 0 else ""
            _say(console, f"  {fd.file} {kind}: {'; '.join(shown)}{tail}")


def _say(console: Console, text: str) -> None:
    """A line of plain text with the data's control characters shown, never interpreted."""
    indent = len(text) - len(text.lstrip(" "))
    print_wrapped(console, clean(text.lstrip(" ")), indent)


def render_diff(diff: DiffResult, console: Console) -> None:
    versions = f"OneRoster {diff.old_version or '?'} -> {diff.new_version or '?'}"
    _say(console, f"roster-lint diff {diff.old_path} -> {diff.new_path} ({versions})")
    same = not diff.manifest_changes and all(
        not any(fd.counts.values()) and not fd.header_added and not fd.header_removed
        for fd in diff.files
    )
    if same:  # said plainly, not as a table of zeros
        _say(console, "No changes: both exports hold the same records.")
    # What someone must act on comes first (a broken export, then what the sync will not
    # do), then what it will do, then the changes file by file.
    if diff.warnings.height:
        console.print(
            clean(f"Looks like a broken export ({diff.warnings.height:,}):"), markup=False
        )
        for r in diff.warnings.iter_rows(named=True):
            _say(console, f"  {r['code']} {r['severity']} {r['message']}")
    else:
        console.print("No change looks like a broken export.", markup=False)
    console.print()
    _sync(diff, console)
    if not same:
        console.print()
        console.print(keep_tokens(_files_table(diff)))
        for fd in diff.files:
            if note := _note(fd):
                _say(console, f"  {fd.file}: {note}")
    _samples(diff, console)
    for prop, old, new in diff.manifest_changes:
        console.print(
            clean(f"manifest.csv {prop}: {old or '(none)'} -> {new or '(none)'}"), markup=False
        )


def _sync(diff: DiffResult, console: Console) -> None:
    if not diff.plan_available:
        console.print("What the sync will do: not predicted (no plan available).", markup=False)
        return
    will = [g for g in diff.sync if g.will]
    will_not = [g for g in diff.sync if not g.will]
    console.print("What the Summit K12 sync will NOT do (someone must act):", markup=False)
    for g in will_not:
        _say(console, f"  {g.message} ({g.source})")
    if not will_not:
        console.print("  nothing", markup=False)
    console.print("What it will do:", markup=False)
    for g in will or []:
        _say(console, f"  {g.message} ({g.source})")
    if not will:
        console.print("  nothing new", markup=False)
