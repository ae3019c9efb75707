"""The rule catalogue: one declarative entry per rule in rules/catalogue/*.toml.

Codes are an API (ruff's lesson): assigned once, never reused.  Ranges:
  RL0xx  package, archive, manifest, encoding, CSV structure, headers   (load)
  RL1xx  values inside one file: types, enums, dates, ids, statuses     (validate/schema)
  RL2xx  across files: references, duplicates, hierarchy, sessions      (validate/crossfile)
  RL3xx  the Summit K12 profile: what the sync will not do, and why     (predict)
A rule's `name` is kebab-case and names the bad pattern; for RL3xx it is the reason name
fixed by shared/spec/summit-k12-sync.md.  When two rules are merged, the code that goes is
listed under the kept rule's `retired`: it is never reused, and `explain`, `--select` and
`--ignore` redirect it to the kept rule (ruff's remapped codes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from roster_lint.paths import read_rules, rules_dir


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


REQUIRED_FIELDS = ("code", "name", "title", "severity", "source", "rationale", "fix", "sync")
CODE_RE = re.compile(r"^RL[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Example:
    """A fixture: patch operations applied to a base export (see roster_lint/examples.py)."""

    description: str
    base: str
    patch: tuple[dict[str, Any], ...]
    args: tuple[str, ...]
    previous: tuple[dict[str, Any], ...] | None
    expect: tuple[dict[str, Any], ...]
    expect_plan: tuple[dict[str, Any], ...]


# How a consequence is matched to the finding it follows from (see Link).
LINK_KEYS: dict[str, str] = {
    "cell": "the same file, line and column (the same value seen again)",
    "row": "the same file and line (a broken row and what it breaks)",
    "record": "the same file and sourcedId (the same record)",
    "column": "the same file and column (a defect that runs down the column)",
    "related": "the record the consequence points at (its related file and value) is the "
    "cause's record (its file and sourcedId)",
    "file": "the cause is about the consequence's file (a broken file or header)",
    "related-file": "the cause is about the file the consequence looked in",
    "export": "any finding of the cause's rule (with `file`: in that file; with `column`: in "
    "that column), e.g. a truncated enrollments.csv and the classes left without enrollments",
}


@dataclass(frozen=True)
class Link:
    """`follows = [{code = "RL152", on = "cell"}]` on a rule: its findings that match a
    finding of `code` on key `on` (LINK_KEYS) are consequences of it, not roots.  An
    optional `file` limits the causes to findings in that file, and `column` to findings
    in that column (`TRUE` in enrollments.csv primary, not in its status)."""

    code: str
    on: str
    file: str | None = None
    column: str | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    title: str
    severity: Severity
    source: str  # where the rule comes from: "OneRoster §5.5", "SK-A5", ...
    rationale: str
    fix: str
    sync: str  # what the Summit K12 sync does about it
    group: str  # the catalogue file it came from: load, schema, crossfile, profile
    failing: Example
    passing: Example
    aliases: tuple[str, ...] = field(default=())
    retired: tuple[str, ...] = field(default=())  # codes merged into this rule
    follows: tuple[Link, ...] = field(default=())


def _example(raw: dict[str, Any] | None, where: str) -> Example:
    if raw is None:
        raise ValueError(f"{where}: missing example")
    return Example(
        description=str(raw.get("description", "")),
        base=str(raw.get("base", "base-1.1")),
        patch=tuple(raw.get("patch", ())),
        args=tuple(raw.get("args", ())),
        previous=tuple(raw["previous"]) if "previous" in raw else None,
        expect=tuple(raw.get("expect", ())),
        expect_plan=tuple(raw.get("expect_plan", ())),
    )


def _rule(raw: dict[str, Any], group: str) -> Rule:
    where = f"rules/catalogue/{group}.toml rule {raw.get('code', '?')}"
    missing = [f for f in REQUIRED_FIELDS if not str(raw.get(f, "")).strip()]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    if not CODE_RE.match(raw["code"]) or not NAME_RE.match(raw["name"]):
        raise ValueError(f"{where}: bad code or name")
    return Rule(
        code=raw["code"],
        name=raw["name"],
        title=raw["title"],
        severity=Severity(raw["severity"]),
        source=raw["source"],
        rationale=raw["rationale"].strip(),
        fix=raw["fix"].strip(),
        sync=raw["sync"].strip(),
        group=group,
        failing=_example(raw.get("fail"), where + " fail"),
        passing=_example(raw.get("pass"), where + " pass"),
        aliases=tuple(raw.get("aliases", ())),
        retired=tuple(raw.get("retired", ())),
        follows=_links(raw.get("follows", ()), where),
    )


def _links(raw: Any, where: str) -> tuple[Link, ...]:
    if not isinstance(raw, list | tuple):
        raise ValueError(f"{where}: follows must be a list of {{code, on}}")
    out = []
    for item in raw:
        if not isinstance(item, dict) or not {"code", "on"} <= set(item) <= {
            "code",
            "on",
            "file",
            "column",
        }:
            raise ValueError(
                f"{where}: each follows entry is {{code = ..., on = ..., file?, column?}}"
            )
        if not CODE_RE.match(str(item["code"])) or item["on"] not in LINK_KEYS:
            raise ValueError(f"{where}: follows {item!r}: bad code or key ({', '.join(LINK_KEYS)})")
        out.append(Link(item["code"], item["on"], item.get("file"), item.get("column")))
    return tuple(out)


def _check_links(by_code: dict[str, Rule]) -> None:
    """Every cause named exists, and no rule follows (through others) from itself."""
    for r in by_code.values():
        for link in r.follows:
            if link.code not in by_code:
                raise ValueError(f"rule {r.code} follows {link.code}, which is not a rule")
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(code: str) -> None:
        state[code] = 1
        for link in by_code[code].follows:
            if state.get(link.code) == 1:
                raise ValueError(f"rule {code} follows {link.code}, which follows it back")
            if link.code not in state:
                visit(link.code)
        state[code] = 2

    for code in by_code:
        if code not in state:
            visit(code)


@dataclass(frozen=True)
class Catalogue:
    rules: tuple[Rule, ...]
    by_code: dict[str, Rule]  # retired codes too, each to the rule that replaced it
    by_name: dict[str, Rule]
    retired: dict[str, str] = field(default_factory=dict)  # retired code -> its rule's code

    def get(self, key: str) -> Rule | None:
        """A rule by code (any case, a retired one too) or kebab name or alias."""
        return self.by_code.get(key.upper()) or self.by_name.get(key.lower())

    def __getitem__(self, key: str) -> Rule:
        rule = self.get(key)
        if rule is None:
            raise KeyError(f"no rule {key!r} in the catalogue")
        return rule

    def suggest(self, key: str) -> str | None:
        """The closest code or name to a token that names no rule ("did you mean")."""
        import difflib

        names = [*self.by_name, *self.by_code]
        close = difflib.get_close_matches(key.lower(), [n.lower() for n in names], n=1, cutoff=0.6)
        if not close:
            return None
        return next(n for n in names if n.lower() == close[0])

    def matching(self, selector: str) -> list[Rule]:
        """Rules a --select/--ignore token names: a code, a name, or a code prefix (RL2)."""
        rule = self.get(selector)
        if rule is not None:
            return [rule]
        up = selector.upper()
        return [r for r in self.rules if r.code.startswith(up)] if up.startswith("RL") else []


@cache
def catalogue() -> Catalogue:
    rules: list[Rule] = []
    for path in sorted((rules_dir() / "catalogue").glob("*.toml")):
        raw = read_rules(path)
        rules.extend(_rule(r, path.stem) for r in raw.get("rule", []))
    rules.sort(key=lambda r: r.code)
    by_code: dict[str, Rule] = {}
    by_name: dict[str, Rule] = {}
    for r in rules:
        if r.code in by_code or r.name in by_name:
            raise ValueError(f"rule {r.code} {r.name}: code or name used twice")
        by_code[r.code] = r
        by_name[r.name] = r
        for alias in r.aliases:
            by_name[alias] = r
    retired: dict[str, str] = {}
    for r in rules:
        for old in r.retired:
            if not CODE_RE.match(old) or old in by_code:
                raise ValueError(f"rule {r.code}: retired code {old} is malformed or in use")
            by_code[old] = r
            retired[old] = r.code
    _check_links(by_code)
    return Catalogue(tuple(rules), by_code, by_name, retired)


def codes_named(tokens: list[str]) -> set[str]:
    """The rule codes --select/--ignore/severity tokens name (codes, names, prefixes)."""
    cat = catalogue()
    return {r.code for t in tokens for r in cat.matching(t)}


def kept_codes(select: list[str], ignore: list[str]) -> Callable[[str], bool]:
    """Whether --select/--ignore keep a rule code: the one resolution the findings, the rows
    output and the JUnit report's rules run share."""
    chosen, dropped = codes_named(select), codes_named(ignore)
    return lambda code: (not select or code in chosen) and code not in dropped
