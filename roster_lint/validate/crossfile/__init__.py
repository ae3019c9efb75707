"""Cross-file rules: references, duplicates, hierarchy, sessions, teachers, grades."""

from __future__ import annotations

from roster_lint.findings import Findings
from roster_lint.model import Export


def run(export: Export, out: Findings) -> None:
    """Placeholder: cross-file checks."""
