"""Where the declarative rules live: `rules/` in a checkout, `roster_lint/_rules` in a wheel;
and how their TOML files are read (`read_rules`)."""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any


@cache
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "oneroster" / "files.toml").is_file():
            return candidate
    raise RuntimeError("roster-lint is installed without its rules/ folder")


# A cache file starts with its format, then the digest of the TOML bytes it holds the parse
# of; its name carries the interpreter's tag (marshal's format is the interpreter's own).
CACHE_FORMAT = b"roster-lint rules cache 1\n"
CACHE_DIR = "__pycache__"


def cache_path(path: Path) -> Path:
    """Where the parse of the TOML file `path` is kept: beside it, as Python keeps bytecode."""
    return path.parent / CACHE_DIR / f"{path.name}.{sys.implementation.cache_tag}.marshal"


def read_rules(path: Path, write: bool | None = None) -> dict[str, Any]:
    """The TOML file `path` (of rules/), parsed: what `tomllib.load` returns, read from the
    cache beside it (`cache_path`) when that holds the parse of these very bytes.

    Python's tomllib parses the ~220 KB of rules/ in 0.04-0.06 s of CPU, in every process
    that reads the catalogue (`check`, `plan`, `diff`...); unmarshalling their parse takes
    ~5 ms (docs/performance.md, branch startup11).  The cache is keyed by the bytes' digest,
    not by a time stamp: an edited file is parsed again, whatever its clock says.  It is
    written as Python writes bytecode (`write` None): not under PYTHONDONTWRITEBYTECODE,
    never where the folder is read-only, atomically (a run beside reads the old file or the
    new), with the TOML file's permissions; a cache that cannot be read is parsed over."""
    import hashlib  # here, not at import: `--help` and `--version` read no rule

    data = path.read_bytes()
    head = CACHE_FORMAT + hashlib.sha256(data).digest()
    cached = cache_path(path)
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        blob = cached.read_bytes()
        if blob.startswith(head):
            raw = marshal.loads(blob[len(head) :])
            if isinstance(raw, dict):
                return raw
    import tomllib

    raw = tomllib.loads(data.decode())  # as tomllib.load does: UTF-8, strict
    if (not sys.dont_write_bytecode) if write is None else write:
        _write_cache(path, cached, head + marshal.dumps(raw) if _marshals(raw) else None)
    return raw


def _marshals(raw: dict[str, Any]) -> bool:
    """Whether marshal holds this parse as it is (a TOML date or time it cannot)."""
    try:
        return marshal.loads(marshal.dumps(raw)) == raw
    except ValueError:
        return False


def _write_cache(source: Path, cached: Path, blob: bytes | None) -> None:
    """Best effort: a folder we cannot write leaves the file uncached."""
    if blob is None:
        return
    import tempfile

    with contextlib.suppress(OSError):
        cached.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=cached.name, suffix=".tmp")
        try:
            os.fchmod(fd, source.stat().st_mode & 0o666)
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, cached)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def cache_rules() -> list[Path]:
    """Write the cache of every TOML file of rules/ (whatever PYTHONDONTWRITEBYTECODE says),
    as `compileall` writes bytecode: for an install step or a benchmark's set-up."""
    files = sorted(rules_dir().rglob("*.toml"))
    for path in files:
        read_rules(path, write=True)
    return [cache_path(p) for p in files if cache_path(p).is_file()]
