"""docs/sync-model.md is generated from the registry, the profile and the catalogue."""

from __future__ import annotations

from roster_lint.catalogue import catalogue
from roster_lint.predict import sync_docs
from roster_lint.predict.profile import load_profile


def test_sync_model_page_is_not_stale() -> None:
    assert sync_docs.PAGE.read_text(encoding="utf-8") == sync_docs.render(), (
        "docs/sync-model.md is stale: run `python -m roster_lint.predict.sync_docs`"
    )


def test_sync_model_page_names_every_reason_and_profile_value() -> None:
    page = sync_docs.render()
    n = load_profile().accounts.password_min_length
    assert f"| password minimum length (SK-A11) | {n} | `[accounts]` |" in page
    assert "| 2 | `user-tobedeleted` | RL333 | not documented: `user-tobedeleted` | skip |" in page


def test_no_rule_text_repeats_the_password_minimum() -> None:
    """The minimum lives in the profile alone: catalogue text names it, never its value, so
    changing it is one line there (plus regenerated docs and goldens)."""
    n = load_profile().accounts.password_min_length
    for rule in catalogue().rules:
        text = " ".join((rule.title, rule.rationale, rule.fix, rule.sync))
        if "password" in text:
            assert f"{n} characters" not in text, rule.code
