"""The previous export as `diff`'s plan reads it, decided before the plan of the new one.

`roster-lint diff` compares the rows first (every column of both exports), then decides
OLD for the plan's previous side and keeps only what the --previous comparisons read of
that decision (predict/history.previous_side); OLD's own frames can then be released
before NEW is decided, so the two exports and two full decisions are never held at once
(docs/performance.md, branch diffold).  The plan is the one `plan NEW --previous OLD`
makes (its actions only): tests/diff/test_previous_side.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roster_lint.model import Export
    from roster_lint.options import Options
    from roster_lint.predict.engine import Decided


def decided_previous(old: Export, opts: Options) -> Decided:
    """OLD decided as build_plan decides a previous export, slimmed to what it reads
    (for build_plan(..., previous_side=, actions_only=True) only: the full plan's
    summary reads more of it)."""
    # Imported here: without the plan engine, `diff` still shows the row changes.
    from roster_lint.predict.engine import decide
    from roster_lint.predict.history import previous_side
    from roster_lint.predict.profile import load_profile

    return previous_side(decide(old, opts.mode, load_profile(), None, None))
