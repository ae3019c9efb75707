"""The rule catalogue is complete, consistent with the spec, and its docs are current."""

from __future__ import annotations

import re

from roster_lint.catalogue import REQUIRED_FIELDS, catalogue
from roster_lint.report.catalogue_view import docs_pages
from tests.conftest import ROOT, SHARED


def test_every_rule_has_every_field() -> None:
    for rule in catalogue().rules:
        for name in REQUIRED_FIELDS:
            assert str(getattr(rule, name)).strip(), f"{rule.code} lacks {name}"
        assert rule.failing.expect or rule.failing.expect_plan, f"{rule.code}: no expectation"


def test_codes_sit_in_their_group_range() -> None:
    ranges = {"load": "RL0", "schema": "RL1", "crossfile": "RL2", "profile": "RL3", "diff": "RL4"}
    for rule in catalogue().rules:
        assert rule.code.startswith(ranges[rule.group]), (rule.code, rule.group)


def test_docs_rules_are_generated_and_current() -> None:
    folder = ROOT / "docs" / "rules"
    pages = docs_pages()
    on_disk = {p.name for p in folder.glob("*.md")} if folder.is_dir() else set()
    assert on_disk == set(pages), (
        "docs/rules/ is stale: run `python -m roster_lint.report.catalogue_view`"
    )
    for name, text in pages.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"docs/rules/{name} is stale: run `python -m roster_lint.report.catalogue_view`"
        )


def test_every_reason_name_of_the_sync_spec_is_a_rule() -> None:
    spec = SHARED / "spec" / "summit-k12-sync.md"
    if not spec.is_file():
        import pytest

        pytest.skip("../shared/spec is absent")
    text = spec.read_text(encoding="utf-8")
    # Reason names are the backticked kebab-case words in the last column of the tables.
    names = set()
    for line in text.splitlines():
        if line.startswith("| SK-"):
            last = line.rstrip(" |").rsplit("|", 1)[-1]
            names.update(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", last))
    assert len(names) >= 25
    missing = sorted(n for n in names if catalogue().get(n) is None)
    assert not missing, f"reason names without a catalogue rule: {missing}"
