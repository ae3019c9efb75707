"""Planted defects (filled in below)."""

from __future__ import annotations

from roster_lint.synth.model import Roster


def plant(roster: Roster, seed: int, rate: float) -> Roster:
    return roster
