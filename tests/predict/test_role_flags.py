"""rules.enrollments._not_enrolled (from with_users' role flags) is `~role.is_in(roles)`."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint.predict.profile import load_profile
from roster_lint.predict.rules.enrollments import _not_enrolled


@pytest.mark.parametrize(
    "roles",
    [["student", "teacher"], ["teacher", "student"], ["student"], ["student", "aide"], []],
)
def test_same_as_is_in(roles: list[str]) -> None:
    profile = load_profile()
    c = profile.classes
    frame = pl.DataFrame({"role": ["student", "teacher", "aide", "", "Student"]}).with_columns(
        (pl.col("role") == c.student_role).alias("_is_student"),
        (pl.col("role") == c.teacher_role).alias("_is_teacher"),
    )
    got = frame.select(_not_enrolled(roles, profile).alias("x"))["x"].to_list()
    want = frame.select((~pl.col("role").is_in(roles)).alias("x"))["x"].to_list()
    assert got == want
