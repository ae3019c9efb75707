"""Fixtures shared by the report tests."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint.predict import model


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The heights of the frames made_reasons is called with."""
    seen: list[int] = []
    real = model.made_reasons

    def recording(frame: pl.DataFrame, keys: model.ReasonKeys) -> pl.DataFrame:
        seen.append(frame.height)
        return real(frame, keys)

    monkeypatch.setattr(model, "made_reasons", recording)
    return seen
