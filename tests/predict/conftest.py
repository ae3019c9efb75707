"""Fixtures shared by the predict tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def slices_of(frame: pl.DataFrame, into: list[tuple[int, int]]) -> Iterator[None]:
    """While inside, every `DataFrame.slice` of `frame` (that very frame) is recorded in
    `into` as (offset, length); the slices are still made."""
    cut = pl.DataFrame.slice

    def watched(self: pl.DataFrame, offset: int, length: int | None = None) -> pl.DataFrame:
        if self is frame:
            into.append((offset, length or 0))
        return cut(self, offset, length)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(pl.DataFrame, "slice", watched)
        yield
