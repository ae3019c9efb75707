"""Where an export's files come from: a folder or a zip, opened without writing anything
the user will see.

A folder's files are read in place.  A zip's entries are unpacked one at a time, when the
loader first reads them, in bounded chunks into a private temporary folder (mkdtemp under
TMPDIR, mode 0700) that `Source.close` removes, also on an error or Ctrl-C: reading a
3.9 GB entry into memory took 4 GB before polars even started, where a file on disk is
read by polars as a folder's file is.  Anything that makes the archive unsafe or
unreadable as a whole (zip slip, symlink or encrypted entries, a zip bomb, an entry larger
than declared, several top folders, an empty or non-zip `.zip`, no room to unpack) raises
UsageError: the contract's exit 2.  Problems that leave the rest checkable (a "file" that
is a folder, a nested zip next to the CSVs) are returned as notes for the loader to turn
into findings.
"""

from __future__ import annotations

import mmap
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType

from roster_lint.errors import UsageError

# Zip-bomb limits.  A district export is ~2 GB uncompressed with enrollments.csv at ~1.5 GB;
# CSV compresses 5-30x, so a ratio above MAX_RATIO on a sizeable entry is not a roster.
MAX_ENTRY_BYTES = 4 * 1024**3
MAX_TOTAL_BYTES = 8 * 1024**3
MAX_RATIO = 250
RATIO_MIN_BYTES = 1024**2  # tiny entries compress absurdly well; only judge large ones
HEAD_BYTES = 64 * 1024
UNPACK_CHUNK = 1024**2  # a zip entry is copied to its temporary file this much at a time

# Packaging debris that archivers add; never part of an export.
_IGNORED_PARTS = ("__MACOSX",)
_IGNORED_NAMES = (".DS_Store", "Thumbs.db")


@dataclass
class Entry:
    """One file of the export."""

    name: str  # file name as found (no folder): "users.csv"
    path: str  # where it was found, for messages: "users.csv" or "export/users.csv"
    size: int
    fs_path: Path | None = None  # a folder's file, or a zip entry once unpacked
    unpack: Callable[[], Path] | None = None  # zip entries: to a private temporary file
    in_subfolder: bool = False  # below the export root: never a OneRoster file

    def file(self) -> Path:
        """The file on disk (a zip entry is unpacked on first use)."""
        if self.fs_path is None:
            if self.unpack is None:
                raise ValueError(f"{self.path}: neither a file nor a zip entry")
            self.fs_path = self.unpack()
            # What was written, not what the archive declared (a shorter entry whose CRC
            # matches its short data passes zipfile's checks).
            self.size = self.fs_path.stat().st_size
        return self.fs_path

    def read(self) -> bytes:
        return self.file().read_bytes()

    def head(self) -> bytes:
        with self.file().open("rb") as fh:
            return fh.read(HEAD_BYTES)

    def find(self, needle: bytes) -> int:
        """Offset of the first `needle` (memchr speed), or -1."""
        if self.size == 0:
            return -1
        with self.file().open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return mm.find(needle)

    def last_byte(self) -> bytes:
        if self.size == 0:
            return b""
        with self.file().open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1)


@dataclass
class Source:
    path: str
    kind: str  # "folder" | "zip"
    entries: list[Entry]
    folders: list[str] = field(default_factory=list)  # folders where a file was expected
    nested_archives: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # zip entries named twice or more
    unpacked: _Unpacker | None = None  # a zip's temporary folder, removed by close()

    def close(self) -> None:
        """Remove what was unpacked (nothing to do for a folder)."""
        if self.unpacked is not None:
            self.unpacked.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_source(path: str) -> Source:
    p = Path(path)
    if p.is_dir():
        return _folder(p, path)
    if not p.exists():
        raise UsageError(f"{path}: no such file or folder")
    if p.is_file() and p.suffix.lower() == ".zip":
        return _zip(p, path)
    raise UsageError(f"{path}: not an export (expected a folder or a .zip)")


def _folder(root: Path, shown: str) -> Source:
    real_root = root.resolve()
    src = Source(path=shown, kind="folder", entries=[])
    for item in sorted(os.scandir(root), key=lambda e: e.name):
        if item.name in _IGNORED_NAMES:
            continue
        name = _shown_name(item.name)
        target = Path(item.path)
        if item.is_symlink():
            try:
                resolved = target.resolve()
            except (RuntimeError, OSError):  # a loop: 3.11 raises RuntimeError, 3.13 OSError
                raise UsageError(f"{shown}: {name} is a symbolic link loop") from None
            # Following a link out of the export would read files the user did not give.
            if not resolved.is_relative_to(real_root) or not resolved.exists():
                raise UsageError(
                    f"{shown}: {name} is a link to {_shown_name(os.readlink(item.path))}, "
                    "outside the export; refusing to follow it"
                )
            target = resolved
        if target.is_dir():
            src.folders.append(name)
            continue
        if not target.is_file():
            continue
        if name.lower().endswith(".zip"):
            src.nested_archives.append(name)
            continue
        src.entries.append(Entry(name=name, path=name, size=target.stat().st_size, fs_path=target))
    return src


def _shown_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (os gives them as surrogates) shown as
    \\xNN, so messages and reports can be written."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in name.replace("\\", "/").split("/")


def _zip(p: Path, shown: str) -> Source:
    try:
        zf = zipfile.ZipFile(p)  # closed on a refusal below, or by Source.close
    except (zipfile.BadZipFile, OSError) as exc:
        raise UsageError(f"{shown}: not a readable zip file ({exc})") from None
    except UnicodeDecodeError:
        raise UsageError(
            f"{shown}: not a readable zip file (an entry name marked UTF-8 is not UTF-8)"
        ) from None
    try:
        return _checked_zip(zf, shown)
    except BaseException:
        zf.close()
        raise


def _checked_zip(zf: zipfile.ZipFile, shown: str) -> Source:
    infos = [i for i in zf.infolist() if not _ignored(i.filename)]
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            raise UsageError(f"{shown}: unsafe entry {name!r} (absolute path or '..')")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UsageError(f"{shown}: entry {name!r} is a symbolic link; refusing to read it")
        if info.flag_bits & 0x1:
            raise UsageError(f"{shown}: entry {name!r} is encrypted")
        if info.file_size > MAX_ENTRY_BYTES:
            raise UsageError(f"{shown}: entry {name!r} unpacks to {info.file_size} bytes")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise UsageError(
                f"{shown}: entry {name!r} compresses {ratio:.0f}:1 (a zip bomb?); refusing it"
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UsageError(f"{shown}: unpacks to more than {MAX_TOTAL_BYTES} bytes")
    files = [i for i in infos if not i.is_dir()]
    if not files:
        raise UsageError(f"{shown}: the zip is empty")
    # Entries named twice: keep the last (what the central directory and zipfile name), and
    # say so; a streaming unzipper reads the first.
    last = {i.filename: i for i in infos}
    dups = sorted({i.filename for i in infos if last[i.filename] is not i})
    infos = [i for i in infos if last[i.filename] is i]
    prefix = _root_prefix(shown, [i.filename for i in infos])
    unpacker = _Unpacker(zf, shown)
    src = Source(path=shown, kind="zip", entries=[], duplicates=dups, unpacked=unpacker)
    for info in infos:
        rel = info.filename[len(prefix) :]
        if not rel:
            continue
        parts = PurePosixPath(rel).parts
        if info.is_dir():
            if len(parts) == 1:
                src.folders.append(parts[0])
            continue
        if len(parts) > 1 and parts[0] not in src.folders:
            src.folders.append(parts[0])  # a folder implied by its entries
        if rel.lower().endswith(".zip"):
            src.nested_archives.append(info.filename)
            continue
        src.entries.append(
            Entry(
                name=parts[-1],
                path=info.filename,
                size=info.file_size,
                unpack=unpacker.bind(info),
                in_subfolder=len(parts) > 1,
            )
        )
    if not src.entries:
        what = "another zip" if src.nested_archives else "no files"
        raise UsageError(f"{shown}: contains {what}; unzip it and check the inner export")
    return src


def _ignored(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return any(part in _IGNORED_PARTS for part in parts) or parts[-1] in _IGNORED_NAMES


def _root_prefix(shown: str, names: list[str]) -> str:
    """ "" when files sit at the zip root, "top/" when everything is inside one folder."""
    tops = {n.split("/", 1)[0] for n in names}
    at_root = [n for n in names if "/" not in n]
    if at_root:
        return ""
    if len(tops) > 1:
        listed = ", ".join(sorted(tops))
        raise UsageError(f"{shown}: files are in several top folders ({listed}); expected one")
    return next(iter(tops)) + "/"


class _Unpacker:
    """A zip's entries unpacked on demand into one private temporary folder.

    Each entry is copied in UNPACK_CHUNK pieces (memory stays one chunk, whatever the
    entry's size) and never past its declared size, which the archive checks above have
    capped (MAX_ENTRY_BYTES each, MAX_TOTAL_BYTES in all, MAX_RATIO): an entry that
    inflates past what it declares is refused, so the caps hold on the bytes written.
    """

    def __init__(self, zf: zipfile.ZipFile, shown: str) -> None:
        self._zf = zf
        self._shown = shown
        self._dir: Path | None = None
        self._count = 0

    def bind(self, info: zipfile.ZipInfo) -> Callable[[], Path]:
        return lambda: self._unpack(info)

    def _unpack(self, info: zipfile.ZipInfo) -> Path:
        shown, name = self._shown, info.filename
        if self._dir is None:
            # mkdtemp: a new folder only this user can read, under TMPDIR.
            self._dir = Path(tempfile.mkdtemp(prefix="roster-lint-"))
        self._count += 1
        # A number, not the entry's name: nothing from the archive chooses where we write.
        target = self._dir / f"{self._count}.csv"
        written = 0
        try:
            with self._zf.open(info) as src, target.open("wb") as dst:
                while chunk := src.read(UNPACK_CHUNK):
                    written += len(chunk)
                    if written > info.file_size:
                        raise UsageError(f"{shown}: entry {name!r} is larger than declared")
                    dst.write(chunk)
        except (zipfile.BadZipFile, RuntimeError, EOFError, zlib.error) as exc:
            raise UsageError(f"{shown}: cannot read {name!r} ({exc})") from None
        except OSError as exc:  # no room in TMPDIR, mostly
            raise UsageError(
                f"{shown}: cannot unpack {name!r} into {self._dir} ({exc.strerror or exc}); "
                "set TMPDIR to a folder with room, or unzip the export and check the folder"
            ) from None
        return target

    def close(self) -> None:
        self._zf.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
