"""The Summit K12 profile, read from rules/profiles/summit-k12.toml (the engine's only source
of roles, modes, NCES sources, content grades and not-documented choices)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from roster_lint.paths import rules_dir


@dataclass(frozen=True)
class NotDocumented:
    key: str
    question: str
    choice: str
    reason: str | None


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    raw: dict[str, Any]

    def mode_files(self, mode: str, version: str | None) -> list[str]:
        m = self.raw["modes"][mode]
        extra = list(m.get("files_v12", [])) if version == "1.2" else []
        return [*m["files"], *extra]

    def mode_label(self, mode: str) -> str:
        return str(self.raw["modes"][mode]["label"])

    def mode_has_classes(self, mode: str) -> bool:
        return bool(self.raw["modes"][mode]["classes"])

    def roles(self, version: str | None) -> dict[str, str]:
        """OneRoster role -> Summit role, for the roles that get an account."""
        key = "v12" if version == "1.2" else "v11"
        return dict(self.raw["roles"][key])

    @property
    def accounts(self) -> dict[str, Any]:
        return dict(self.raw["accounts"])

    @property
    def nces(self) -> dict[str, Any]:
        return dict(self.raw["nces"])

    @property
    def classes(self) -> dict[str, Any]:
        return dict(self.raw["classes"])

    @property
    def enrollments(self) -> dict[str, Any]:
        return dict(self.raw["enrollments"])

    @property
    def content_grades(self) -> list[str]:
        return list(self.raw["grades"]["content"])

    @property
    def older_engine(self) -> dict[str, Any]:
        return dict(self.raw["older_engine"])

    def note(self, key: str) -> str:
        return str(self.raw["notes"][key])

    def support(self, kind: str) -> str:
        return str(self.raw["support"][kind])

    @property
    def not_documented(self) -> dict[str, NotDocumented]:
        return {
            k: NotDocumented(k, v["question"], v["choice"], v.get("reason"))
            for k, v in self.raw["not_documented"].items()
        }


@cache
def load_profile(name: str = "summit-k12") -> Profile:
    path = rules_dir() / "profiles" / f"{name}.toml"
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return Profile(name=raw["name"], title=raw["title"], raw=raw)
