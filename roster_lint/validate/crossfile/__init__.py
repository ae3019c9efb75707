"""Cross-file rules: references, duplicates, hierarchy, sessions, teachers, grades.

Each module adds whole frames of hits for its RL2xx rules (rules/catalogue/crossfile.toml).
A module that lacks a file or column it needs does nothing: the loader and the schema
rules report why the file is unusable.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

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


THREADS = 2  # the checks are independent: two at a time keep two cores busy


def run(export: Export, out: Findings) -> None:
    """Every cross-file check over one loaded export.

    Checks run in threads (polars releases the GIL while it computes), each into its own
    Findings; they are merged in CHECKS order, so the result never depends on timing.
    """

    def one(check: ModuleType) -> Findings:
        mine = Findings(out._cat)
        check.run(export, mine)
        return mine

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for found in pool.map(one, CHECKS):
            out.extend(found)
