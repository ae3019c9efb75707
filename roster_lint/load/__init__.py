"""load: folder or zip -> files, manifest, version, encoding, dialect -> text frames.

What cannot be read becomes a finding, not an exception; only "this is not an export at
all" (missing path, not a folder or zip, an unsafe or unreadable archive) raises
UsageError.  Nothing is written where the user would see it: a zip's entries are unpacked
into a private temporary folder, removed before load_export returns or raises
(source.py).

  source.py    folder / zip entries, archive safety       reader.py  encoding + fast read
  exact.py     the exact CSV path for damaged files        headers.py header checks + mapping
  manifest.py  manifest properties and file modes          version.py version fingerprints
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol, cast, runtime_checkable

import polars as pl

from roster_lint.findings import Findings
from roster_lint.load.headers import check_header
from roster_lint.load.manifest import MANIFEST, check_presence, known_files, read_properties
from roster_lint.load.notexport import refuse_non_export
from roster_lint.load.reader import Parsed, empty_frame, read_entry, rows_left_out
from roster_lint.load.source import Entry, Source, open_source
from roster_lint.load.version import decide
from roster_lint.model import LINE, Export, Table
from roster_lint.spec import FileSpec, oneroster

__all__ = ["FileProgress", "Keep", "Reader", "load_export"]


@runtime_checkable
class FileProgress(Protocol):
    """What the loader tells a progress display: the files it will read (count and bytes),
    then each file as it starts and as it ends (with its records)."""

    def start(self, path: str, files: int, size: int) -> None: ...

    def reading(self, name: str) -> None: ...

    def read(self, name: str, size: int, rows: int) -> None: ...


# How a table's file is read (read_entry; `diff` passes one that shares a file byte-identical
# in both exports: diff/reuse.py).
Reader = Callable[[Entry, Findings], Parsed]
# (file, canonical column) -> the caller reads it (`plan`: pipeline.load_for_plan).
Keep = Callable[[str, str], bool]


def load_export(
    path: str,
    progress: FileProgress | None = None,
    read: Reader = read_entry,
    keep: Keep | None = None,
) -> Export:
    """Load an export; every problem found on the way is in `Export.findings`.

    keep: only the columns it names are kept, each file's others dropped as soon as the
    file is read (`_kept`), so the next file is read into their memory."""
    with open_source(path) as src:
        return _load(src, path, progress, read, keep)


def _load(
    src: Source,
    path: str,
    progress: FileProgress | None = None,
    read: Reader = read_entry,
    keep: Keep | None = None,
) -> Export:
    refuse_non_export(src)
    out = Findings()
    by_name, manifest_entry, others = _classify(src, out)
    spec = oneroster()

    props: dict[str, str] = {}
    lines: dict[str, int] = {}
    mpath = manifest_entry.path if manifest_entry else MANIFEST
    if manifest_entry is None:
        out.one("manifest-missing", "the export has no manifest.csv", file=MANIFEST)
    else:
        parsed_manifest = read_entry(manifest_entry, out)
        props, lines = read_properties(parsed_manifest, mpath, out)
    present = {name: e.path for name, e in by_name.items()}
    present.update({n: p for n, p in others.items() if n in known_files()})
    if manifest_entry is not None:
        check_presence(props, lines, present, mpath, out)

    parsed: dict[str, Parsed] = {}
    # Largest file first: its read needs the most transient memory, and the frames already
    # kept add to that peak, so the small ones are better read after it.
    order = sorted(by_name.items(), key=lambda kv: (-kv[1].size, kv[0]))
    if progress is not None:
        progress.start(path, len(order), sum(e.size for _, e in order))
    for name, entry in order:
        if progress is not None:
            progress.reading(entry.path)
        parsed[name] = rows_left_out(
            _read(read, entry, out, spec.files[name], keep), entry.path, out
        )
        if keep is not None:
            _kept(parsed[name], spec.files[name], keep)
        if progress is not None:
            rows = parsed[name].df.height if parsed[name].readable else 0
            progress.read(entry.path, entry.size, rows)
        if parsed[name].readable and parsed[name].df.height == 0 and parsed[name].header:
            out.one(
                "header-only-file",
                f"{entry.path} has a header but no records; list it as absent instead",
                file=entry.path,
            )
    headers = {n: (by_name[n].path, p.header) for n, p in sorted(parsed.items()) if p.readable}
    declared = props.get("oneroster.version")
    declared = declared if declared in spec.manifest["oneroster_versions"] else None
    version = decide(declared, headers, mpath, out)

    modes = spec.enum_values("file_mode")
    tables: dict[str, Table] = {}
    for name, p in sorted(parsed.items()):
        entry = by_name[name]
        mode = props.get(spec.manifest_key(name))
        table = Table(
            name=name,
            path=entry.path,
            df=empty_frame(),
            header=p.header,
            mode=mode if mode in modes else None,
            readable=p.readable,
            encoding=p.encoding,
            cut_line=p.cut_line,
        )
        if p.readable:
            hm = check_header(spec.files[name], version, p.header, entry.path, out)
            table.df = p.df.select(
                [
                    pl.col(f"c{i}").alias(col)
                    for i, col in hm.columns.items()
                    if f"c{i}" in p.df.columns  # not dropped by `_kept`
                ]
                + [pl.col(LINE)]
            )
            table.header_ok = hm.ok
        else:
            table.header_ok = False
        tables[name] = table
    return Export(
        path=path,
        kind=cast(Literal["folder", "zip"], src.kind),
        version=version,
        manifest=props,
        tables=tables,
        findings=out,
        other_files=sorted(others.values()),
    )


def _read(read: Reader, entry: Entry, out: Findings, fs: FileSpec, keep: Keep | None) -> Parsed:
    """The file read by `read`; by read_entry told the columns `keep` names (`_wanted`), so
    that it need not make the others (reader._projected); a caller's own reader reads
    every column, and `_kept` drops them."""
    if keep is not None and read is read_entry:
        return read_entry(entry, out, columns=lambda header: _wanted(fs, keep, header))
    return read(entry, out)


def _wanted(fs: FileSpec, keep: Keep, header: list[str]) -> set[int]:
    """The positions of the header's cells that `keep` names under some version's header
    map (the version is decided once every file is read; the map says which cell is which
    column: check_header's, its findings discarded here)."""
    wanted: set[int] = set()
    for version in fs.columns_by_version:
        hm = check_header(fs, version, header, fs.name, Findings())
        wanted.update(i for i, col in hm.columns.items() if keep(fs.name, col))
    return wanted


def _kept(p: Parsed, fs: FileSpec, keep: Keep) -> None:
    """Drop, in place, the columns of a file just read that `keep` names under no
    version's header map (`_wanted`).

    At 1M students a plan drops enrollments.csv's three dates (~0.5 GB of views and
    text): dropped after the whole load, users.csv's read had taken fresh pages of its
    own (~90k page faults, docs/performance.md, "Branch planfast5")."""
    if not p.readable or not p.header:
        return
    wanted = _wanted(fs, keep, p.header)
    drop = [c for c in p.df.columns if c != LINE and int(c[1:]) not in wanted]
    if drop:
        p.df = p.df.drop(drop)


def _classify(src: Source, out: Findings) -> tuple[dict[str, Entry], Entry | None, dict[str, str]]:
    """OneRoster tables by canonical name, the manifest, and every other file (name -> path)."""
    spec = oneroster()
    canonical = {n.lower(): n for n in [*spec.files, MANIFEST, *known_files()]}
    by_name: dict[str, Entry] = {}
    manifest: Entry | None = None
    others: dict[str, str] = {}
    for folder in src.folders:
        meant = canonical.get(folder.lower())
        if meant is not None:
            out.one(
                "file-is-folder",
                f"{folder} is a folder, not a file; {meant} is treated as missing",
                file=folder,
            )
    for nested in src.nested_archives:
        out.one(
            "nested-archive",
            f"{nested} is an archive inside the export; it was not opened",
            file=nested,
        )
    for dup in src.duplicates:
        out.one(
            "duplicate-zip-entry",
            f"{dup} is in the zip more than once; the last copy was checked, and an unzipper "
            "that streams the archive reads the first",
            file=dup,
        )
    exact = {e.name for e in src.entries if not e.in_subfolder}
    for e in sorted(src.entries, key=lambda x: x.path):
        meant = None if e.in_subfolder else canonical.get(e.name.lower())
        if meant is None:
            out.one("unknown-file", f"{e.path} is not a OneRoster file; ignored", file=e.path)
            others[e.path] = e.path
            continue
        if e.name != meant:
            used = meant in exact
            out.one(
                "file-name-wrong-case",
                f"{e.path} should be named {meant} (file names are case-sensitive); "
                + (f"{meant} is also present and is used" if used else f"read as {meant}"),
                file=e.path,
                value=meant,
            )
            if used:
                others[e.path] = e.path
                continue
        if meant == MANIFEST:
            manifest = e
        elif meant in spec.files:
            by_name[meant] = e
        else:
            others[meant] = e.path  # a 1.2 file without a schema: presence only
    return by_name, manifest, others
