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


def test_sync_model_page_has_the_restate_table() -> None:
    """Each `[restate]` entry of the profile is a row: the rule, where, its severity there
    and the catalogue's, so the page says where check departs from plain OneRoster."""
    page = sync_docs.render().splitlines()
    restate = load_profile().restate
    assert restate  # the summit-k12 profile restates RL112; an empty table tests nothing
    for code, r in restate.items():
        rule = catalogue()[code]
        row = next(line for line in page if line.startswith(f"| {code} `{rule.name}` |"))
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[1:5] == [
            ", ".join(r.files),
            ", ".join(f"`{v}`" for v in r.values) if r.values is not None else "any",
            r.severity,
            rule.severity.value,
        ]


def test_no_rule_text_repeats_the_password_minimum() -> None:
    """The minimum lives in the profile alone: catalogue text names it, never its value, so
    changing it is one line there (plus regenerated docs and goldens)."""
    n = load_profile().accounts.password_min_length
    for rule in catalogue().rules:
        text = " ".join((rule.title, rule.rationale, rule.fix, rule.sync))
        if "password" in text:
            assert f"{n} characters" not in text, rule.code
