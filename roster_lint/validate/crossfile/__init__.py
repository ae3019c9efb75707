"""Cross-file rules: references, duplicates, hierarchy, sessions, teachers, grades.

Each module adds whole frames of hits for its RL2xx rules (rules/catalogue/crossfile.toml).
A module that lacks a file or column it needs does nothing: the loader and the schema
rules report why the file is unusable.
"""

from __future__ import annotations

from roster_lint.findings import Findings
from roster_lint.model import Export
from roster_lint.validate.crossfile import (
    classes,
    duplicates,
    enrollments,
    orgs,
    references,
    roles,
    sessions,
    students,
)

CHECKS = (references, duplicates, enrollments, classes, students, orgs, sessions, roles)


def run(export: Export, out: Findings) -> None:
    """Every cross-file check over one loaded export."""
    for check in CHECKS:
        check.run(export, out)
