"""The reason registry (rules/sync/reasons.toml) and the typed profile: one declaration per
reason, one condition per reason, and a clear error for an unknown or misspelt key."""

from __future__ import annotations

import tomllib

import polars as pl
import pytest

from roster_lint.catalogue import catalogue
from roster_lint.paths import rules_dir
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.profile import ProfileError, load_profile, parse_profile
from roster_lint.predict.registry import load_registry, parse_registry
from roster_lint.predict.rules import classes, courses, enrollments, schools, users


def _raw_profile() -> dict[str, object]:
    with (rules_dir() / "profiles" / "summit-k12.toml").open("rb") as fh:
        return tomllib.load(fh)


def _raw_registry() -> dict[str, object]:
    with (rules_dir() / "sync" / "reasons.toml").open("rb") as fh:
        return tomllib.load(fh)


def _inputs() -> Inputs:
    empty = pl.DataFrame()
    return Inputs("1.1", "full", empty, empty, empty, empty, empty)


def _conditions() -> dict[str, set[str]]:
    profile = load_profile()
    on = pl.lit(True)
    return {
        "school": set(schools.conditions()),
        "user": set(users.conditions(profile, _inputs())),
        "course": set(
            courses.conditions(
                classes_on=True, broken=False, has_map=True, has_prev=True, listed=on, known=on
            )
        ),
        "class": set(classes.conditions(_inputs(), True, on)),
        "enrollment": set(enrollments.conditions(_inputs(), profile, True)),
    }


@pytest.mark.parametrize("entity", ["school", "user", "course", "class", "enrollment"])
def test_one_condition_per_registered_reason(entity: str) -> None:
    """predict/rules/ holds exactly one condition per reason the registry declares for the
    entity's decision (the --previous reasons are history's)."""
    assert _conditions()[entity] == set(load_registry().names(entity))


def test_every_reason_is_a_catalogue_rule_with_its_sk_behaviour() -> None:
    reg, cat = load_registry(), catalogue()
    profile_rules = {r.name for r in cat.rules if r.group == "profile"}
    declared = {e.reason for entries in reg.entries.values() for e in entries}
    assert declared == set(reg.reasons)
    assert declared <= profile_rules
    # the rest of the RL3xx rules are findings of their own (the zip name), not actions
    assert profile_rules - declared == {"zip-name-not-accepted"}
    for name in declared:
        assert reg.sk(name).startswith(("SK-", "not documented")), name


def test_not_documented_keys_exist_in_the_profile() -> None:
    keys = set(load_profile().not_documented)
    reg = load_registry()
    named = {e.not_documented for es in reg.entries.values() for e in es if e.not_documented}
    assert named and named <= keys
    for e in (e for es in reg.entries.values() for e in es):
        if catalogue()[e.reason].source == "not documented" and e.effect != "note":
            assert e.not_documented or e.reason in {
                nd.reason for nd in load_profile().not_documented.values()
            }, e.reason


def test_why_steps_follow_the_plan_precedence() -> None:
    """A reason that decides the action earlier in the plan's precedence is never checked
    later by `why` (notes decide nothing: they come after the skips)."""
    reg = load_registry()
    for entity, info in reg.entities.items():
        order = [info.steps.index(e.step) for e in reg.of(entity) if e.step and e.effect != "note"]
        assert order == sorted(order), entity


def test_unknown_profile_key_is_an_error_at_load() -> None:
    raw = _raw_profile()
    raw["accounts"] = {**raw["accounts"], "pasword_min_length": 8}  # type: ignore[dict-item]
    with pytest.raises(ProfileError, match="accounts: unknown key 'pasword_min_length'"):
        parse_profile(raw, "summit-k12.toml")


def test_missing_or_mistyped_profile_key_is_an_error_at_load() -> None:
    raw = _raw_profile()
    acc = dict(raw["accounts"])  # type: ignore[call-overload]
    del acc["password_min_length"]
    with pytest.raises(ProfileError, match="missing key 'password_min_length'"):
        parse_profile({**raw, "accounts": acc})
    with pytest.raises(ProfileError, match="password_min_length: expected int"):
        parse_profile({**raw, "accounts": {**acc, "password_min_length": "4"}})
    with pytest.raises(ProfileError, match="unknown key 'nces_sources'"):
        parse_profile({**raw, "nces_sources": []})


def test_registry_rejects_unknown_keys_and_effects() -> None:
    raw = _raw_registry()
    users_ = [dict(e) for e in raw["user"]]  # type: ignore[attr-defined]
    users_[0]["precedance"] = 1
    with pytest.raises(ProfileError, match="unknown key 'precedance'"):
        parse_registry({**raw, "user": users_})
    users_[0].pop("precedance")
    users_[0]["effect"] = "delete"
    with pytest.raises(ProfileError, match="effect 'delete'"):
        parse_registry({**raw, "user": users_})


def test_followups_and_diff_sentences_come_from_the_registry() -> None:
    from roster_lint.diff.sync import KNOWN
    from roster_lint.predict.findings import KEPT, ROOT_RULES, SUMMARY_RULES, row_rules

    reg, profile = load_registry(), load_profile()
    kinds = {x.followup for x in reg.reasons.values() if x.followup}
    assert kinds <= set(profile.support)
    with_diff = {r for r, x in reg.reasons.items() if x.diff is not None}
    assert {r for (_, _, r) in KNOWN if r is not None} == with_diff
    assert set(ROOT_RULES) == set(reg.with_finding("root"))
    assert set(row_rules(profile)) == set(reg.with_finding("row"))
    assert set(SUMMARY_RULES) == set(reg.with_finding("counted"))
    assert set(KEPT) == {r for r in reg.names("user", "retain", stage=None)} | {
        r for k in ("class", "enrollment") for r in reg.names(k, "retain", stage=None)
    }


def test_password_length_in_the_message_is_the_profile_s() -> None:
    from dataclasses import replace

    from roster_lint.predict.findings import row_rules

    p = load_profile()
    n = p.accounts.password_min_length
    longer = replace(p, accounts=replace(p.accounts, password_min_length=n + 4))
    assert f"shorter than {n + 4} characters" in row_rules(longer)["password-too-short"][2]
    assert f"shorter than {n} characters" in row_rules(p)["password-too-short"][2]


def test_not_documented_choices_label_the_actions_they_decide() -> None:
    """Each entity's detail flags name the registry's not-documented choices of its reasons,
    and every profile choice labels some entity's actions (teacher-without-created-class,
    which keeps an account rather than deciding an action, is counted in the notes only)."""
    from roster_lint.predict.classes import class_nd, course_nd
    from roster_lint.predict.enrollments import nd_flags
    from roster_lint.predict.schools import school_nd
    from roster_lint.predict.users import user_nd

    profile = load_profile()
    flags = {
        "school": {k for k, _ in school_nd()},
        "user": {k for k, _ in user_nd()},
        "course": {k for k, _ in course_nd(True, profile)},
        "class": {k for k, _ in class_nd(profile)} | {"class-removed"},  # history's detail
        "enrollment": {k for k, _ in nd_flags()},
    }
    reg = load_registry()
    for entity, entries in reg.entries.items():
        for e in entries:
            if e.not_documented:
                assert e.not_documented in flags[entity], (entity, e.reason)
    labelled = set().union(*flags.values())
    assert set(profile.not_documented) - labelled == {"teacher-without-created-class"}


def test_history_reasons_are_the_registry_s() -> None:
    from roster_lint.predict.rules.history import GONE, MOVED

    reg = load_registry()
    history = {e.reason for es in reg.entries.values() for e in es if e.stage == "history"}
    assert set(GONE.values()) | set(MOVED.values()) == history
    for entity, name in [*GONE.items(), *MOVED.items()]:
        assert reg.entry(entity, name).stage == "history"
