"""Send a result to stdout (--format) and to every --output FORMAT:PATH.

Every --output is parsed and checked (known format, allowed for the command, a writable
place) before anything is written, so a bad one ends the run with exit 2 and no half set of
reports.  Nothing is read from disk here: the exports --redact needs come with the result
or from the caller.  With --redact the result is pseudonymised once (report/redact.py) and every
renderer, stdout included, sees only the redacted copy.  Only the paths given are written.

Renderers:
  check  json_report.check_document, text.render_check, html.render_check_html,
         sarif.check_sarif, junit.check_junit, github.check_annotations, markdown.check_markdown
  plan   plan_json.write_plan_json (streamed), plan_text.render_plan, html.render_plan_html,
         sarif.plan_sarif, github.plan_annotations, markdown.plan_markdown; the actions
         alone as csv or parquet (plan_tables, streamed)
  why    WhyResult.to_json(), why_text.render_why (stdout only)
  diff   diff_json.diff_document, diff_text.render_diff, html.render_diff_html,
         markdown.diff_markdown; its warnings (RL4xx findings) as check's sarif, junit and
         github render findings
Which command writes which format: report/formats.py (ALLOWED).  SARIF and GitHub paths:
report/locate.py, from the export's path as given and --path-prefix, before --redact.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from rich.console import Console

from roster_lint.errors import UsageError
from roster_lint.model import Export
from roster_lint.report.formats import ALLOWED, KNOWN, ROWS
from roster_lint.report.json_report import dumps

if TYPE_CHECKING:
    from roster_lint.diff.model import DiffResult
    from roster_lint.findings import RowSink
    from roster_lint.options import Options
    from roster_lint.predict.model import Plan, WhyResult
    from roster_lint.results import CheckResult

FORMATS = tuple(f for f in ALLOWED["check"] if f != ROWS)  # the report formats (not rows)
TEXT_WIDTH = 100
STDOUT = "-"  # --output FORMAT:- writes that format to stdout


@dataclass(frozen=True)
class Output:
    fmt: str
    path: Path


def parse_outputs(specs: list[str], command: str) -> list[Output]:
    """FORMAT:PATH strings -> Outputs, or UsageError naming the bad one."""
    allowed = ALLOWED[command]
    out: list[Output] = []
    seen: set[str] = set()
    for spec in specs:
        fmt, sep, raw = spec.partition(":")
        fmt = fmt.strip().lower()
        if not sep or not raw:
            raise UsageError(f"--output {spec!r}: expected FORMAT:PATH, e.g. sarif:report.sarif")
        if fmt not in KNOWN:
            known = ", ".join(KNOWN)
            raise UsageError(f"--output {spec!r}: unknown format {fmt!r} ({known})")
        if fmt not in allowed:
            raise UsageError(
                f"--output {spec!r}: {command} cannot write {fmt} ({', '.join(allowed)})"
            )
        path = Path(raw)
        if raw == STDOUT:  # contract "Outputs to stdout": at most one
            if STDOUT in seen:
                raise UsageError(f"--output {spec!r}: only one output can go to stdout (-)")
            seen.add(STDOUT)
            out.append(Output(fmt, path))
            continue
        key = os.path.abspath(path)
        if key in seen:
            raise UsageError(f"--output {spec!r}: {raw} is given twice")
        seen.add(key)
        _check_writable(path, spec)
        out.append(Output(fmt, path))
    return out


def to_stdout(targets: list[Output]) -> Output | None:
    """The --output FORMAT:- target, which takes stdout's place (then --format is unused)."""
    return next((o for o in targets if str(o.path) == STDOUT), None)


def wrote(out: Output, quiet: bool) -> None:
    """One line on stderr per file written (contract "Outputs to stdout")."""
    if not quiet:
        from roster_lint.report.terminal import clean

        sys.stderr.write(f"wrote {out.fmt} {clean(out.path)}\n")
        sys.stderr.flush()


def _check_writable(path: Path, spec: str) -> None:
    if path.is_dir():
        raise UsageError(f"--output {spec!r}: {path} is a folder")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--output {spec!r}: folder {parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"--output {spec!r}: {path} is not writable")
    if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"--output {spec!r}: cannot write in {parent}")


def _write(out: Output, text: str | Iterable[str], quiet: bool = False) -> None:
    from roster_lint.report.files import write_atomic

    if str(out.path) == STDOUT:
        for chunk in [text] if isinstance(text, str) else text:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    write_atomic(out.path, text, f"--output {out.fmt}:{out.path}")
    wrote(out, quiet)


def _write_stream(out: Output, write: Callable[[BinaryIO], None], quiet: bool = False) -> None:
    from roster_lint.report.files import write_atomic_stream

    if str(out.path) == STDOUT:
        _stream_to_stdout(write)
        return
    write_atomic_stream(out.path, write, f"--output {out.fmt}:{out.path}")
    wrote(out, quiet)


def _stream_to_stdout(write: Callable[[BinaryIO], None]) -> None:
    sys.stdout.flush()
    raw = getattr(sys.stdout, "buffer", None)
    if raw is None:  # a text-only stdout (io.StringIO in a caller's redirect)
        buf = io.BytesIO()
        write(buf)
        sys.stdout.write(buf.getvalue().decode("utf-8"))
    else:
        from roster_lint.report.dropbehind import drop_behind

        write(drop_behind(raw))  # stdout redirected to a file: a GB-sized write (plan JSON)
        raw.flush()


def plain_text(render: Callable[[Console], None]) -> str:
    """What a renderer prints, as text without colour or terminal codes."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        highlight=False,
        soft_wrap=True,
        width=TEXT_WIDTH,
        emoji=False,
    )
    render(console)
    return buf.getvalue()


def _html(name: str, *args: Any, **kwargs: Any) -> str:
    try:
        from roster_lint.report import html
    except ModuleNotFoundError as exc:
        if exc.name != "roster_lint.report.html":
            raise
        raise UsageError("html output is not available in this build") from None
    return str(getattr(html, name)(*args, **kwargs))


def _find_exports(obj: Any) -> list[Export]:
    """The exports a result carries (CheckResult.export, a diff's old and new ...)."""
    found = []
    for attr in ("export", "new", "old", "previous", "new_export", "old_export"):
        value = getattr(obj, attr, None)
        if isinstance(value, Export):
            found.append(value)
    return found


def _redactor(obj: Any, exports: list[Export | None], actions_shown: int | None = None) -> Any:
    from roster_lint.report.redact import Redactor

    known = [e for e in exports if e is not None] or _find_exports(obj)
    if not known:  # pseudonyms need the export's personal values: never guess, never leak
        raise UsageError("--redact needs the export's data, which this command did not pass on")
    return Redactor(known, actions_shown)


def emit_check(
    result: CheckResult,
    *,
    fmt: str,
    outputs: list[str],
    redact: bool,
    console: Console,
    per_rule: int | None = None,
    quiet: bool = False,
    path_prefix: str | None = None,
) -> None:
    from roster_lint.report import github, json_report, junit, markdown, sarif, text
    from roster_lint.report.locate import locate

    targets = parse_outputs(outputs, "check")
    where = locate(result.export.path, path_prefix)  # before --redact cuts the path
    if redact:  # people who left are only in yesterday's export (result.previous)
        from roster_lint.report.html import CHECK_MAX_ROWS

        # of the plan's actions, check's reports show only HTML's first rows per entity
        html = any(o.fmt == "html" for o in targets) or (fmt == "html" and not to_stdout(targets))
        exports = [result.export, result.previous]
        result = _redactor(result, exports, CHECK_MAX_ROWS if html else 0).apply(result)
    renderers: dict[str, Callable[[], str | Iterable[str]]] = {
        "json": lambda: json_report.check_json_chunks(result),
        "text": lambda: plain_text(lambda c: text.render_check(result, c, per_rule)),
        "html": lambda: _html("render_check_html", result),
        "sarif": lambda: dumps(sarif.check_sarif(result, where=where, redacted=redact)),
        "junit": lambda: junit.check_junit(result),
        "github": lambda: github.check_annotations(result, where=where),
        "markdown": lambda: markdown.check_markdown(result),
    }
    if to_stdout(targets) is None:
        _to_stdout(fmt, renderers, lambda: text.render_check(result, console, per_rule))
    for out in targets:
        if out.fmt != ROWS:  # streamed during the run by rows_sink
            _write(out, renderers[out.fmt](), quiet)
        else:
            wrote(out, quiet)


def rows_sink(outputs: list[str], redact: bool, keep: Callable[[str], bool]) -> RowSink | None:
    """The `--output rows:PATH` sink to hold open while checking, if one was asked for."""
    from roster_lint.findings import RowSink

    rows = [o for o in parse_outputs(outputs, "check") if o.fmt == ROWS]
    if not rows:
        return None
    if redact:  # rows are written as found, before pseudonyms exist: never leak them
        raise UsageError("--output rows: cannot be combined with --redact")
    if str(rows[0].path) == "-":
        raise UsageError("--output rows: needs a file (it is written while checking)")
    return RowSink(str(rows[0].path), keep)


def _to_stdout(
    fmt: str, renderers: dict[str, Callable[[], str | Iterable[str]]], rich: Callable[[], None]
) -> None:
    if fmt == "text":
        rich()
    elif fmt in renderers:
        text = renderers[fmt]()
        for chunk in [text] if isinstance(text, str) else text:
            sys.stdout.write(chunk)
        sys.stdout.flush()
    else:
        raise UsageError(f"--format {fmt!r} is not available here")


def emit_plan(
    plan: Plan,
    *,
    fmt: str,
    outputs: list[str],
    redact: bool,
    console: Console,
    export: Export | None = None,
    previous: Export | None = None,
    quiet: bool = False,
    path_prefix: str | None = None,
) -> None:
    from roster_lint.report import github, markdown, plan_json, plan_tables, sarif
    from roster_lint.report.locate import locate

    targets = parse_outputs(outputs, "plan")
    # before --redact cuts the path; without the export, files are named as in it
    where = locate(export.path if export is not None else ".", path_prefix)
    shown = (export, previous)  # the exports the HTML page names (and reads names from)
    if redact:
        r = _redactor(plan, [export, previous])
        plan = r.apply(plan)
        shown = (
            r.export(export) if export is not None else None,
            r.export(previous) if previous is not None else None,
        )

    def as_text(console: Console) -> None:
        from roster_lint.report import plan_text

        plan_text.render_plan(plan, console)

    renderers: dict[str, Callable[[], str | Iterable[str]]] = {
        "text": lambda: plain_text(as_text),
        "html": lambda: _html("render_plan_html", plan, None, export=shown[0], previous=shown[1]),
        "sarif": lambda: dumps(sarif.plan_sarif(plan, where, redacted=redact)),
        "github": lambda: github.plan_annotations(plan, where),
        "markdown": lambda: markdown.plan_markdown(plan),
    }
    # Written as they are made: 9M actions must not become one string (1.4 GB of JSON).
    streams: dict[str, Callable[[BinaryIO], None]] = {
        "json": lambda fh: plan_json.write_plan_json(plan, fh),
        "csv": lambda fh: plan_tables.write_actions_csv(plan, fh),
        "parquet": lambda fh: plan_tables.write_actions_parquet(plan, fh),
    }
    if to_stdout(targets) is not None:
        pass  # --output FORMAT:- takes stdout's place
    elif fmt == "json":
        _stream_to_stdout(streams[fmt])
    else:
        _to_stdout(fmt, renderers, lambda: as_text(console))
    for out in targets:
        if out.fmt in streams:
            _write_stream(out, streams[out.fmt], quiet)
        else:
            _write(out, renderers[out.fmt](), quiet)


def emit_why(
    why: WhyResult,
    *,
    fmt: str,
    redact: bool,
    console: Console,
    export: Export | None = None,
    previous: Export | None = None,
) -> None:
    from roster_lint.report import why_text

    if redact:  # a departed user is only in yesterday's export
        why = _redactor(why, [export, previous]).apply(why)
    if fmt == "json":
        sys.stdout.write(dumps(why.to_json()))
    else:
        why_text.render_why(why, console)


def emit_diff(
    diff: DiffResult,
    *,
    fmt: str,
    outputs: list[str],
    redact: bool,
    console: Console,
    old: Export,
    new: Export,
    quiet: bool = False,
    path_prefix: str | None = None,
    options: Options | None = None,
) -> None:
    from roster_lint.report import diff_json, diff_text, github, junit, markdown, sarif
    from roster_lint.report.locate import locate
    from roster_lint.results import CheckResult

    targets = parse_outputs(outputs, "diff")
    where = locate(new.path, path_prefix)  # the warnings' lines are in the new export
    if redact:  # the new export keys the pseudonyms; the old one adds who has left
        diff = _redactor(diff, [new, old]).apply(diff)

    def warnings() -> CheckResult:
        """The diff's warnings (RL4xx findings, in the new export) as a check result."""
        from roster_lint.options import Options

        return CheckResult(export=new, findings=diff.warnings, options=options or Options())

    def diff_junit() -> str:
        opts = warnings().options
        return junit.check_junit(warnings(), rules=junit.rules_run(opts, ("diff",)), command="diff")

    renderers: dict[str, Callable[[], str | Iterable[str]]] = {
        "json": lambda: dumps(diff_json.diff_document(diff)),
        "text": lambda: plain_text(lambda c: diff_text.render_diff(diff, c)),
        "html": lambda: _html("render_diff_html", diff),
        "markdown": lambda: markdown.diff_markdown(diff),
        "sarif": lambda: dumps(sarif.check_sarif(warnings(), where=where, redacted=redact)),
        "junit": diff_junit,
        "github": lambda: github.findings_annotations(diff.warnings, where),
    }
    if to_stdout(targets) is None:
        _to_stdout(fmt, renderers, lambda: diff_text.render_diff(diff, console))
    for out in targets:
        _write(out, renderers[out.fmt](), quiet)
