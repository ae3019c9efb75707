"""Where CI sees the export's files: the one answer SARIF and GitHub annotations share.

GitHub code scanning places a SARIF result by `artifactLocation.uri` relative to the
repository root; an annotation's `file=` is relative to the workspace.  So a file of the
export becomes, in this order:

1. `--path-prefix PREFIX`: PREFIX/FILE, as given (the export is checked somewhere other than
   where CI will see it: a download folder, an unpacked zip);
2. the export inside a git repository (a `.git` folder or file found walking up, no
   subprocess): the export's path from that root (`exports/district/classes.csv`);
3. otherwise none: the caller falls back (SARIF: a base with a `file:` uri; GitHub: the
   path relative to the workspace or the current folder).

A zip's files are inside the archive: without --path-prefix they cannot be placed in a
repository, and the caller says so.  Computed from the export as loaded, before --redact
(a redacted copy keeps only the export's bare name; paths in a repository are not personal).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Where:
    """Where an export's files are, for reports that point tools at them."""

    folder: Path  # the export folder (a zip: the zip itself), absolute
    prefix: str | None  # the export's path from the repository root ("" = the root itself)
    archive: bool = False  # the files are inside a zip
    explicit: bool = False  # the prefix came from --path-prefix

    def uri(self, file: str) -> str | None:
        """FILE's path from the repository root, `/`-separated, or None when unknown."""
        if self.prefix is None:
            return None
        file = file.replace("\\", "/")
        return f"{self.prefix}/{file}" if self.prefix else file


def repo_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a worktree's or
    submodule's file)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def clean_prefix(prefix: str) -> str:
    """`./exports/district/` -> `exports/district`; `.` or `` -> the root."""
    parts = [p for p in PurePosixPath(prefix.replace("\\", "/")).parts if p not in (".", "/")]
    return "/".join(parts)


def locate(export_path: str, path_prefix: str | None = None) -> Where:
    folder = Path(os.path.abspath(export_path))
    archive = folder.suffix.lower() == ".zip" and not folder.is_dir()
    if path_prefix is not None:
        return Where(folder, clean_prefix(path_prefix), archive, explicit=True)
    if archive:
        return Where(folder, None, True)
    root = repo_root(folder.resolve())
    if root is None:
        return Where(folder, None)
    rel = folder.resolve().relative_to(root).as_posix()
    return Where(folder, "" if rel == "." else rel)


def workspace_path(where: Where, file: str, workspace: str | None = None) -> str | None:
    """FILE as a GitHub annotation names it: PREFIX/FILE with --path-prefix; else from
    $GITHUB_WORKSPACE when the export lies in it; else from the repository root; else from
    the current folder (absolute when outside it).  None for a file inside a zip (there is
    no such file in the workspace) unless --path-prefix says where it was unpacked."""
    file = file.replace("\\", "/")
    if where.explicit:
        return where.uri(file)
    if where.archive:
        return None
    ws = workspace if workspace is not None else os.environ.get("GITHUB_WORKSPACE")
    for base in [Path(ws)] if ws else []:
        rel = _relative(where.folder, base)
        if rel is not None:
            return f"{rel}/{file}" if rel else file
    uri = where.uri(file)
    if uri is not None:
        return uri
    rel = _relative(where.folder, Path.cwd())
    if rel is not None:
        return f"{rel}/{file}" if rel else file
    return f"{where.folder.as_posix()}/{file}"


def _relative(path: Path, folder: Path) -> str | None:
    try:
        rel = path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel
