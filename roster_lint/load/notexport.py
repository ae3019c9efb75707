""" "This is not an export at all": the contract's exit 2, with a pointer to the export when
the user named the folder above it (a common slip: `check exports/` for `exports/district/`).

An export is recognised by its file names alone (case-insensitively, as the loader reads
them): a folder or zip holding no manifest.csv and no OneRoster file is not an export, and
reporting "manifest missing" plus one "unknown file" per stray file would only bury that.
"""

from __future__ import annotations

import os
from pathlib import Path

from roster_lint.errors import UsageError
from roster_lint.load.manifest import MANIFEST, known_files
from roster_lint.load.source import Source

# How many subfolders are looked into for an export one level down (a folder of thousands
# of subfolders is not worth listing; the first few are named).
_MAX_NAMED = 3


def _names() -> set[str]:
    return {n.lower() for n in [MANIFEST, *known_files()]}


def is_export(src: Source) -> bool:
    """Whether any top-level file or folder of the source bears a OneRoster file name."""
    names = _names()
    top = [e.name for e in src.entries if not e.in_subfolder]
    return any(n.lower() in names for n in [*top, *src.folders])


def _exports_below(src: Source) -> list[str]:
    """Subfolders that hold a OneRoster file (folders only: a zip's one top folder is
    already entered by the source)."""
    if src.kind != "folder":
        return []
    names = _names()
    found: list[str] = []
    for sub in sorted(src.folders):
        try:
            with os.scandir(Path(src.path) / sub) as it:
                if any(e.name.lower() in names for e in it):
                    found.append(sub)
        except OSError:  # unreadable subfolder: not ours to report
            continue
    return found


def refuse_non_export(src: Source) -> None:
    """Raise UsageError (exit 2) when the source holds no OneRoster file at all."""
    if is_export(src):
        return
    what = "a zip" if src.kind == "zip" else "a folder"
    line = f"{src.path}: not an export ({what} with no manifest.csv and no OneRoster file)"
    below = _exports_below(src)
    if below:
        shown = [str(Path(src.path) / b) for b in below[:_MAX_NAMED]]
        more = f" and {len(below) - _MAX_NAMED} more" if len(below) > _MAX_NAMED else ""
        line += f"; an export is one level down: {', '.join(shown)}{more}"
    raise UsageError(line)
