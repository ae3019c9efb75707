"""predict/findings reads the export through `read_inputs` thinly: the states, paths and
orgs of every table (`_inputs`), and the schools of the users a finding names only
(`_schools_of`).  Both must say what `read_inputs` on the whole export says (the former
code, kept here as the oracle): random users.csv and roles.csv (1.2 with and without the
role column, 1.1), repeated, blank and missing user ids, roles without a provisioned role."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster_lint import api
from roster_lint.model import LINE, Export
from roster_lint.predict.findings import _inputs, _schools_of
from roster_lint.predict.inputs import read_inputs
from roster_lint.predict.profile import load_profile

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
IDS = ["", "u1", "u2", "u3", " u1", None]
ORGS = ["", "101", "102", "103", "101,102", None]
user = st.tuples(st.sampled_from(IDS), st.sampled_from(ORGS), st.sampled_from(["", "teacher"]))
role = st.tuples(
    st.sampled_from(IDS),
    st.sampled_from(["primary", "secondary", ""]),
    st.sampled_from(["student", "teacher", "aide", "parent", ""]),
    st.sampled_from(ORGS),
)


@pytest.fixture(scope="module")
def v12() -> Export:
    return api.load(str(SAMPLES / "district-v12"))


def _with(export: Export, name: str, df: pl.DataFrame) -> Export:
    tables = dict(export.tables)
    tables[name] = replace(tables[name], df=df)
    return replace(export, tables=tables, derived={})


def _frame(rows: list[tuple[str | None, ...]], columns: list[str]) -> pl.DataFrame:
    data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    df = pl.DataFrame(data, schema={c: pl.String() for c in columns})
    return df.with_columns(pl.int_range(2, df.height + 2, dtype=pl.Int64).alias(LINE))


def _oracle(export: Export, lines: list[int]) -> list[tuple[int, str | None]]:
    users = read_inputs(export, "full", load_profile()).users
    by_line = {ln: ",".join(s) for ln, s in users.select("line", "schools").iter_rows()}
    return [(ln, by_line.get(ln)) for ln in lines]


def _schools(export: Export, lines: list[int]) -> list[tuple[int, str | None]]:
    inp = _inputs(export, "full", load_profile())
    rows = pl.DataFrame(
        {"line": lines, "value": [None] * len(lines)},
        schema={"line": pl.Int64(), "value": pl.String()},
    )
    got = _schools_of(export, inp, rows)
    return [(ln, v) for ln, v in got.select("line", "value").iter_rows()]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    users=st.lists(user, min_size=1, max_size=12),
    roles=st.lists(role, max_size=16),
    with_role=st.booleans(),
    pick=st.lists(st.integers(0, 11), max_size=6),
)
def test_schools_of_named_users_as_read_inputs(
    v12: Export,
    users: list[tuple[str | None, ...]],
    roles: list[tuple[str | None, ...]],
    with_role: bool,
    pick: list[int],
) -> None:
    ucols = (
        ["sourcedId", "primaryOrgSourcedId", "role"]
        if with_role
        else ["sourcedId", "primaryOrgSourcedId"]
    )
    udf = _frame([u[: len(ucols)] for u in users], ucols)
    rdf = _frame(roles, ["userSourcedId", "roleType", "role", "orgSourcedId"])
    export = _with(_with(v12, "users.csv", udf), "roles.csv", rdf)
    lines = sorted({2 + i for i in pick if i < len(users)}) or [2]
    assert _schools(export, lines) == _oracle(export, lines)
    every = list(range(2, len(users) + 2))
    assert _schools(export, every) == _oracle(export, every)


def test_schools_of_without_the_id_columns(v12: Export) -> None:
    """No sourcedId in users.csv / no userSourcedId in roles.csv: every id reads as ""."""
    udf = _frame([("101",), ("102",)], ["primaryOrgSourcedId"])
    rdf = _frame([("primary", "teacher", "103")], ["roleType", "role", "orgSourcedId"])
    export = _with(_with(v12, "users.csv", udf), "roles.csv", rdf)
    assert _schools(export, [2, 3]) == _oracle(export, [2, 3]) == [(2, "103"), (3, "103")]


@pytest.mark.parametrize("sample", ["district", "district-v12", "district-flawed"])
def test_schools_of_samples(sample: str) -> None:
    export = api.load(str(SAMPLES / sample))
    lines = list(range(2, export.tables["users.csv"].rows + 2))
    assert _schools(export, lines) == _oracle(export, lines)
    assert _schools(export, lines[::7]) == _oracle(export, lines[::7])


@pytest.mark.parametrize("sample", ["district", "district-v12", "district-flawed"])
def test_inputs_states_paths_orgs(sample: str) -> None:
    export = api.load(str(SAMPLES / sample))
    for mode in ("full", "provisioning"):
        full, thin = (
            read_inputs(export, mode, load_profile()),
            _inputs(export, mode, load_profile()),
        )
        assert (thin.state, thin.paths, thin.version) == (full.state, full.paths, full.version)
        assert thin.orgs.equals(full.orgs)
