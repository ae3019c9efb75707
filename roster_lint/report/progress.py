"""Progress on stderr: a spinner per stage (loading, validating, predicting).

Shown only to a person watching: stderr is a terminal, no `CI` variable, stdout is not
JSON (a script reading JSON may still show stderr, and a spinner in a log is noise), and
ROSTER_LINT_NO_PROGRESS unset.  The cli makes one (`for_run`) and passes it down to the
pipeline, which calls it around each stage; the API shows nothing unless given one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO

from rich.console import Console


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


class Spinner:
    """A transient spinner per stage on one console: `with spinner("Validating"): ...`."""

    def __init__(self, console: Console) -> None:
        self.console = console

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        with self.console.status(f"{name}…", spinner="dots"):
            yield


def for_run(fmt: str, console: Console | None = None) -> Spinner | None:
    """The progress to pass to the pipeline (`api.check(..., progress=...)`): a Spinner on
    stderr when `should_show`, else None (nothing shown)."""
    target = console or Console(stderr=True, highlight=False)
    return Spinner(target) if should_show(fmt, target.file) else None
