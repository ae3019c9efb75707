"""--previous: what changed since the last export, and what the sync will not undo
(SK-A6 transfers, SK-A7 retained users, SK-E2 class transfers, SK-E4 retained enrollments,
and classes no longer shared).

One file per step: users (users.py), enrollments matched on (class, user) or read from
the pairs `diff` made (pairs.py) and decided against them (enrollments.py), classes
(classes.py), the slimmed previous side `diff` hands the plan (side.py), and two
exports' columns compared in place (columns.py).  The names the engine, `why` and
`diff` read are here."""

from roster_lint.predict.history.classes import (
    CLASS_SIG,
    ND_EXISTING,
    SET_ASIDE,
    classes_vs_previous,
    kept_class_enrollments,
    retained_classes,
)
from roster_lint.predict.history.columns import in_place, in_place_select, same_text
from roster_lint.predict.history.common import ENROLLED
from roster_lint.predict.history.enrollments import (
    enrollments_vs_previous,
    retained_enrollments,
)
from roster_lint.predict.history.pairs import (
    PAIR,
    PAIR_LINE,
    Pairs,
    match_pairs,
    with_known_pairs,
)
from roster_lint.predict.history.side import PREVIOUS_COURSES, PREVIOUS_READS, previous_side
from roster_lint.predict.history.users import (
    OTHER_DISTRICT,
    retained_users,
    users_vs_previous,
    with_previous_user,
)

__all__ = [
    "CLASS_SIG",
    "ENROLLED",
    "ND_EXISTING",
    "OTHER_DISTRICT",
    "PAIR",
    "PAIR_LINE",
    "PREVIOUS_COURSES",
    "PREVIOUS_READS",
    "SET_ASIDE",
    "Pairs",
    "classes_vs_previous",
    "enrollments_vs_previous",
    "in_place",
    "in_place_select",
    "kept_class_enrollments",
    "match_pairs",
    "previous_side",
    "retained_classes",
    "retained_enrollments",
    "retained_users",
    "same_text",
    "users_vs_previous",
    "with_known_pairs",
    "with_previous_user",
]
