"""The sync reason registry: rules/sync/reasons.toml as typed records.

Each reason is declared once there: per entity, its effect, precedence (declaration order),
`why` step, root cause and not-documented choice; per name, its SK behaviour, its finding
in `check`, its follow-up and its `diff` sentence.  The engine orders its conditions
(predict/rules/) and derives first reasons and roots from here; `why`'s steps, the
findings' columns and messages, the diff sentences and docs/sync-model.md are read from
here too.  A key the records do not know is a `ProfileError` at load time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from roster_lint.catalogue import catalogue
from roster_lint.paths import read_rules, rules_dir
from roster_lint.predict.model import ACTIONS, ENTITIES
from roster_lint.predict.profile import ProfileError, _build

EFFECTS = (
    "skip",
    "note",
    "retain",
    "transfer",
    "unenroll",
    "split",
    "needs-mapping",
    "unverified",
)
FINDINGS = ("root", "row", "counted", "file", "none")
STAGES = ("decide", "history")


@dataclass(frozen=True)
class Entry:
    """One reason of one entity."""

    reason: str
    effect: str
    step: str = ""
    root: str = ""  # "ENTITY:COLUMN" or "inherit:ENTITY"
    root_reason: str = ""  # a working column naming the root's reason
    shown_on_skip: bool = False
    not_documented: str = ""
    stage: str = "decide"

    @property
    def root_entity(self) -> str:
        return self.root.partition(":")[0]

    @property
    def root_column(self) -> str:
        return self.root.partition(":")[2]


@dataclass(frozen=True)
class Diff:
    entity: str
    will: bool
    message: str


@dataclass(frozen=True)
class Reason:
    """What people read about one reason name (its code, title, severity and SK behaviour
    are the rule catalogue's: rules/catalogue/profile.toml)."""

    finding: str
    column: str = ""
    message: str = ""
    followup: str = ""
    kept: str = ""  # what the sync keeps of a record gone from the export
    diff: Diff | None = None


@dataclass(frozen=True)
class EntitySteps:
    id: str
    steps: list[str] = field(default_factory=list)
    needs: dict[str, list[str]] = field(default_factory=dict)  # step -> files it reads


@dataclass(frozen=True)
class Registry:
    entities: dict[str, EntitySteps]
    entries: dict[str, list[Entry]]  # entity -> its reasons in precedence order
    reasons: dict[str, Reason]

    def of(self, entity: str, stage: str | None = "decide") -> list[Entry]:
        return [e for e in self.entries[entity] if stage is None or e.stage == stage]

    def entry(self, entity: str, reason: str) -> Entry:
        return next(e for e in self.entries[entity] if e.reason == reason)

    def names(self, entity: str, *effects: str, stage: str | None = "decide") -> list[str]:
        """The entity's reason names with one of `effects` (all when none), by precedence."""
        return [e.reason for e in self.of(entity, stage) if not effects or e.effect in effects]

    def steps(self, entity: str) -> list[tuple[str, tuple[str, ...]]]:
        """`why`'s steps for the entity, in the plan's order: (label, reasons that fail it)."""
        return [
            (s, tuple(e.reason for e in self.entries[entity] if e.step == s))
            for s in self.entities[entity].steps
        ]

    def sk(self, reason: str) -> str:
        """The behaviour of summit-k12-sync.md a reason traces to (the catalogue's source)."""
        return catalogue()[reason].source

    def entity_of(self, reason: str) -> str:
        """The one entity that declares `reason` (its per-row findings are about that
        entity); a ProfileError when several do."""
        found = [k for k, es in self.entries.items() if any(e.reason == reason for e in es)]
        if len(found) != 1:
            raise ProfileError(f"reasons.toml: {reason} is declared by {found}, not one entity")
        return found[0]

    def with_finding(self, *kinds: str) -> list[str]:
        return [r for r, x in self.reasons.items() if x.finding in kinds]


def _validate(reg: Registry) -> None:
    for entity, entries in reg.entries.items():
        steps = reg.entities[entity].steps
        seen: set[str] = set()
        for e in entries:
            where = f"reasons.toml [[{entity}]] {e.reason}"
            if e.reason in seen:
                raise ProfileError(f"{where}: declared twice")
            seen.add(e.reason)
            if e.effect not in EFFECTS:
                raise ProfileError(f"{where}: effect {e.effect!r} not one of {EFFECTS}")
            if e.effect not in ("note", "split") and e.effect not in ACTIONS[entity]:
                raise ProfileError(f"{where}: {entity} has no action {e.effect!r}")
            if e.stage not in STAGES:
                raise ProfileError(f"{where}: stage {e.stage!r} not one of {STAGES}")
            if e.step and e.step not in steps:
                raise ProfileError(f"{where}: step {e.step!r} is not a step of {entity}")
            if e.root and ":" not in e.root:
                raise ProfileError(f"{where}: root {e.root!r} is not ENTITY:COLUMN")
            if e.reason not in reg.reasons:
                raise ProfileError(f"{where}: no [reason.{e.reason}]")
        for step in reg.entities[entity].needs:
            if step not in steps:
                raise ProfileError(f"reasons.toml [entity.{entity}.needs]: no step {step!r}")
    for name, r in reg.reasons.items():
        if r.finding not in FINDINGS:
            raise ProfileError(f"reasons.toml [reason.{name}]: finding {r.finding!r}")
        if r.diff is not None and name not in reg.names(r.diff.entity, stage=None):
            raise ProfileError(f"reasons.toml [reason.{name}]: diff for {r.diff.entity}")


def parse_registry(raw: dict[str, Any]) -> Registry:
    raw = dict(raw)
    unknown = sorted(set(raw) - {"entity", "reason", *ENTITIES})
    if unknown:
        raise ProfileError(f"reasons.toml: unknown table {unknown[0]!r}")
    entities = {k: _build(EntitySteps, v, f"entity.{k}") for k, v in raw["entity"].items()}
    entries = {
        k: [_build(Entry, e, f"{k}[{i}]") for i, e in enumerate(raw.get(k, []))] for k in ENTITIES
    }
    reasons = {k: _build(Reason, v, f"reason.{k}") for k, v in raw["reason"].items()}
    reg = Registry(entities, entries, reasons)
    _validate(reg)
    return reg


@cache
def load_registry() -> Registry:
    return parse_registry(read_rules(rules_dir() / "sync" / "reasons.toml"))
