"""Where the declarative rules live: `rules/` in a checkout, `roster_lint/_rules` in a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "oneroster" / "files.toml").is_file():
            return candidate
    raise RuntimeError("roster-lint is installed without its rules/ folder")
