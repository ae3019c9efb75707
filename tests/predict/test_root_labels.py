"""A root cause's label and line come from the rows of its own school or course only:
summary.root_causes looks up the roots' ids, not a dict of every course of the export."""

from __future__ import annotations

import polars as pl

from roster_lint import api
from roster_lint.predict.summary import _first_values


def test_first_values_of_the_keys_asked_only() -> None:
    frame = pl.DataFrame(
        {"k": ["a", "b", "a", None, "c"], "v": ["first a", "b", "second a", "null", None]}
    )
    found = _first_values(frame, "k", "v", pl.Series(["a", "c", "missing", None]))
    assert found == {"a": "first a", "c": None}
    assert _first_values(frame, "k", "v", pl.Series([], dtype=pl.String)) == {}


def test_a_school_root_is_labelled_by_its_name() -> None:
    plan = api.plan("sample_exports/district-flawed")
    by_id = {(c.entity, c.id): c for c in plan.root_causes}
    school = by_id["school", "103"]
    assert (school.label, school.file, school.line) == (
        "Oakridge Middle School (103)",
        "orgs.csv",
        5,
    )
    # an unresolved course id has no courses.csv row: no name, shown where it is named
    course = by_id["course", "3115-9"]
    assert (course.label, course.file, course.line) == ("3115-9", "classes.csv", 441)
