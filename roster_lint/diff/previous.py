"""The previous export as `diff`'s plan reads it, decided before the plan of the new one.

`roster-lint diff` compares the rows first (every column of both exports), then decides
OLD for the plan's previous side and keeps only what the --previous comparisons read of
that decision (predict/history.previous_side); OLD's own frames can then be released
before NEW is decided, so the two exports and two full decisions are never held at once.
The users and enrollments `diff` paired (on sourcedId; on classSourcedId and
userSourcedId) go with the side (history.with_known_pairs) when they are the pairs the
plan would match, so the plan does not hash, join and compare them again
(docs/performance.md, branch diffold).  The plan is the one `plan NEW --previous OLD`
makes (its actions only): tests/diff/test_previous_side.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from roster_lint.diff.model import PairedRows
from roster_lint.diff.rows import ID_KEY, IDX, NEW, PAIR_KEY, gather
from roster_lint.model import LINE
from roster_lint.predict.classes import COUNT_KEYS, ClassCounts
from roster_lint.predict.history.pairs import in_order

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from roster_lint.model import Export
    from roster_lint.options import Options
    from roster_lint.predict.engine import Decided
    from roster_lint.predict.inputs import Inputs

# The files whose pairs the plan's previous side can carry: the decided frame, and the
# key the plan matches its rows by (history.match_pairs: (class, user); users_vs_previous
# and retained_users: the user id).
# NEW takes OLD's orgs' and users' decisions when its inputs for them are OLD's
# (`_same_people`); False: NEW decides them (the tests' oracle).
SAME_PEOPLE = True
# What NEW may take of OLD's join (`_with_user_of`).
WithUser = tuple[pl.DataFrame, pl.DataFrame, pl.Series, ClassCounts | None]
PAIRED = {"enrollments.csv": "enrollments", "users.csv": "users"}
PAIRED_BY = {"enrollments.csv": PAIR_KEY, "users.csv": ID_KEY}


def decided_previous(
    old: Export,
    opts: Options,
    new: Export | None = None,
    paired: dict[str, PairedRows] | None = None,
) -> Decided:
    """OLD decided as build_plan decides a previous export, slimmed to what it reads
    (for build_plan(..., previous_side=, actions_only=True) only: the full plan's
    summary reads more of it), with the pairs `paired` (per file, OLD's rows to `new`'s)
    when they are the plan's own (`_known_pairs`)."""
    # Imported here: without the plan engine, `diff` still shows the row changes.
    from roster_lint.predict.engine import decide
    from roster_lint.predict.history import previous_side, with_known_pairs
    from roster_lint.predict.profile import load_profile

    decided = decide(old, opts.mode, load_profile(), None, None, keep_with_user=SAME_PEOPLE)
    known = {
        frame: _known_pairs(old, new, (paired or {}).get(file), getattr(decided, frame), file)
        for file, frame in PAIRED.items()
    }
    shown = _shown_alike(old, new, paired or {})
    taken = _same_people(decided, _with_user_of(decided), shown) if SAME_PEOPLE else None
    decided.with_user = None
    side = previous_side(decided)
    side.known_for_next = taken
    del decided
    for frame, pairs in known.items():
        if pairs is not None:
            setattr(side, frame, with_known_pairs(getattr(side, frame), *pairs))
    return side


def _same_people(
    decided: Decided,
    with_user: WithUser | None,
    shown: Collection[str] = (),
) -> Callable[[Inputs], dict[str, pl.DataFrame]]:
    """OLD's orgs' and users' decisions, for NEW's to be them where NEW's inputs for them
    are OLD's (engine.decide's `known`).  decide_orgs reads the inputs' orgs, and
    decide_users their users, version, paths and file states, the decided orgs and the
    profile (predict/users.py, schools.py, rules/users.py; the profile is load_profile()'s
    and `sig` is made on both sides, as build_plan decides NEW with a previous export):
    equal inputs, equal decisions.  Nightly exports often list the same users; `diff`
    then decides them once (docs/performance.md, branch diffreuse).

    With them, the columns with_users added to OLD's enrollments (`with_user`, from
    `_with_user_of`) when NEW's enrollment inputs but `eid` and classes' `cid` are OLD's:
    with the same users' decision, what with_users adds is the same
    (enrollments.with_users_taken; an export whose enrollment ids were regenerated).
    Held until NEW's decision asks (its first step), then released: OLD's enrollment
    inputs are compared there, not kept through NEW's decision.

    shown: the inputs (`users`, `enrollments`) the diff showed to be OLD's but for their
    lines (`_shown_alike`): only their lines are compared (at 7.3M enrollments and 1M
    users the whole frames' `equals` cost ~0.45 s)."""
    # Only these are kept (not OLD's Inputs: its enrollments would stay with them).
    was = _read_alike(decided.inp)
    orgs_in, users_in = decided.inp.orgs, decided.inp.users
    orgs, users = decided.orgs, decided.users
    held = [with_user] if with_user is not None else []

    def alike(name: str, now: pl.DataFrame, before: pl.DataFrame) -> bool:
        if name in shown:  # every other value the diff compared: the lines are left
            return now["line"].equals(before["line"])
        return now.equals(before)

    def known(inp: Inputs) -> dict[str, pl.DataFrame]:
        same = (
            _read_alike(inp) == was
            and inp.orgs.equals(orgs_in)
            and alike("users", inp.users, users_in)
        )
        if not same:
            held.clear()
            return {}
        out = {"orgs": orgs, "users": users}
        if held:
            added, enrollments, cids, counts = held.pop()
            now = _but_eid(inp.enrollments)
            if inp.classes["cid"].equals(cids) and alike("enrollments", now, enrollments):
                out["with_user"] = added
                if counts is not None:  # the join's per-class counts come with it
                    out.update(zip(COUNT_KEYS, counts, strict=True))
        return out

    return known


def _shown_alike(old: Export, new: Export | None, paired: dict[str, PairedRows]) -> set[str]:
    """The plan inputs (read_inputs' frames: "users", "enrollments") that NEW's diff
    showed to hold OLD's values but for their lines (and the enrollments' `eid`): its
    file paired every row in place with no value changed (PairedRows.in_place), and both
    frames have the same columns now (the plan reads them: a column on one side only
    is blank on the other).  Not the users of an export with roles.csv (OneRoster 1.2's
    users read it too: inputs._users)."""
    if new is None:
        return set()
    shown = set()
    for file, frame in PAIRED.items():
        pairs = paired.get(file)
        tables = (old.tables.get(file), new.tables.get(file))
        if pairs is None or not pairs.in_place or None in tables:
            continue
        frames = [t.df for t in tables if t is not None and t.readable]
        if len(frames) == 2 and set(frames[0].columns) == set(frames[1].columns):
            shown.add(frame)
    if "roles.csv" in old.tables or "roles.csv" in new.tables:
        shown.discard("users")
    return shown


def _with_user_of(decided: Decided) -> WithUser | None:
    """(the columns with_users added to OLD's enrollments, what they were made of: OLD's
    enrollment inputs but `eid`, its classes' `cid`; the per-class counts decide_classes
    made of the join), or None without the join."""
    from roster_lint.predict.enrollments import with_users_added

    if decided.with_user is None:
        return None
    inp = decided.inp
    return (
        with_users_added(decided.with_user),
        _but_eid(inp.enrollments),
        inp.classes["cid"],
        decided.class_counts,
    )


def _but_eid(enrollments: pl.DataFrame) -> pl.DataFrame:
    """The enrollment inputs with_users reads but their ids (which it only carries)."""
    from roster_lint.predict.enrollments import WITH_USERS_COLS

    return enrollments.select(c for c in WITH_USERS_COLS if c != "eid")


def _known_pairs(
    old: Export, new: Export | None, paired: PairedRows | None, decided: pl.DataFrame, file: str
) -> tuple[pl.Series, pl.Series, pl.Series] | None:
    """(OLD's rows, NEW's rows, NEW's lines) of the rows of `file` `diff` paired on the
    key the plan matches them by (PAIRED_BY), or None unless they are exactly the pairs
    the plan would match: no key repeated on either side, no null key (the plan reads
    one as "", the diff pairs it with nothing), and OLD's decided rows are OLD's rows
    one for one (the same lines).  The plan checks NEW's side (history.pairs._known_rows)."""
    key = PAIRED_BY[file]
    if new is None or paired is None or paired.key != key or paired.duplicates:
        return None
    tables = (old.tables.get(file), new.tables.get(file))
    frames = [t.df for t in tables if t is not None and t.readable]
    if len(frames) != 2 or not all(c in f.columns for f in frames for c in key):
        return None
    if any(f[c].null_count() for f in frames for c in key):
        return None
    if not decided["line"].equals(frames[0][LINE], check_names=False):
        return None
    at_new = paired.pairs[IDX + NEW]
    if in_order(at_new, frames[1].height):  # every row paired in place: no gather
        return paired.pairs[IDX], at_new, frames[1][LINE]
    return paired.pairs[IDX], at_new, gather(frames[1].select(LINE), at_new).to_series()


def _read_alike(inp: Inputs) -> tuple[object, ...]:
    """What of the inputs besides their frames the orgs' and users' decisions read."""
    state, paths = dict(inp.state), dict(inp.paths)
    return (inp.version, inp.mode, state, paths, inp.primary_role_ambiguous)
