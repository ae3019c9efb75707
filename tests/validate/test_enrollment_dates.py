"""RL223 (an enrollment ends before it begins) on dates that parse but are not canonical:
their text does not order like their dates, so the text screen alone would miss them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validate.test_crossfile_units import check, hits


def _dates(begin: str, end: str) -> list[dict[str, object]]:
    return [
        {"op": "set", "file": "enrollments.csv", "line": 3, "column": c, "value": v}
        for c, v in (("beginDate", begin), ("endDate", end))
    ]


@pytest.mark.parametrize(
    ("begin", "end", "flagged"),
    [
        ("2025-08-15", "2025-08-01", True),  # canonical: found by the text screen
        ("2025-08-01", "2025-08-15", False),
        ("2025-10-1", "2025-9-30", True),  # unpadded: "2025-10-1" < "2025-9-30" as text
        ("2025-9-30", "2025-10-1", False),
        (" 2025-10-01", "2025-09-30", True),  # a stray space: ' ' sorts before '2'
        ("2025-9-3", "2025-9-30", False),
        ("10/01/2025", "09/30/2025", False),  # does not parse: the schema rules' finding
    ],
)
def test_begins_after_end(tmp_path: Path, begin: str, end: str, flagged: bool) -> None:
    found = hits(check(tmp_path, _dates(begin, end)), "RL223")
    want = [("enrollments.csv", 3, "endDate", end, None)] if flagged else []
    assert found == want
