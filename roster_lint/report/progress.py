"""Progress on stderr: one line per stage with counts, for a person watching.

Shown only to a person watching: stderr is a terminal, no `CI` variable, stdout is not
JSON (a script reading JSON may still show stderr, and a bar in a log is noise), and
ROSTER_LINT_NO_PROGRESS unset.  The cli makes one (`for_run`) and passes it down to the
pipeline, which calls it around each stage (`with progress("Validating") as stage:`); the
API shows nothing unless given one.

Each stage is a transient rich line: `[2/4] Loading previous export district-yesterday`,
a bar, the counts and the time so far.  While loading, the loader (load.FileProgress) tells
the stage each file it reads: the bar follows the bytes read, the counts are the files and
the records read so far and the file being read.  Other stages (validating, predicting)
show a pulsing bar and the time: they run whole-column work with no row-by-row steps.
The line is removed when the stage ends, so a run that takes a second leaves nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


def stdout_format(fmt: str, outputs: list[str] | None) -> str:
    """What goes to stdout: `--output FORMAT:-` takes --format's place."""
    for spec in outputs or []:
        name, _, path = spec.partition(":")
        if path == "-":
            return name.strip().lower()
    return fmt


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


class Stage:
    """One stage's line; also the loader's load.FileProgress (files, bytes and rows)."""

    def __init__(self, bar: Progress, task: TaskID, title: str) -> None:
        self.bar, self.task, self.title = bar, task, title
        self.files = self.done = self.rows = 0

    def start(self, path: str, files: int, size: int) -> None:
        """The export's name (which export is loading) and what there is to read."""
        name = Path(path).name or path
        self.title = f"{self.title} {name}"
        self.files = files
        self.bar.update(self.task, description=self.title, total=max(size, 1), completed=0)
        self._counts("")

    def reading(self, name: str) -> None:
        self._counts(f"reading {name}")

    def read(self, name: str, size: int, rows: int) -> None:
        self.done += 1
        self.rows += rows
        self.bar.advance(self.task, size)
        self._counts("")

    def _counts(self, now: str) -> None:
        text = f"{self.done}/{self.files} files · {self.rows:,} rows"
        self.bar.update(self.task, counts=f"{text} · {now}" if now else text)


class Bars:
    """The progress to pass to the pipeline: `with bars("Validating") as stage: ...`.
    `stages`, when the caller knows how many there will be, numbers them ("[2/4]")."""

    def __init__(self, console: Console, stages: int | None = None) -> None:
        self.console = console
        self.stages = stages
        self.count = 0

    @contextmanager
    def __call__(self, name: str) -> Iterator[Stage]:
        self.count += 1
        numbered = self.stages is not None and self.count <= self.stages
        title = f"[{self.count}/{self.stages}] {name}" if numbered else name
        bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=24),
            TextColumn("{task.fields[counts]}", markup=False),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        task = bar.add_task(title, total=None, counts="")
        with bar:
            yield Stage(bar, task, title)


def for_run(fmt: str, console: Console | None = None, stages: int | None = None) -> Bars | None:
    """The progress to pass to the pipeline (`api.check(..., progress=...)`): bars on
    stderr when `should_show`, else None (nothing shown).  `stages`: how many the run has
    (`stage_count`), to number them."""
    target = console or Console(stderr=True, highlight=False)
    return Bars(target, stages) if should_show(fmt, target.file) else None


def stage_count(command: str, previous: bool) -> int:
    """The stages the pipeline runs for `command` (pipeline.run_check / run_plan):
    check: load, validate, validate and predict (with --previous: load, validate, load
    the previous export, predict); plan: load, [load the previous export,] predict."""
    if command == "check":
        return 4 if previous else 3
    return 3 if previous else 2
