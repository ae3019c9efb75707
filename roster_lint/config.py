"""Configuration: roster-lint.toml or [tool.roster-lint] in pyproject.toml (placeholder)."""

from __future__ import annotations

from roster_lint.api import Options


def options_from_config(path: str | None) -> Options:
    """Options from the config file (searched upward when `path` is None)."""
    return Options()
