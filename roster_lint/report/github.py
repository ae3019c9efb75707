"""GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`.

GitHub shows at most 10 error and 10 warning annotations per step and 50 per job, so the
output is capped at MAX_ANNOTATIONS (errors first); a final `::notice` says how many were
left out.  Paths are relative to the repository when the export lies inside it
(GITHUB_WORKSPACE), otherwise relative to the export, as given.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from roster_lint.results import CheckResult

MAX_ANNOTATIONS = 50
COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
ORDER = {"error": 0, "warning": 1, "info": 2}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF are escaped (actions/toolkit's escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value additionally escapes ':' and ',' (actions/toolkit's escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _prefix(export_path: str) -> str:
    """Where the export's files are, as a path the annotation can link to."""
    root = Path(export_path)
    if root.suffix.lower() == ".zip":
        root = root.parent  # files inside a zip: point at the zip's folder at best
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        try:
            return root.resolve().relative_to(Path(workspace).resolve()).as_posix()
        except ValueError:
            pass
    return root.as_posix()


def annotation(
    severity: str, message: str, file: str | None = None, line: int | None = None, title: str = ""
) -> str:
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
        props.append(f"line={line or 1}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = COMMAND.get(severity, "warning")
    return (
        f"::{head} {','.join(props)}::{escape_data(message)}"
        if props
        else f"::{head}::{escape_data(message)}"
    )


def check_annotations(result: CheckResult, max_annotations: int = MAX_ANNOTATIONS) -> str:
    df = result.findings
    prefix = _prefix(result.export.path)
    rank = pl.col("severity").replace_strict(ORDER, default=3, return_dtype=pl.Int8)
    shown = df.with_row_index("_i").sort([rank, "_i"]).head(max_annotations)
    lines = []
    for r in shown.iter_rows(named=True):
        file = f"{prefix}/{r['file']}" if r["file"] and prefix not in ("", ".") else r["file"]
        title = f"{r['code']} {r['name']}"
        lines.append(annotation(r["severity"], r["message"] or title, file, r["line"], title))
    if df.height > shown.height:
        lines.append(
            annotation(
                "info",
                f"roster-lint: {df.height - shown.height} more findings not annotated "
                f"(output capped at {max_annotations}); see the JSON or SARIF report.",
            )
        )
    return "\n".join(lines) + ("\n" if lines else "")
