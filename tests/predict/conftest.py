"""Fixtures shared by the predict tests."""

from __future__ import annotations

import polars as pl
import pytest


@pytest.fixture
def joined(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The height of every frame that `DataFrame.join` is called on from here on (a spy:
    the joins still run)."""
    seen: list[int] = []
    join = pl.DataFrame.join

    def spy(self: pl.DataFrame, *a: object, **k: object) -> pl.DataFrame:
        seen.append(self.height)
        return join(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.DataFrame, "join", spy)
    return seen
