"""RL141 on orgs.identifier: a district's 7-digit NCES id among 12-digit school ids is
the right length, not a code that lost its leading zeros (the clean demo's false positive)."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint.model import LINE
from roster_lint.validate.schema import runner as R
from roster_lint.validate.schema.build import schema_for


def _orgs(identifiers: list[tuple[str, str]]) -> pl.DataFrame:
    rows = [
        {
            "sourcedId": f"o{i}",
            "status": "",
            "dateLastModified": "",
            "name": f"Org {i}",
            "type": kind,
            "identifier": ident,
            "parentSourcedId": "" if kind == "district" else "o0",
        }
        for i, (kind, ident) in enumerate(identifiers)
    ]
    return (
        pl.DataFrame(rows).with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    )


SCHOOLS = [("school", f"0678914001{i:02d}") for i in range(12)]


def _lost_zero_lines(df: pl.DataFrame, runner: str) -> list[int]:
    schema = schema_for("orgs.csv", "1.1", "bulk")
    if runner == "pandera":
        hits = R.run_pandera(schema, df)
    else:  # "screened": the path of tables above EXACT_ROWS (gates, few values, screens)
        hits = R.run_fast(schema, df, exact_rows=0 if runner == "screened" else R.EXACT_ROWS)
    hits = hits.filter(pl.col("check") == "identifier:leading-zeros")
    return sorted(hits["line"].to_list())


@pytest.mark.parametrize("runner", ["fast", "screened", "pandera"])
def test_district_nces_id_among_school_ids_is_not_a_lost_zero(runner: str) -> None:
    df = _orgs([("district", "0678914"), *SCHOOLS])
    assert _lost_zero_lines(df, runner) == []


@pytest.mark.parametrize("runner", ["fast", "screened", "pandera"])
def test_school_id_that_lost_its_zero_is_still_found(runner: str) -> None:
    df = _orgs([("district", "0678914"), *SCHOOLS, ("school", "67891400199")])
    assert _lost_zero_lines(df, runner) == [2 + len(SCHOOLS) + 1]


def test_users_identifier_keeps_the_plain_rule() -> None:
    # Outside orgs.csv a 7-digit value among 12-digit ones is still suspicious.
    schema = schema_for("users.csv", "1.1", "bulk")
    names = {d.name for d in schema.defs.values()}
    assert "identifier:leading-zeros" in names
    col = pl.DataFrame({"identifier": ["0678914", *[s for _, s in SCHOOLS]]})
    bad = schema.defs["identifier:leading-zeros"].bad_expr(pl.col("identifier"))
    assert col.select(bad)["identifier"].to_list()[0] is True
