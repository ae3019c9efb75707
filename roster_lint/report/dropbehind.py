"""A large report written to a regular file without filling the page cache behind it.

`plan --format json` at a million students is a 1.3-1.8 GB file.  Written plainly, every
4 KB of it takes a page of the page cache that stays dirty until the kernel writes it back
later, and on a VM each page the guest has not touched recently costs a fault in the host
as well: 1.74 GB into a new file took 3.8-4.0 s of system time, the whole write in the
process's own CPU (docs/performance.md, branch planwrite7).  Telling the kernel, as the
file grows, to start writing back what was just written (POSIX_FADV_DONTNEED starts the
writeback of dirty pages) and, a few blocks later, to drop those pages once they are clean
(the same call drops clean pages) keeps the file's share of the page cache at a few tens
of MB, and each new page comes from the ones just dropped: 0.5-0.7 s of system time for
the same 1.74 GB.  The advice never waits for the disk (pages still being written are
simply kept) and never changes what the file holds.

Only for regular files on systems with posix_fadvise; pipes, terminals and /dev/null
get the file object itself.
"""

from __future__ import annotations

import os
import stat
from typing import Any, BinaryIO

BLOCK = 8 << 20  # bytes written between two pieces of advice
LAG = 32 << 20  # how far behind the writer pages are dropped: their writeback has finished
DONTNEED = getattr(os, "POSIX_FADV_DONTNEED", 4)


def drop_behind(fh: BinaryIO) -> BinaryIO:
    """`fh`, or a file object writing to it that advises the kernel as it goes (above)."""
    if not hasattr(os, "posix_fadvise"):
        return fh
    try:
        fd = fh.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return fh
        start = fh.tell()
    except (AttributeError, OSError, ValueError):  # no descriptor: an in-memory buffer
        return fh
    return _DropBehind(fh, fd, start)  # type: ignore[return-value]


class _DropBehind:
    """Writes go to `fh`; every BLOCK of them, the kernel is advised about the file's
    pages: start writing back the new ones, drop the ones LAG behind.  Everything else a
    writer asks of a file (flush, tell, ...) is `fh`'s own."""

    def __init__(self, fh: BinaryIO, fd: int, start: int) -> None:
        self._fh = fh
        self._fd = fd
        self._pos = start  # where the next write goes (counted: no lseek per write)
        self._advised = start  # writeback asked for up to here
        self._dropped = start  # dropped up to here (nothing before the first write)

    def write(self, data: Any) -> int:
        n = self._fh.write(data)
        self._pos += n
        if self._pos - self._advised >= BLOCK:
            self._advise(self._pos)
        return n

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """The writer went back or ahead (Parquet's footer): advise from there on."""
        self._pos = self._advised = self._dropped = self._fh.seek(offset, whence)
        return self._pos

    def _advise(self, pos: int) -> None:
        # Bytes still in fh's own buffer have no pages yet: advice about them does nothing.
        try:
            os.posix_fadvise(self._fd, self._advised, pos - self._advised, DONTNEED)
            self._advised = pos
            if pos - LAG > self._dropped:
                os.posix_fadvise(self._fd, self._dropped, pos - LAG - self._dropped, DONTNEED)
                self._dropped = pos - LAG
        except OSError:  # a file system that takes no advice: write on without it
            self._advised = self._dropped = 1 << 62

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)
