"""grouped.add_by_line gives Findings.add the grouped finding of hits one per line, with
the message of the first row only: the findings must be those of adding every hit."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint.findings import Findings, RowSink
from roster_lint.model import LINE
from roster_lint.validate.crossfile.grouped import add_by_line


def _hits(part: pl.DataFrame) -> pl.DataFrame:
    return part.select(
        pl.col(LINE).alias("line"),
        pl.col("id").alias("sourced_id"),
        pl.format("class '{}' at {}", "id", LINE).alias("message"),
    )


@pytest.mark.parametrize("n", [1, 20, 21, 500])
def test_by_line_equals_every_hit(n: int) -> None:
    # lines out of order (as a concat of parts may give them), ids not in line order
    lines = [(i * 7919) % 1000 + 2 for i in range(n)]
    rows = pl.DataFrame({LINE: lines, "id": [f"c{(i * 31) % 97}" for i in range(n)]})
    every, early = Findings(), Findings()
    every.add("RL232", _hits(rows), file="classes.csv", column="sourcedId")
    add_by_line(early, "RL232", rows, _hits, file="classes.csv", column="sourcedId")
    expected = every.frame({"classes.csv": 1000})
    assert early.frame({"classes.csv": 1000}).equals(expected)
    assert int(expected["count"].sum()) == n
    assert expected.height == (n if n <= 20 else 1)


def test_every_row_when_rows_are_wanted(tmp_path: object) -> None:
    rows = pl.DataFrame({LINE: list(range(2, 102)), "id": [f"c{i}" for i in range(100)]})
    path = f"{tmp_path}/rows.csv"
    with RowSink(path) as sink:
        out = Findings()
        add_by_line(out, "RL232", rows, _hits, file="classes.csv", column="sourcedId")
    assert sink.rows == 100
    (grouped,) = out.frame().iter_rows(named=True)
    assert grouped["count"] == 100 and grouped["lines"] == list(range(2, 22))
    assert pl.read_csv(path, infer_schema=False)["line"].to_list() == [
        str(i) for i in range(2, 102)
    ]
