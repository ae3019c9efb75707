"""Files byte-identical in OLD and NEW are read once (`roster-lint diff`).

Nightly exports are mostly the same from one day to the next: in a pair whose enrollment
ids were regenerated, every file but enrollments.csv is often the same bytes, and in real
districts orgs, courses, academicSessions and often classes and users are.  OLD is loaded
first with `SharedReads.old` as its reader: each table's file is read as always, and what
the read made (the parsed frame and the read's findings) is kept with a way to open the
file's bytes again.  NEW is loaded with `SharedReads.new`: a table whose file has OLD's
name, path and size and, compared chunk by chunk, OLD's exact bytes takes OLD's parsed
frame and a copy of OLD's read findings instead of being read and proved again.  The read
is a function of the bytes and the path alone (load/reader.read_entry), so NEW's export is
the one a read of its own would give; `compare_tables` then knows those files have no
changed row without comparing them (rows.py).  A file whose bytes differ is read with
load/reader.read_like: the same Parsed as a read of its own, its columns OLD's wherever
NEW's batch of records holds OLD's values (NEW's enrollments after ids were regenerated:
every column but the ids), so NEW's load does not keep a second copy of them.

Zip members: OLD's unpacked copy is gone once OLD is loaded, so its bytes are read again
from OLD's archive (the same member the loader unpacked: the last of its name); a folder's
file is reopened in place.  Anything unexpected while comparing (a file gone, an archive
that changed) reads NEW's file as usual.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from roster_lint.findings import Findings
from roster_lint.load.reader import Parsed, read_entry, read_like
from roster_lint.load.source import Entry

CHUNK = 4 * 1024**2  # bytes compared at a time: bounded memory, a few hundred reads per GB


@dataclass
class _Read:
    """One file of OLD as read: where it was found, its size, how to open its bytes again,
    and what the read made."""

    path: str
    size: int
    reopen: Callable[[], AbstractContextManager[IO[bytes]]]
    parsed: Parsed
    findings: Findings


@dataclass
class SharedReads:
    """Readers for OLD's load (`old`) and NEW's (`new`) that share the files both exports
    hold byte for byte.  `old_path`: OLD as the user gave it (a zip's members are read
    again from it).  `shared`: the canonical names of the tables NEW took from OLD."""

    old_path: str
    shared: set[str] = field(default_factory=set)
    _reads: dict[str, _Read] = field(default_factory=dict)

    def old(self, entry: Entry, out: Findings) -> Parsed:
        """Read OLD's file as the loader does, and keep what the read made."""
        mine = out.sibling()
        parsed = read_entry(entry, mine)
        out.extend(mine)
        self._reads[entry.name] = _Read(entry.path, entry.size, self._reopen(entry), parsed, mine)
        return parsed

    def new(self, entry: Entry, out: Findings) -> Parsed:
        """NEW's file: OLD's read when the bytes are the same, else a read of its own,
        which takes OLD's values where NEW's file holds them at the same records."""
        entry.file()  # a zip member is unpacked here, its size then the bytes written
        before = self._reads.pop(entry.name, None)
        if before is None:
            return read_entry(entry, out)
        if not _same_bytes(before, entry):
            return read_like(entry, out, before.parsed)
        out.extend(before.findings)
        self.shared.add(entry.name)
        return before.parsed

    def done(self) -> None:
        """NEW is loaded: let go of OLD's reads (a parsed frame keeps every column of its
        file, which OLD's tables release before the plan)."""
        self._reads.clear()

    def _reopen(self, entry: Entry) -> Callable[[], AbstractContextManager[IO[bytes]]]:
        if entry.unpack is None and entry.fs_path is not None:
            where = Path(entry.fs_path)
            return lambda: where.open("rb")
        archive, member = self.old_path, entry.path
        return lambda: _member(archive, member)


class _Member(AbstractContextManager[IO[bytes]]):
    """A zip member's bytes, the archive closed with it."""

    def __init__(self, archive: str, member: str) -> None:
        self._zf = zipfile.ZipFile(archive)
        self._fh: IO[bytes] | None = None
        self._member = member

    def __enter__(self) -> IO[bytes]:
        self._fh = self._zf.open(self._member)
        return self._fh

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()
        self._zf.close()


def _member(archive: str, member: str) -> _Member:
    return _Member(archive, member)


def _same_bytes(before: _Read, entry: Entry) -> bool:
    """The file NEW found at `entry` holds exactly the bytes OLD's had (and was found at
    the same path: the read's findings name it).  Sizes first; then chunk by chunk,
    stopping at the first difference."""
    if before.path != entry.path or before.size != entry.size or entry.size == 0:
        return False
    try:
        with before.reopen() as a, entry.file().open("rb") as b:
            while True:
                x = a.read(CHUNK)
                if x != b.read(CHUNK):
                    return False
                if not x:
                    return True
    except (OSError, EOFError, KeyError, RuntimeError, ValueError, zipfile.BadZipFile, zlib.error):
        return False
