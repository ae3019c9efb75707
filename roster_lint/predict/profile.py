"""The Summit K12 profile, read from rules/profiles/summit-k12.toml into typed, validated
dataclasses: the engine's only source of roles, modes, NCES sources, status values, content
grades and not-documented choices.

An unknown, misspelt or missing key, or a value of the wrong type, is a `ProfileError` at
load time (naming the key), never a KeyError in the middle of a plan.
"""

from __future__ import annotations

import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from roster_lint.paths import read_rules, rules_dir


class ProfileError(ValueError):
    """The profile TOML does not match its schema (the message names the key)."""


@dataclass(frozen=True)
class NotDocumented:
    key: str
    question: str
    choice: str
    reason: str | None = None


@dataclass(frozen=True)
class Mode:
    label: str
    files: list[str]
    files_v12: list[str]  # 1.2 moves roles and schools into roles.csv
    classes: bool  # SK-P1: False = no classes, no enrollments


@dataclass(frozen=True)
class Roles:
    v11: dict[str, str]  # OneRoster role -> Summit role, for the roles that get an account
    v12: dict[str, str]


@dataclass(frozen=True)
class Accounts:
    admin_summit_role: str  # SK-A2
    student_summit_role: str  # SK-G1 reads the grades of this Summit role
    district_roles: list[str]
    district_org_types: list[str]
    school_org_types: list[str]
    primary_role_type: str
    password_min_length: int  # SK-A11


@dataclass(frozen=True)
class Nces:
    sources: list[str]  # looked for in this order (SK-A5, SK-F3)
    pattern: str
    # An NCES PSS private-school id (8 characters): accepted too, a not-documented choice.
    private_pattern: str
    district_pattern: str  # SK-X4


@dataclass(frozen=True)
class Classes:
    teacher_role: str
    student_role: str
    primary_values: list[str]
    pad_numeric_grades: bool


@dataclass(frozen=True)
class Enrollments:
    unenroll_status: str  # SK-E3
    enrolled_roles: list[str]


@dataclass(frozen=True)
class Records:
    # The status value that marks a record to be deleted; for users, schools, courses and
    # classes what it does is a not-documented choice (user-tobedeleted, record-tobedeleted).
    delete_status: str


@dataclass(frozen=True)
class Grades:
    content: list[str]  # SK-G1


@dataclass(frozen=True)
class OlderEngine:
    enabled_true: list[str]
    enabled_false: list[str]


@dataclass(frozen=True)
class Notes:
    nightly: str
    cutoff: str
    provisioning: str
    licence: str
    primary_role: str
    unverified: str


@dataclass(frozen=True)
class Restate:
    """A OneRoster rule whose advice would undo what the sync documents, in `files`: the
    profile gives its severity and its message (the advice) there (RL112: a `tobedeleted`
    enrollment in a bulk file is how Summit K12 unenrolls, SK-E3)."""

    files: list[str]
    severity: str  # error | warning | info
    message: str
    values: list[str] | None = None  # only findings whose value is one of these (exact)


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    modes: dict[str, Mode]
    roles: Roles
    accounts: Accounts
    nces: Nces
    classes: Classes
    enrollments: Enrollments
    records: Records
    grades: Grades
    older_engine: OlderEngine
    notes: Notes
    support: dict[str, str]  # follow-up kind -> what the district sends to support
    not_documented: dict[str, NotDocumented]
    missing: dict[str, str]  # file -> what the plan predicts when it is missing
    restate: dict[str, Restate] = field(default_factory=dict)  # rule code -> its reading

    def mode_files(self, mode: str, version: str | None) -> list[str]:
        m = self.modes[mode]
        return [*m.files, *(m.files_v12 if version == "1.2" else [])]

    def mode_label(self, mode: str) -> str:
        return self.modes[mode].label

    def mode_has_classes(self, mode: str) -> bool:
        return self.modes[mode].classes

    def role_map(self, version: str | None) -> dict[str, str]:
        """OneRoster role -> Summit role, for the roles that get an account."""
        return dict(self.roles.v12 if version == "1.2" else self.roles.v11)

    @property
    def content_grades(self) -> list[str]:
        return list(self.grades.content)

    def note(self, key: str) -> str:
        return str(getattr(self.notes, key))

    def support_text(self, kind: str) -> str:
        return self.support[kind]


T = TypeVar("T")


def _check(value: Any, hint: Any, where: str) -> Any:
    """`value` as `hint` (a dataclass, str, int, bool, list[..], dict[str, ..], X | None)."""
    origin = typing.get_origin(hint)
    if is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, dict):
            raise ProfileError(f"{where}: expected a table")
        return _build(hint, value, where)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        return _check(value, next(a for a in args if a is not type(None)), where)
    if origin is list:
        if not isinstance(value, list):
            raise ProfileError(f"{where}: expected a list")
        (item,) = typing.get_args(hint)
        return [_check(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ProfileError(f"{where}: expected a table")
        _, item = typing.get_args(hint)
        return {k: _check(v, item, f"{where}.{k}") for k, v in value.items()}
    ok = {str: str, int: int, bool: bool}.get(hint)
    if ok is None or not isinstance(value, ok) or (ok is int and isinstance(value, bool)):
        raise ProfileError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {value!r}")
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A record's field types, resolved once: `get_type_hints` evaluates every string
    annotation again on each call (~100 records of reasons.toml and the profile per run)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _build(cls: type[T], table: dict[str, Any], where: str) -> T:
    hints = _hints(cls)
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    unknown = sorted(set(table) - set(names))
    if unknown:
        expected = ", ".join(names)
        raise ProfileError(
            f"{where or 'top level'}: unknown key {unknown[0]!r} (expected one of {expected})"
        )
    out: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name not in table:
            if f.default is not MISSING or f.default_factory is not MISSING:  # optional
                continue
            raise ProfileError(f"{where or 'top level'}: missing key {f.name!r}")
        out[f.name] = _check(table[f.name], hints[f.name], f"{where}.{f.name}".lstrip("."))
    return cls(**out)


def parse_profile(raw: dict[str, Any], where: str = "profile") -> Profile:
    """A typed Profile from the TOML's tables (ProfileError names the bad key)."""
    raw = dict(raw)
    nd = raw.get("not_documented")
    if isinstance(nd, dict):  # keyed by choice: the key goes into the record
        raw["not_documented"] = {
            k: {"key": k, **v} if isinstance(v, dict) else v for k, v in nd.items()
        }
    try:
        profile = _build(Profile, raw, "")
    except ProfileError as exc:
        raise ProfileError(f"{where}: {exc}") from None
    for code, r in profile.restate.items():
        if r.severity not in ("error", "warning", "info"):
            raise ProfileError(f"{where}: restate.{code}.severity: expected error, warning or info")
    return profile


def read_profile(path: Path) -> Profile:
    return parse_profile(read_rules(path), path.name)


@cache
def load_profile(name: str = "summit-k12") -> Profile:
    return read_profile(rules_dir() / "profiles" / f"{name}.toml")
