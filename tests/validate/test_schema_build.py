"""The schemas are generated from files.toml: every column is covered, per version and mode."""

from __future__ import annotations

import pandera.polars as pa
import pytest

from roster_lint.catalogue import catalogue
from roster_lint.spec import VERSIONS, oneroster
from roster_lint.validate.schema.build import METADATA, schema_for

FILES = [(f.name, v) for f in oneroster().files.values() for v in VERSIONS if v in f.versions]


@pytest.mark.parametrize(("file", "version"), FILES, ids=[f"{f}-{v}" for f, v in FILES])
def test_every_column_has_a_pandera_column_with_checks(file: str, version: str) -> None:
    schema = schema_for(file, version, "bulk")
    assert isinstance(schema.pandera, pa.DataFrameSchema)
    header = oneroster().files[file].header(version)
    assert list(schema.pandera.columns) == [*header, METADATA]
    for name, column in schema.pandera.columns.items():
        assert column.checks, name
        assert all(chk.name in schema.defs for chk in column.checks)
    codes = {r.code for r in catalogue().rules}
    assert {d.rule for d in schema.defs.values()} <= codes


def _checks(file: str, version: str, mode: str | None, column: str) -> set[str]:
    schema = schema_for(file, version, mode)
    return {c.name.split(":", 1)[1] for c in schema.pandera.columns[column].checks}


def test_column_types_get_their_checks() -> None:
    assert {"required", "padded", "scientific", "leading-zeros"} <= _checks(
        "users.csv", "1.1", "bulk", "sourcedId"
    )
    assert {"case", "enum"} <= _checks("users.csv", "1.1", "bulk", "enabledUser")
    assert {"lost-zero", "word", "ceds", "list"} <= _checks("users.csv", "1.1", "bulk", "grades")
    assert {"userids", "list"} <= _checks("users.csv", "1.1", "bulk", "userIds")
    assert "date" in _checks("enrollments.csv", "1.1", "bulk", "beginDate")
    assert "year" in _checks("academicSessions.csv", "1.1", "bulk", "schoolYear")
    assert "float" in _checks("results.csv", "1.1", "bulk", "score")
    assert "present" in _checks("users.csv", "1.1", "bulk", "password")
    assert "required" not in _checks("users.csv", "1.1", "bulk", "middleName")


def test_bulk_and_delta_status_rules() -> None:
    bulk = _checks("users.csv", "1.1", "bulk", "status")
    delta = _checks("users.csv", "1.1", "delta", "status")
    unknown = _checks("users.csv", "1.1", None, "status")
    assert {"bulk-set", "bulk-tobedeleted"} <= bulk and "delta-blank" not in bulk
    assert "delta-blank" in delta and not {"bulk-set", "bulk-tobedeleted"} & delta
    assert not {"bulk-set", "bulk-tobedeleted", "delta-blank"} & unknown
    assert "delta-blank" in _checks("users.csv", "1.1", "delta", "dateLastModified")
    assert "delta-blank" not in _checks("users.csv", "1.1", "bulk", "dateLastModified")


def test_v12_columns_and_enumerations() -> None:
    v12 = schema_for("users.csv", "1.2", "bulk").pandera.columns
    assert "role" not in v12 and "primaryOrgSourcedId" in v12
    assert "role" in schema_for("roles.csv", "1.2", "bulk").pandera.columns
    sex11 = schema_for("demographics.csv", "1.1", "bulk").defs["sex:enum"]
    sex12 = schema_for("demographics.csv", "1.2", "bulk").defs["sex:enum"]
    assert sex11.rule == sex12.rule == "RL102"
    # enrollments.role is [verify]: an unknown value is a warning rule, in both versions.
    assert schema_for("enrollments.csv", "1.1", "bulk").defs["role:enum"].rule == "RL104"
    # gradebook files are [verify]: their definition-based errors become RL105 warnings.
    assert schema_for("lineItems.csv", "1.1", "bulk").defs["assignDate:date"].rule == "RL105"
    assert schema_for("lineItems.csv", "1.1", "bulk").defs["title:required"].rule == "RL105"
