"""The next day's export (filled in below)."""

from __future__ import annotations

from roster_lint.synth.model import Roster


def next_day(roster: Roster, seed: int) -> Roster:
    return roster
