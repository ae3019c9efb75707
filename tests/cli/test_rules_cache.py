"""The fixed cost of every run: rules/ TOML read from a cache of its parse (paths.read_rules),
the profile's records built without resolving their type hints again, and no TOML parser
imported by `--version` or `--help` (docs/performance.md, branch
startup11)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import typing
from pathlib import Path
from typing import Any

import pytest

from roster_lint import catalogue as catalogue_module
from roster_lint import paths, spec
from roster_lint.predict import profile, registry
from tests.conftest import ROOT


def _copy_rules(tmp_path: Path) -> Path:
    """rules/ without its caches, in a folder of the test's own."""
    dest = tmp_path / "rules"
    shutil.copytree(paths.rules_dir(), dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count tomllib's parses from here on."""
    seen: list[int] = []
    real_loads, real_load = tomllib.loads, tomllib.load

    def loads(text: str, **kw: Any) -> dict[str, Any]:
        seen.append(len(text))
        return real_loads(text, **kw)

    def load(fh: Any, **kw: Any) -> dict[str, Any]:
        seen.append(-1)
        return real_load(fh, **kw)

    monkeypatch.setattr(tomllib, "loads", loads)
    monkeypatch.setattr(tomllib, "load", load)
    return seen


def test_every_rules_file_reads_back_as_tomllib_parses_it(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    files = sorted(rules.rglob("*.toml"))
    assert len(files) >= 8
    for path in files:
        with path.open("rb") as fh:
            expected = tomllib.load(fh)
        first = paths.read_rules(path, write=True)  # parsed, cache written
        assert paths.cache_path(path).is_file(), path
        again = paths.read_rules(path)  # from the cache
        assert first == expected and again == expected, path
        # the same structure, types included (lists stay lists, ints stay ints)
        assert repr(again) == repr(expected), path
        assert oct(paths.cache_path(path).stat().st_mode & 0o777) == oct(
            path.stat().st_mode & 0o666
        )


def test_the_cache_is_used_and_keyed_by_the_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.toml"
    path.write_text('a = "one"\n')
    paths.read_rules(path, write=True)
    parses = _parses(monkeypatch)
    assert paths.read_rules(path) == {"a": "one"}
    assert parses == []  # read from the cache
    # an edit of the same size, the file's times put back: parsed again, not the old parse
    st = path.stat()
    path.write_text('a = "two"\n')
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert paths.read_rules(path) == {"a": "two"}
    assert len(parses) == 1


@pytest.mark.parametrize("junk", [b"", b"roster-lint rules cache 1\n", b"\x00" * 200])
def test_an_unreadable_cache_is_parsed_over(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "r.toml"
    path.write_text("[t]\nx = [1, 2]\n")
    cached = paths.cache_path(path)
    cached.parent.mkdir()
    cached.write_bytes(junk)
    assert paths.read_rules(path, write=True) == {"t": {"x": [1, 2]}}
    assert paths.read_rules(path) == {"t": {"x": [1, 2]}}


def test_no_cache_without_leave_to_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.toml"
    path.write_text("a = 1\n")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE
    assert paths.read_rules(path) == {"a": 1}
    assert not paths.cache_path(path).exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert paths.read_rules(path) == {"a": 1}
    assert paths.cache_path(path).is_file()


def test_what_marshal_cannot_hold_is_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text("when = 2026-12-08\nx = nan\n")
    raw = paths.read_rules(path, write=True)
    assert str(raw["when"]) == "2026-12-08"
    assert not paths.cache_path(path).exists()


def test_a_place_that_cannot_be_written_is_read_and_left(tmp_path: Path) -> None:
    """A cache folder that cannot be made (a file of that name here; a read-only install
    elsewhere): the file is parsed and nothing fails."""
    path = tmp_path / "r.toml"
    path.write_text("a = 1\n")
    (tmp_path / paths.CACHE_DIR).write_text("not a folder")
    assert paths.read_rules(path, write=True) == {"a": 1}
    assert paths.read_rules(path, write=True) == {"a": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == [paths.CACHE_DIR, "r.toml"]


def test_catalogue_spec_profile_and_registry_parse_no_toml_once_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _copy_rules(tmp_path)
    for module in (catalogue_module, spec, profile, registry):
        monkeypatch.setattr(module, "rules_dir", lambda: rules)
    monkeypatch.setattr(paths, "rules_dir", lambda: rules)
    cached = paths.cache_rules()
    assert len(cached) == len(list(rules.rglob("*.toml")))
    parses = _parses(monkeypatch)
    cat = catalogue_module.catalogue.__wrapped__()
    files = spec.oneroster.__wrapped__()
    prof = profile.load_profile.__wrapped__()
    reg = registry.load_registry.__wrapped__()
    assert parses == []
    # the same records as the cached functions built from the checkout's rules/
    assert cat == catalogue_module.catalogue()
    assert files == spec.oneroster()
    assert prof == profile.load_profile()
    assert reg.reasons == registry.load_registry().reasons


def test_profile_records_resolve_their_type_hints_once(monkeypatch: pytest.MonkeyPatch) -> None:
    profile.load_profile.__wrapped__()  # every record class seen once
    registry.load_registry.__wrapped__()
    calls: list[object] = []
    real = typing.get_type_hints

    def counted(obj: object, *a: Any, **kw: Any) -> dict[str, Any]:
        calls.append(obj)
        return real(obj, *a, **kw)

    monkeypatch.setattr(typing, "get_type_hints", counted)
    profile.load_profile.__wrapped__()
    registry.load_registry.__wrapped__()
    assert calls == []


def test_version_and_help_import_no_toml_parser() -> None:
    code = (
        "import sys\n"
        "from roster_lint.cli import main\n"
        "for args in (['--version'], ['--help'], ['check', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('tomllib' in sys.modules, file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "False"


def test_a_run_without_a_config_file_imports_no_toml_parser(tmp_path: Path) -> None:
    """No roster-lint.toml or pyproject.toml above the working directory: the config is
    looked for, not parsed, and tomllib is not imported for it."""
    code = (
        "import sys\n"
        "from roster_lint.config import options_from_config\n"
        "opts = options_from_config(None)\n"
        "print(opts.mode, 'tomllib' in sys.modules, file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "full False"
