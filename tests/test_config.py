"""Configuration: found upward, pyproject or roster-lint.toml, every bad key is exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint.config import find_config, options_from_config
from roster_lint.errors import UsageError

GOOD = """
mode = "provisioning"
course_map = "maps/courses.csv"
select = ["RL4"]
ignore = "RL401, RL402"
fail_on = "warning"
[severity]
RL400 = "warning"
[profile]
district_admins = false
[diff]
max_shrink = 0.3
"""


def test_roster_lint_toml_found_upward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "roster-lint.toml").write_text(GOOD, encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    opts = options_from_config(None)
    assert opts.mode == "provisioning"
    assert opts.course_map == str(tmp_path.resolve() / "maps" / "courses.csv")
    assert opts.select == ["RL4"] and opts.ignore == ["RL401", "RL402"]
    assert opts.fail_on == "warning" and opts.severity == {"RL400": "warning"}
    assert opts.profile == {"district_admins": False, "diff": {"max_shrink": 0.3}}


def test_pyproject_section_and_skipping_pyprojects_without_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.roster-lint]\nfail_on = "never"\n', encoding="utf-8"
    )
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    monkeypatch.chdir(inner)
    found = find_config()
    assert found is not None and found[0] == tmp_path.resolve() / "pyproject.toml"
    assert options_from_config(None).fail_on == "never"


def test_no_config_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config() is None  # nothing in the temporary folder or above it
    assert options_from_config(None) == options_from_config(None).__class__()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('colour = "red"\n', "colour"),
        ('mode = "partial"\n', "mode"),
        ("fail_on = 3\n", "fail_on"),
        ("select = [1, 2]\n", "select"),
        ('[severity]\nRL400 = "fatal"\n', "severity.RL400"),
        ('severity = "warning"\n', "severity"),
        ("[diff]\nmax_shrink = 2\n", "max_shrink"),
        ("[diff]\nfoo = 1\n", "foo"),
        ('select = ["RL999"]\n', "RL999"),
        ("mode = \n", "TOML"),
    ],
)
def test_bad_values_name_the_key(text: str, names: str, tmp_path: Path) -> None:
    path = tmp_path / "roster-lint.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        options_from_config(str(path))
    assert names in str(exc.value) and str(path.name) in str(exc.value)


def test_explicit_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        options_from_config(str(tmp_path / "nope.toml"))
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"tool\.roster-lint"):
        options_from_config(str(tmp_path / "pyproject.toml"))
