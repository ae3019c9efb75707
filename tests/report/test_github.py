"""GitHub Actions annotations: format, escaping, caps."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint.report.github import annotation, check_annotations, escape_data, escape_property
from tests.report.test_outputs_support import finding, result_with


def test_escaping_follows_the_toolkit() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"
    line = annotation("error", "x: y, z\n2", "dir,1/users.csv", 7, "RL1 a:b")
    assert line == "::error file=dir%2C1/users.csv,line=7,title=RL1 a%3Ab::x: y, z%0A2"


def test_one_line_per_finding_errors_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    rows = [
        finding("RL401", "warning", file="classes.csv", message="warned"),
        finding("RL400", "error", file="users.csv", line=3, message="broken"),
        finding("RL402", "info", message="note"),
    ]
    out = check_annotations(result_with(tmp_path, rows)).splitlines()
    assert out[0] == "::error file=in/export/users.csv,line=3,title=RL400 rule-rl400::broken"
    assert out[1].startswith("::warning file=in/export/classes.csv,line=1,")
    assert out[2] == "::notice title=RL402 rule-rl402::note"


def test_cap_with_notice(tmp_path: Path) -> None:
    rows = [finding("RL400", "error", file="users.csv", line=i) for i in range(2, 12)]
    out = check_annotations(result_with(tmp_path, rows), max_annotations=4).splitlines()
    assert len(out) == 5
    assert out[-1].startswith("::notice::") and "6 more" in out[-1]
