"""Writing reports safely: whole or not at all, and never over an input.

Every file the tool writes (--output, --write-baseline, course-map init -o) goes to a
temporary file beside the target and is renamed over it once complete, so an interrupted
or failed run (Ctrl-C, a full disk) leaves the old file or none, never a truncated one;
a target that is a device or a FIFO (/dev/null) is written into instead.
A target that is, or resolves to (through symlinks or a hard link), a file the run reads
is refused before anything runs: a report written over users.csv would destroy the
district's own data.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from roster_lint.errors import UsageError
from roster_lint.report.dropbehind import drop_behind

MAX_WALK = 10_000  # files looked at inside an export folder (exports hold about ten)


def write_atomic(path: str | Path, chunks: str | Iterable[str], what: str) -> None:
    """Write text (or pieces of it) to `path` through a temporary file and a rename.

    `what` names the option in the one-line error ("--output json:r.json")."""

    def body(fh: BinaryIO) -> None:
        for chunk in [chunks] if isinstance(chunks, str) else chunks:
            fh.write(chunk.encode("utf-8"))

    write_atomic_stream(path, body, what)


def write_atomic_stream(path: str | Path, write: Callable[[BinaryIO], None], what: str) -> None:
    """`write` fills a binary file that replaces `path` once complete (a temporary file
    beside it, then a rename): a streamed report (plan JSON, Parquet) is never left cut."""
    target = Path(path)
    if _is_device(target):
        _write_through(target, write, what)
        return
    parent = target.parent if str(target.parent) else Path(".")
    fd = -1
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
        with os.fdopen(fd, "wb") as fh:
            fd = -1  # the file object owns it now
            write(drop_behind(fh))  # plan JSON at 1M students: GBs (report/dropbehind.py)
        # mkstemp makes the file 0600; a report gets the mode a plain open() would give.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        tmp = ""
    except OSError as exc:
        raise UsageError(f"{what}: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _is_device(target: Path) -> bool:
    """Whether `target` exists and is no regular file or folder: /dev/null, a FIFO, a
    terminal.  Renaming a finished file over it would replace the device itself (as root,
    `--output json:/dev/null` turned /dev/null into a regular file that every later
    `> /dev/null` on the machine filled)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_through(target: Path, write: Callable[[BinaryIO], None], what: str) -> None:
    """`write` straight into a device or FIFO (nothing there to keep whole)."""
    try:
        with open(target, "wb") as fh:
            write(fh)
    except OSError as exc:
        raise UsageError(f"{what}: {exc.strerror or exc}") from None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def input_files(paths: Iterable[str | None]) -> dict[str, str]:
    """Every file a run reads, as real path -> the input it belongs to.

    An export folder contributes the files inside it (a report may still be written into
    the folder under a new name); a zip, course map or config contributes itself.
    """
    found: dict[str, str] = {}
    for given in paths:
        if not given:
            continue
        p = Path(given)
        try:
            if p.is_dir():
                seen = 0
                for root, _dirs, files in os.walk(p, followlinks=False):
                    for name in files:
                        seen += 1
                        if seen > MAX_WALK:
                            break
                        found[os.path.realpath(os.path.join(root, name))] = given
            elif p.exists():
                found[os.path.realpath(p)] = given
        except OSError:
            continue  # unreadable: the run itself says so
    return found


def refuse_inputs(outputs: Iterable[tuple[str, str]], inputs: Iterable[str | None]) -> None:
    """UsageError when an output (option, path) is one of the files the run reads."""
    outs = list(outputs)
    if not outs:
        return
    files = input_files(inputs)
    ids = {i: given for f, given in files.items() if (i := _identity(Path(f))) is not None}
    for what, raw in outs:
        if raw == "-":
            continue
        real = os.path.realpath(raw)
        hit = files.get(real)
        if hit is None:
            ident = _identity(Path(raw))
            hit = ids.get(ident) if ident is not None else None
        if hit is not None:
            raise UsageError(
                f"{what}: {raw} is a file this run reads (from {hit}); refusing to overwrite it"
            )
