"""Where the declarative rules live: `rules/` in a checkout, `roster_lint/_rules` in a wheel;
and how their TOML files are read (`read_rules`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any


@cache
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "oneroster" / "files.toml").is_file():
            return candidate
    raise RuntimeError("roster-lint is installed without its rules/ folder")


def read_rules(path: Path) -> dict[str, Any]:
    """The TOML file `path` (of rules/), parsed.  tomllib is imported here, not at import:
    `--help` and `--version` read no rule.

    Not cached: a cache of the parse beside rules/ (as Python keeps bytecode) saved ~0.035
    s of CPU a run, but roster-lint writes nothing outside the paths its user gives, and an
    install leaves no such cache (docs/performance.md, branch startup11)."""
    import tomllib

    with path.open("rb") as fh:
        return tomllib.load(fh)
