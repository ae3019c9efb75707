"""Regenerate the example outputs in README.md and docs/*.md from real runs.

An example is a ```text block right after a marker line:

    <!-- example: check sample_exports/district-flawed | head 30 | tail 9 -->

The block becomes `$ roster-lint ARGS`, then what the command prints piped at 80 columns
without colour: every line, or its first `head` lines and/or its last `tail` lines with
"…" between.  `python scripts/doc_examples.py` rewrites the blocks;
`python scripts/doc_examples.py --check` exits 1 naming each stale one
(tests/test_doc_examples.py runs it).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
WIDTH = 80
MARKER = re.compile(
    r"^<!-- example: (?P<args>[^|>]+?)(?: \| head (?P<head>\d+))?(?: \| tail (?P<tail>\d+))?"
    r" -->\n```text\n.*?^```\n",
    re.M | re.S,
)


def run(args: str, head: int | None, tail: int | None) -> str:
    env = {**os.environ, "COLUMNS": str(WIDTH), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "roster_lint", *shlex.split(args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"roster-lint {args}: exit {done.returncode}: {done.stderr.strip()}")
    lines = done.stdout.rstrip("\n").splitlines()
    if head is not None or tail is not None:
        first = lines[:head] if head is not None else []
        last = lines[-tail:] if tail is not None else []
        if len(first) + len(last) < len(lines):
            lines = [*first, "…", *last]
    return "\n".join([f"$ roster-lint {args}", *lines])


def regenerate(text: str) -> str:
    def block(m: re.Match[str]) -> str:
        head = int(m["head"]) if m["head"] else None
        tail = int(m["tail"]) if m["tail"] else None
        marker = m.group(0).split("\n", 1)[0]
        return f"{marker}\n```text\n{run(m['args'], head, tail)}\n```\n"

    return MARKER.sub(block, text)


def stale() -> list[Path]:
    """The documents whose examples differ from what the commands print now."""
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        if MARKER.search(text) and regenerate(text) != text:
            out.append(doc)
    return out


def main() -> None:
    if "--check" in sys.argv[1:]:
        bad = stale()
        for doc in bad:
            print(f"{doc.relative_to(ROOT)}: examples are stale; run python {__file__}")
        raise SystemExit(1 if bad else 0)
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        new = regenerate(text)
        if new != text:
            doc.write_text(new, encoding="utf-8")
            print(f"rewrote {doc.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
