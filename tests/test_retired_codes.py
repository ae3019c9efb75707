"""Retired codes (ruff's remapped codes): never reused, and still accepted where a user may
have written them, meaning the rule that replaced them.  RL253 was merged into RL331: the
two fired on the same cell with the same title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_lint import api
from roster_lint.catalogue import catalogue
from roster_lint.examples import materialise
from tests.cli_run import run_cli

DEFECT = [
    {"op": "set", "file": "orgs.csv", "line": 3, "column": "identifier", "value": "070000100001"}
]


def test_the_retired_code_names_the_kept_rule() -> None:
    cat = catalogue()
    assert cat.retired == {"RL253": "RL331"}
    assert cat["RL253"] is cat["RL331"]
    assert all(r.code != "RL253" for r in cat.rules)  # listed once, under RL331


def test_one_finding_per_cell(tmp_path: Path) -> None:
    path = materialise("base-1.1", tuple(DEFECT), tmp_path / "x")
    found = api.check(str(path)).findings
    cell = found.filter(
        (found["file"] == "orgs.csv") & (found["line"] == 3) & (found["column"] == "identifier")
    )
    assert cell["code"].to_list() == ["RL331"]


@pytest.mark.parametrize(("option", "kept"), [("select", ["RL331"]), ("ignore", [])])
def test_select_and_ignore_accept_the_retired_code(
    tmp_path: Path, option: str, kept: list[str]
) -> None:
    path = materialise("base-1.1", tuple(DEFECT), tmp_path / "x")
    opts = api.Options(select=["RL253"]) if option == "select" else api.Options(ignore=["RL253"])
    codes = api.check(str(path), opts).findings["code"].to_list()
    assert [c for c in codes if c == "RL331"] == kept


def test_explain_redirects(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "explain", "RL253", "--format", "json")
    assert run.code == 0
    assert json.loads(run.out)["code"] == "RL331"
    assert "RL253 is retired" in run.err


def test_a_retired_code_is_never_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    from roster_lint import catalogue as catalogue_module

    src = catalogue_module.rules_dir() / "catalogue"
    (tmp_path / "catalogue").mkdir()
    for path in src.glob("*.toml"):
        (tmp_path / "catalogue" / path.name).write_bytes(path.read_bytes())
    profile = tmp_path / "catalogue" / "profile.toml"
    rules = tomllib.loads(profile.read_text("utf-8"))["rule"]
    taken = next(r["code"] for r in rules if r["code"] != "RL331")
    text = profile.read_text("utf-8").replace('retired = ["RL253"]', f'retired = ["{taken}"]')
    profile.write_text(text, "utf-8")
    monkeypatch.setattr(catalogue_module, "rules_dir", lambda: tmp_path)
    with pytest.raises(ValueError, match=f"retired code {taken}"):
        catalogue_module.catalogue.__wrapped__()
