"""A run the system stops still ends inside the exit-code contract.

polars allocates in Rust: when memory runs out it aborts the process (SIGABRT, exit 134)
instead of raising MemoryError, and the kernel's OOM killer sends SIGKILL; neither can be
caught by the process itself.  So the console script forks before any work (nothing has
started a thread yet: polars is not imported) and the parent, a few MB of Python, waits:

* the child's own exit code passes through unchanged;
* a child killed by a signal becomes one line on stderr and exit 2 (Ctrl-C: "interrupted",
  130), never 134 or a bare "Killed";
* the child's temporary files (streamed zip entries, report temp files) live in a folder
  the parent made, which the parent removes whatever happened to the child.

Not on Windows (no fork), and not with ROSTER_LINT_NO_FORK=1 (debugging with a profiler).
Tests call `cli.main` in-process and never come through here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C (contract: documented)
COULD_NOT_RUN = 2


def supervised(run: Callable[[], int]) -> int:
    """`run()` in a child process; its exit code, or 2 (130) with one line if a signal
    ended it.  `run` must return a code and never raise (cli.entry's body)."""
    if not hasattr(os, "fork") or os.environ.get("ROSTER_LINT_NO_FORK"):
        return run()
    scratch = tempfile.mkdtemp(prefix="roster-lint-")
    pid = os.fork()
    if pid == 0:  # the child does the work; its temporary files go under `scratch`
        os.environ["TMPDIR"] = scratch
        tempfile.tempdir = scratch
        code = COULD_NOT_RUN
        try:
            code = run()
        finally:
            os._exit(code)

    def forward(signum: int, _frame: object) -> None:
        # Ctrl-C in a terminal reaches both processes; a signal sent to the parent alone
        # (kill PID, a CI runner's timeout) must still reach the one doing the work.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:  # pragma: no cover - retried by Python itself (PEP 475)
            continue
    shutil.rmtree(scratch, ignore_errors=True)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return _said(os.WTERMSIG(status))


def _said(signum: int) -> int:
    if signum == signal.SIGINT:
        message, code = "interrupted", INTERRUPTED
    elif signum in (signal.SIGABRT, signal.SIGKILL):
        # Rust's allocation failure aborts; the OOM killer kills: both mean memory here.
        message, code = (
            "stopped by the system, most likely out of memory; the export is larger than "
            "this machine can check (see docs/performance.md for what a size needs)",
            COULD_NOT_RUN,
        )
    else:
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = str(signum)
        message, code = f"stopped by signal {name}", COULD_NOT_RUN
    with contextlib.suppress(OSError, ValueError):
        print(f"roster-lint: {message}", file=sys.stderr, flush=True)
    return code
