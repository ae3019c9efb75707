"""Which --output formats each command writes: the one list that the option's --help, the
README and docs/guides/ci.md are made from or checked against (tests/report/test_formats.py).

Kept free of heavy imports: the cli builds its --help text from it at start-up.

Why these (issue 14 item 4):
- check: every format, and `rows` (every affected row as CSV, streamed while checking).
- plan: no `junit`: a plan predicts, it has no tests that pass or fail (it never changes
  the exit code); its problems are the root causes, which `sarif` and `github` give one
  result/annotation each, at the root's file and line.  The actions alone as `csv`/`parquet`.
- diff: its warnings are findings (RL4xx), so `sarif`, `github` and `junit` show them as
  `check` does (JUnit: a suite per comparison rule); `markdown` summarises rows changed per
  file, the warnings and what the sync will and will not do.
"""

from __future__ import annotations

ROWS = "rows"  # check only: every affected row, written while checking (findings.RowSink)
TABLES = ("csv", "parquet")  # a plan's actions as a table
ALLOWED: dict[str, tuple[str, ...]] = {
    "check": ("text", "json", "html", "sarif", "junit", "github", "markdown", ROWS),
    "plan": ("text", "json", "html", "sarif", "github", "markdown", *TABLES),
    "diff": ("text", "json", "html", "sarif", "junit", "github", "markdown"),
}
# every format any command writes, in a stable order (for "unknown format" messages)
KNOWN: tuple[str, ...] = tuple(dict.fromkeys(f for fmts in ALLOWED.values() for f in fmts))
NOTES = {
    ROWS: "every affected row as CSV",
    "csv": "the actions alone as CSV",
    "parquet": "the actions alone as Parquet",
}


def output_help(command: str) -> str:
    """The --output option's help for `command`, listing exactly what it writes."""
    listed = ", ".join(f"{f} ({NOTES[f]})" if f in NOTES else f for f in ALLOWED[command])
    return (
        f"FORMAT:PATH, repeatable. FORMAT: {listed}. "
        "PATH - writes that format to stdout (at most one)."
    )


def readme_list() -> str:
    """The README's --output cell: `check: `text`, ...; plan: ...; diff: ...`."""
    return "; ".join(
        f"{cmd}: " + ", ".join(f"`{f}`" for f in fmts) for cmd, fmts in ALLOWED.items()
    )
