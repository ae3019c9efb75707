"""The thresholds that decide when a change looks like a broken export.

Read from the profile options (`opts.profile["diff"]`, i.e. a `[diff]` table in the config)
and overridden by `roster-lint diff --max-shrink`.  Documented in docs/diff.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roster_lint.errors import UsageError

DEFAULTS: dict[str, float | int] = {
    # A bulk file that loses more than this share of its rows is suspicious (§11 #21).
    "max_shrink": 0.2,
    # Below this many previous rows a percentage means little (a district closing one of
    # four schools); a file emptied to its header is reported whatever its size.
    "min_rows": 10,
    # When at least this share of a file's previous records reappear under the same
    # natural key (username, title...) but a new sourcedId, the id scheme changed.
    "id_scheme_share": 0.5,
}


@dataclass(frozen=True)
class DiffSettings:
    max_shrink: float = 0.2
    min_rows: int = 10
    id_scheme_share: float = 0.5


def _share(key: str, raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise UsageError(f"diff {key} must be a number between 0 and 1, not {raw!r}") from None
    if not 0.0 < value < 1.0:
        raise UsageError(f"diff {key} must be between 0 and 1 (exclusive), not {raw!r}")
    return value


def settings_from(profile: dict[str, Any]) -> DiffSettings:
    """Settings from `opts.profile`; a bad value is a UsageError (exit 2), never a crash."""
    raw = profile.get("diff", {}) or {}
    if not isinstance(raw, dict):
        raise UsageError("the [diff] config section must be a table")
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise UsageError(f"unknown [diff] option {unknown[0]!r} (known: {', '.join(DEFAULTS)})")
    min_rows = raw.get("min_rows", DEFAULTS["min_rows"])
    if isinstance(min_rows, bool) or not isinstance(min_rows, int) or min_rows < 0:
        raise UsageError(f"diff min_rows must be a whole number >= 0, not {min_rows!r}")
    return DiffSettings(
        max_shrink=_share("max_shrink", raw.get("max_shrink", DEFAULTS["max_shrink"])),
        min_rows=min_rows,
        id_scheme_share=_share(
            "id_scheme_share", raw.get("id_scheme_share", DEFAULTS["id_scheme_share"])
        ),
    )
