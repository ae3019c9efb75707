"""Progress on stderr: a spinner per stage (loading, validating, predicting).

Shown only to a person watching: stderr is a terminal, no `CI` variable, stdout is not
JSON (a script reading JSON may still show stderr, and a spinner in a log is noise), and
ROSTER_LINT_NO_PROGRESS unset.  `stage(name)` is a no-op otherwise, so library code can
call it unconditionally; the API never enables it (it prints nothing).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO

from rich.console import Console

_console: Console | None = None


def should_show(
    fmt: str, stream: IO[str] | None = None, env: Mapping[str, str] | None = None
) -> bool:
    env = os.environ if env is None else env
    stream = sys.stderr if stream is None else stream
    if fmt == "json" or env.get("CI") or env.get("ROSTER_LINT_NO_PROGRESS"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def enable(fmt: str, console: Console | None = None) -> bool:
    """Turn progress on for this run when `should_show`; returns whether it is on."""
    global _console
    target = console or Console(stderr=True, highlight=False)
    _console = target if should_show(fmt, target.file) else None
    return _console is not None


def disable() -> None:
    global _console
    _console = None


def enabled() -> bool:
    return _console is not None


@contextmanager
def stage(name: str) -> Iterator[None]:
    """`with stage("Loading export"):` shows a transient spinner while the block runs."""
    if _console is None:
        yield
        return
    with _console.status(f"{name}…", spinner="dots"):
        yield
