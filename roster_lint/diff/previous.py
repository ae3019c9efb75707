"""The previous export as `diff`'s plan reads it, decided before the plan of the new one.

`roster-lint diff` compares the rows first (every column of both exports), then decides
OLD for the plan's previous side and keeps only what the --previous comparisons read of
that decision (predict/history.previous_side); OLD's own frames can then be released
before NEW is decided, so the two exports and two full decisions are never held at once.
The enrollments `diff` paired on (classSourcedId, userSourcedId) go with the side
(history.with_known_pairs) when they are the pairs the plan would match, so the plan
does not hash and compare 7M pairs again (docs/performance.md, branch diffold).  The plan
is the one `plan NEW --previous OLD` makes (its actions only): tests/diff/test_previous_side.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from roster_lint.diff.model import PairedRows
from roster_lint.diff.rows import IDX, NEW, PAIR_KEY
from roster_lint.model import LINE

if TYPE_CHECKING:
    from roster_lint.model import Export
    from roster_lint.options import Options
    from roster_lint.predict.engine import Decided

ENROLLMENTS = "enrollments.csv"


def decided_previous(
    old: Export, opts: Options, new: Export | None = None, paired: PairedRows | None = None
) -> Decided:
    """OLD decided as build_plan decides a previous export, slimmed to what it reads
    (for build_plan(..., previous_side=, actions_only=True) only: the full plan's
    summary reads more of it), with the enrollment pairs `paired` (OLD to `new`'s rows)
    when they are the plan's own (`_known_pairs`)."""
    # Imported here: without the plan engine, `diff` still shows the row changes.
    from roster_lint.predict.engine import decide
    from roster_lint.predict.history import previous_side, with_known_pairs
    from roster_lint.predict.profile import load_profile

    decided = decide(old, opts.mode, load_profile(), None, None)
    known = _known_pairs(old, new, paired, decided.enrollments)
    side = previous_side(decided)
    del decided
    if known is not None:
        side.enrollments = with_known_pairs(side.enrollments, *known)
    return side


def _known_pairs(
    old: Export, new: Export | None, paired: PairedRows | None, decided: pl.DataFrame
) -> tuple[pl.Series, pl.Series, pl.Series] | None:
    """(OLD's rows, NEW's rows, NEW's lines) of the enrollments `diff` paired on (class,
    user), or None unless they are exactly the pairs history.match_pairs would make: no
    pair repeated on either side, no null class or user id (the plan reads one as "",
    the diff pairs it with nothing), and OLD's decided enrollments are OLD's rows one for
    one (the same lines).  match_pairs checks NEW's side (history._known_hits)."""
    if new is None or paired is None or paired.key != PAIR_KEY or paired.duplicates:
        return None
    tables = (old.tables.get(ENROLLMENTS), new.tables.get(ENROLLMENTS))
    frames = [t.df for t in tables if t is not None and t.readable]
    if len(frames) != 2 or not all(c in f.columns for f in frames for c in PAIR_KEY):
        return None
    if any(f[c].null_count() for f in frames for c in PAIR_KEY):
        return None
    if not decided["line"].equals(frames[0][LINE], check_names=False):
        return None
    at_new = paired.pairs[IDX + NEW]
    return paired.pairs[IDX], at_new, frames[1][LINE].gather(at_new)
