"""The streamed check JSON is byte for byte the document `to_json` describes: a field added
to `finding_dicts` (count, lines, cause ...) must be added to the streamed encoder too."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint import api
from roster_lint.examples import materialise
from roster_lint.report.json_report import CHUNK_ROWS, check_document, check_json_chunks, dumps

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("export", ["district-flawed", "district"])
def test_streamed_json_equals_the_document(export: str) -> None:
    result = api.check(str(ROOT / "sample_exports" / export), api.Options())
    assert "".join(check_json_chunks(result)) == dumps(check_document(result))


def test_streamed_json_over_several_chunks_and_hostile_text(tmp_path: Path) -> None:
    # At most 20 rows per column, so that each stays a finding of its own (more would be
    # one grouped finding): two hostile columns give several chunks of findings.
    hostile = 'x\x1b"\\\u2028é'
    rows = [
        {
            "op": "append",
            "file": "users.csv",
            "copy_line": 3,
            "values": {"sourcedId": f"s{i}", "role" if i < 15 else "enabledUser": hostile},
        }
        for i in range(30)
    ]
    result = api.check(str(materialise("base-1.1", rows, tmp_path / "in")), api.Options())
    import roster_lint.report.json_report as jr

    old = jr.CHUNK_ROWS
    jr.CHUNK_ROWS = 7  # several chunks, one partial
    try:
        assert "".join(check_json_chunks(result)) == dumps(check_document(result))
    finally:
        jr.CHUNK_ROWS = old
    assert old == CHUNK_ROWS and result.findings.height > 7
