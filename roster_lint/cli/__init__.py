"""cli: the only place that touches argv, the console and exit codes.

Exit codes (contract.md): 0 ran and nothing at or above --fail-on; 1 findings at or above
--fail-on (check only); 2 could not run, with one line on stderr and never a traceback.

Each command group lives in its own module and registers itself on `app`:
check.py (check, rules, explain), plan.py (plan, why, course-map), diff.py (diff).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys

from roster_lint.cli.app import app, stderr
from roster_lint.cli.guard import INTERRUPTED
from roster_lint.errors import UsageError
from roster_lint.report.terminal import one_line

# Importing the command modules registers their commands on `app`.
from roster_lint.cli import check as _check  # noqa: F401  isort: skip

for _optional in ("plan", "diff", "keys"):
    try:
        __import__(f"roster_lint.cli.{_optional}")
    except ModuleNotFoundError as _exc:  # a command group not built yet
        if _exc.name != f"roster_lint.cli.{_optional}":
            raise


def main(argv: list[str] | None = None) -> None:
    """Console entry point: turn every failure to run into one line and exit code 2."""
    try:
        # standalone_mode=False: typer returns the code of typer.Exit instead of exiting.
        code = app(args=argv, standalone_mode=False)
        if code == INTERRUPTED:  # typer turns Ctrl-C into Exit(130), silently
            raise KeyboardInterrupt
        # Flushed here, not at exit, so a full disk or a closed pipe is still reported.
        sys.stdout.flush()
    except SystemExit as exc:
        sys.exit(exc.code)
    except KeyboardInterrupt:
        _fail("interrupted", INTERRUPTED)
    except UsageError as exc:
        _fail(str(exc))
    except MemoryError:
        _fail("out of memory; the export is larger than this machine can check")
    except OSError as exc:
        # Unreadable files (chmod 000), symlink loops, a full disk on stdout, ...: the
        # system's reason and the file it names.
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}")
    except BaseException as exc:  # polars' PanicException is a BaseException
        # typer vendors click; its usage errors carry format_message() and an exit_code.
        if hasattr(exc, "format_message") and getattr(exc, "exit_code", None) is not None:
            _fail(exc.format_message())
        if os.environ.get("ROSTER_LINT_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        _fail(
            f"internal error ({type(exc).__name__}: {first}); set ROSTER_LINT_DEBUG=1 for details"
        )
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int = 2) -> None:
    """One line on stderr, control characters shown, never a traceback."""
    with contextlib.suppress(OSError, ValueError):
        stderr.print(f"roster-lint: {one_line(message)}", markup=False)
    sys.exit(code)


def entry() -> None:
    """The console script: `main` in a supervised child (cli/guard.py: a run the system
    stops for memory is still one line and exit 2), then leave without tearing the heap
    down.

    At a million students the process holds ~3.5 GB of frames, and freeing them one by one
    at interpreter exit costs ~0.5 s (3% of a check) for nothing.  Everything the tool
    writes is written and closed before `main` returns (reports use write_text), so once
    stdout and stderr are flushed, os._exit skips only the teardown.  Tests call `main`.
    """
    from roster_lint.cli.guard import supervised

    single_blas()
    allocator_for(sys.argv[1:])
    os._exit(supervised(_run))


def single_blas() -> None:
    """No BLAS threads: roster-lint calls no BLAS routine, but numpy's OpenBLAS starts a
    thread per core when numpy is imported, and each spins for a while waiting for work:
    0.05-0.1 s of CPU a run (docs/performance.md, branch checkfast3).  Read once, when
    numpy is first imported (after this, in the child: nothing imports it before)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


# jemalloc's options for `diff` (polars' allocator; `_RJEM_MALLOC_CONF` is read once,
# when polars is first imported: in the child, after this).  Polars' own setting hands
# freed pages back to the system after 500 ms; `diff` frees and allocates GBs step after
# step (two loads, the row comparison, OLD's decision, NEW's), and on a VM each page
# touched anew costs ~3 us of kernel time.  Held 10 s: ~0.3M page faults fewer at 1M
# students (~2.0M), the peak ~0.6 GB higher (docs/performance.md, branch difffast4).
DIFF_ALLOCATOR = "dirty_decay_ms:10000"


def command_of(argv: list[str]) -> str | None:
    """The command a command line names (the root takes no option with a value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def allocator_for(argv: list[str]) -> None:
    """`diff` keeps the pages it frees longer (DIFF_ALLOCATOR); every other command keeps
    polars' setting (their peaks are held under 4 GB).  A value the user set is kept."""
    if command_of(argv) == "diff":
        os.environ.setdefault("_RJEM_MALLOC_CONF", DIFF_ALLOCATOR)


# What a command that reads an export imports before its work: the API (polars, numpy and
# every stage), the reports (rich and the formats) and the progress lines.  Each command
# imports them itself; `preload` only brings that forward, to import them in one go with
# the GC off (tests/cli/test_preload.py: never a module the command would not import).
_REPORTS = ("roster_lint.api", "roster_lint.report.outputs")
PRELOADED: dict[str, tuple[str, ...]] = {
    "check": (*_REPORTS, "roster_lint.report.progress"),
    "plan": (*_REPORTS, "roster_lint.report.progress"),
    "diff": (*_REPORTS, "roster_lint.report.progress"),
    "why": _REPORTS,
}


def preload(argv: list[str]) -> None:
    """Import what the command will import, with Python's cyclic GC off, then freeze it.

    Importing ~700 modules (polars, numpy, typer, rich, roster_lint) allocates ~60k
    long-lived objects, and the GC, counting allocations, stops to scan them ~160 times
    (one full pass): 0.04-0.06 s of CPU a run, tiny or 1M (docs/performance.md, branch
    startup11).  None of it is garbage; frozen, the GC leaves them out of later passes, and
    what the run makes after this is collected as before.  Only for a command that reads
    an export, not its --help; a module that fails to import is left for the command to
    import again and report (one line, exit 2) as without this."""
    modules = PRELOADED.get(command_of(argv) or "", ())
    if not modules or any(a in ("-h", "--help") for a in argv):
        return
    gc.disable()
    try:
        for name in modules:
            importlib.import_module(name)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # polars' PanicException too
        pass  # the command imports it again and says why, as without this
    finally:
        gc.freeze()
        gc.enable()


def _run() -> int:
    try:
        try:
            preload(sys.argv[1:])
        except KeyboardInterrupt:  # as `main` says it
            _fail("interrupted", INTERRUPTED)
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`| head`) or stream: nothing more can be said.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    return code
