"""Per-file value checks built from rules/oneroster/files.toml, run through pandera."""

from __future__ import annotations

from roster_lint.findings import Findings
from roster_lint.model import Export


def run(export: Export, out: Findings) -> None:
    """Placeholder: per-file schema checks."""
