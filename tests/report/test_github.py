"""GitHub Actions annotations: format, escaping, caps, paths relative to the workspace."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from roster_lint.examples import materialise
from roster_lint.predict.model import RootCause
from roster_lint.report.github import (
    annotation,
    check_annotations,
    escape_data,
    escape_property,
    plan_annotations,
)
from roster_lint.report.locate import Where, locate, workspace_path
from tests.report.test_outputs_support import finding, plan_of, result_with


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


def _export_in(tmp_path: Path, *parts: str) -> Path:
    export = tmp_path.joinpath(*parts)
    export.parent.mkdir(parents=True)
    return Path(materialise("base-1.1", (), export))


def _files(out: str) -> list[str]:
    return [m for line in out.splitlines() for m in re.findall(r"file=([^,]+),", line)]


ROWS = [finding("RL400", "error", file="users.csv", line=3)]


def test_workspace_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = _export_in(tmp_path, "ws", "exports", "district")
    (tmp_path / "ws" / ".git").mkdir()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.chdir(export)
    where = locate(str(export))
    assert workspace_path(where, "users.csv") == "exports/district/export/users.csv"


def test_repository_root_without_a_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    export = _export_in(tmp_path, "repo", "exports", "district")
    (tmp_path / "repo" / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git file
    monkeypatch.chdir(export.parent)
    assert workspace_path(locate(str(export)), "users.csv") == "exports/district/export/users.csv"


def test_current_folder_without_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    export = _export_in(tmp_path, "data", "nightly")
    monkeypatch.chdir(tmp_path)
    assert workspace_path(locate(str(export)), "users.csv") == "data/nightly/export/users.csv"


def test_path_prefix_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    export = _export_in(tmp_path, "data", "nightly")
    out = check_annotations(result_with(tmp_path, ROWS), where=locate(str(export), "srv/x/"))
    assert _files(out) == ["srv/x/users.csv"]


def test_a_zip_member_has_no_workspace_path(tmp_path: Path) -> None:
    zipped = tmp_path / "nightly.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("users.csv", "sourcedId\n")
    out = check_annotations(result_with(tmp_path, ROWS), where=locate(str(zipped)))
    assert _files(out) == []
    assert out.startswith("::error title=RL400 rule-rl400::nightly.zip/users.csv:3: ")
    prefixed = check_annotations(result_with(tmp_path, ROWS), where=locate(str(zipped), "u"))
    assert _files(prefixed) == ["u/users.csv"]


def test_plan_annotations_one_per_root_cause(tmp_path: Path) -> None:
    causes = [
        RootCause(
            "school-missing-nces-id", "school", "103", "Oak", {"user": 4}, "no NCES", "orgs.csv", 5
        ),
        RootCause(
            "role-not-provisioned", "role", "aide", "aide", {"user": 6}, "aide", "users.csv", 9
        ),
    ]
    plan = plan_of([], root_causes=causes)
    lines = plan_annotations(plan, Where(tmp_path, "exp", explicit=True)).splitlines()
    assert [(ln.split()[0], _files(ln)) for ln in lines] == [
        ("::error", ["exp/orgs.csv"]),
        ("::notice", ["exp/users.csv"]),
    ]
    assert "line=5," in lines[0] and "title=RL304 school-missing-nces-id" in lines[0]
