"""The OneRoster file and column definitions, read from rules/oneroster/files.toml.

Everything that knows a column name (headers, schemas, references, the plan) asks here,
so the TOML stays the single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from roster_lint.paths import read_rules, rules_dir

VERSIONS = ("1.1", "1.2")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool = False
    list: bool = False
    ref: str | None = None
    enum: str | None = None
    verify: bool = False
    optional_column: bool = False


@dataclass(frozen=True)
class FileSpec:
    name: str
    entity: str
    versions: tuple[str, ...]
    rostering: bool
    verify: bool
    columns_by_version: dict[str, tuple[ColumnSpec, ...]] = field(hash=False)

    def columns(self, version: str | None) -> tuple[ColumnSpec, ...]:
        """Columns for a OneRoster version; unknown versions read as 1.1."""
        return self.columns_by_version.get(version or "1.1", self.columns_by_version["1.1"])

    def header(self, version: str | None) -> list[str]:
        return [c.name for c in self.columns(version)]

    def column(self, name: str, version: str | None) -> ColumnSpec | None:
        for col in self.columns(version):
            if col.name == name:
                return col
        return None


@dataclass(frozen=True)
class OneRosterSpec:
    files: dict[str, FileSpec]
    enums: dict[str, tuple[str, ...]]
    extensible_v12: frozenset[str]
    manifest: dict[str, list[str]]
    v10_fingerprints: dict[str, tuple[str, ...]]

    def enum_values(self, key: str) -> tuple[str, ...]:
        return self.enums[key]

    def files_for(self, version: str | None) -> list[FileSpec]:
        v = version if version in VERSIONS else "1.1"
        return [f for f in self.files.values() if v in f.versions]

    def manifest_key(self, file_name: str) -> str:
        return "file." + file_name.removesuffix(".csv")


def _columns(raw: list[dict[str, object]], enum_override: dict[str, str]) -> tuple[ColumnSpec, ...]:
    cols = []
    for c in raw:
        kw = dict(c)
        if kw["name"] in enum_override:
            kw["enum"] = enum_override[str(kw["name"])]
        cols.append(ColumnSpec(**kw))  # type: ignore[arg-type]
    return tuple(cols)


@cache
def oneroster() -> OneRosterSpec:
    raw = read_rules(rules_dir() / "oneroster" / "files.toml")
    files: dict[str, FileSpec] = {}
    for name, f in raw["file"].items():
        by_version = {"1.1": _columns(f["columns"], {})}
        by_version["1.2"] = _columns(f.get("columns_v12", f["columns"]), f.get("enum_v12", {}))
        files[name] = FileSpec(
            name=name,
            entity=f["entity"],
            versions=tuple(f["versions"]),
            rostering=bool(f.get("rostering", False)),
            verify=bool(f.get("verify", False)),
            columns_by_version=by_version,
        )
    return OneRosterSpec(
        files=files,
        enums={k: tuple(v) for k, v in raw["enums"].items()},
        extensible_v12=frozenset(raw["extensible_v12"]["enums"]),
        manifest=raw["manifest"],
        v10_fingerprints={k: tuple(v) for k, v in raw["v10_fingerprints"].items()},
    )
