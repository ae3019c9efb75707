"""The columns the cross-file rules read, so that the pipeline can drop every other column
before the plan runs beside them (the plan's peak and the rules' caches then overlap:
unread enrollment dates and timestamps must not be held through it).

One flat set of names, kept in any file that has them: coarse, but the only big table
where it keeps more than the plan needs is enrollments.csv (its two date columns, RL223,
which runs first and lets them go: FIRST_ONLY).
`tests/validate/test_crossfile_columns.py` runs every cross-file rule's examples, the
samples and the corpus on frames cut to these columns and fails on any difference: a rule
that starts reading a new column must name it here.
"""

from __future__ import annotations

from functools import cache

from roster_lint.spec import VERSIONS, oneroster

# Read by name in the rules (the reference columns below are read by references.py).
NAMED = frozenset(
    {
        "sourcedId",
        "status",
        "type",
        "identifier",
        "name",
        "parentSourcedId",
        "schoolYear",
        "startDate",
        "endDate",
        "schoolYearSourcedId",
        "courseSourcedId",
        "schoolSourcedId",
        "classSourcedId",
        "userSourcedId",
        "role",
        "roles",
        "roleType",
        "primary",
        "beginDate",
        "orgSourcedId",
        "orgSourcedIds",
        "primaryOrgSourcedId",
        "agentSourcedIds",
        "grades",
        "username",
        "email",
    }
)


# Per file, columns that only the FIRST tasks (crossfile.FIRST) read: the pipeline runs
# those tasks before the plan starts and drops these columns then.
FIRST_ONLY: dict[str, frozenset[str]] = {"enrollments.csv": frozenset({"beginDate", "endDate"})}


def read_after_first(file: str, column: str) -> bool:
    """Whether a cross-file task other than the FIRST ones may read this column."""
    return column in columns_read() and column not in FIRST_ONLY.get(file, frozenset())


@cache
def columns_read() -> frozenset[str]:
    """Every column name a cross-file rule may read, in whichever file."""
    refs = {
        c.name
        for fs in oneroster().files.values()
        for v in VERSIONS
        for c in fs.columns(v)
        if c.ref
    }
    return NAMED | refs
