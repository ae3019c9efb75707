"""Cross-file rules: references, duplicates, hierarchy, sessions, teachers, grades.

Each module adds whole frames of hits for its RL2xx rules (rules/catalogue/crossfile.toml).
A module that lacks a file or column it needs does nothing: the loader and the schema
rules report why the file is unusable.  Facts several rules read (roles and orgs per
user, the enrollments' school masks...) live in facts.py, helpers in common.py: a rule
module never imports another (tests/validate/test_crossfile_facts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

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

Task = Callable[[Export, Findings], None]
Part = Literal["all", "first", "rest"]


# Tasks that read columns nothing after validation reads (columns.FIRST_ONLY): the pipeline
# runs them before the plan starts, so that those columns can go before the plan's peak.
FIRST: tuple[Task, ...] = (enrollments.dates,)


def tasks() -> list[Task]:
    """Every check as independent tasks: FIRST, then the rest longest first (at 7M
    enrollments) so that two threads finish together: a module's TASKS if it splits its
    work, else its run."""
    split = {duplicates: 0, enrollments: 1}  # the two longest, by CPU at 1M students
    order = sorted(CHECKS, key=lambda m: split.get(m, len(split)))
    found: list[Task] = list(FIRST)
    for check in order:
        found.extend(getattr(check, "TASKS", (check.run,)))
    return found


def run(export: Export, out: Findings, part: Part = "all") -> None:
    """Every cross-file check over one loaded export (part "first": the FIRST tasks only;
    "rest": all but those; "all": both, in the same order as "first" then "rest").

    Tasks run in threads (polars releases the GIL while it computes), each into its own
    Findings; they are merged in one fixed order, so the result never depends on timing
    (and Findings.frame() sorts them anyway).
    """

    def one(task: Task) -> Findings:
        mine = out.sibling()
        task(export, mine)
        return mine

    todo = tasks()
    if part != "all":
        todo = [t for t in todo if (t in FIRST) == (part == "first")]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for found in pool.map(one, todo):
            out.extend(found)
