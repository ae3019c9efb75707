"""The projected read (read_entry(columns=...), `plan`'s load) scans with polars' CSV
read-ahead bounded to one chunk (reader.PROJECTED_READ_AHEAD: fewer of the file's bytes
copied into memory ahead of the parse, docs/performance.md "Branch loadmem10"), for that
scan alone: the environment is as it was afterwards, a user's own setting is used as
made, and the frame is the one read without the bound."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint.findings import Findings
from roster_lint.load import reader
from roster_lint.load.source import Entry

SETTING = "POLARS_CSV_CHUNK_PREFETCH_LIMIT"
HEADER = "sourcedId,status,dateLastModified,classSourcedId,role,beginDate\n"
ROWS = "".join(f"e{i},,,c{i % 7},student,2026-08-17\n" for i in range(500))


def _entry(tmp_path: Path) -> Entry:
    path = tmp_path / "enrollments.csv"
    path.write_text(HEADER + ROWS)
    return Entry(name=path.name, path=path.name, size=path.stat().st_size, fs_path=path)


def _read_seeing(
    monkeypatch: pytest.MonkeyPatch, entry: Entry, columns: bool
) -> tuple[reader.Parsed, list[str | None]]:
    """read_entry, and the setting each streaming collect saw."""
    seen: list[str | None] = []
    collect = pl.LazyFrame.collect

    def watched(self: pl.LazyFrame, *args: Any, **kw: Any) -> Any:
        if kw.get("engine") == "streaming":
            seen.append(os.environ.get(SETTING))
        return collect(self, *args, **kw)

    monkeypatch.setattr(pl.LazyFrame, "collect", watched)
    wanted = (lambda header: [3, 4]) if columns else None
    p = reader.read_entry(entry, Findings(), wanted)
    monkeypatch.setattr(pl.LazyFrame, "collect", collect)
    return p, seen


def test_projected_scan_reads_one_chunk_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SETTING, raising=False)
    entry = _entry(tmp_path)
    p, seen = _read_seeing(monkeypatch, entry, columns=True)
    assert seen == ["1"]
    assert SETTING not in os.environ  # for that scan alone
    assert p.screened and p.df.columns == ["c0", "c3", "c4", "__line"]


def test_a_users_setting_is_used_as_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTING, "5")
    _, seen = _read_seeing(monkeypatch, _entry(tmp_path), columns=True)
    assert seen == ["5"]
    assert os.environ[SETTING] == "5"


def test_the_frame_is_the_one_read_without_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _entry(tmp_path)
    monkeypatch.delenv(SETTING, raising=False)
    bounded, _ = _read_seeing(monkeypatch, entry, columns=True)
    monkeypatch.setattr(reader, "PROJECTED_READ_AHEAD", {})
    free, seen = _read_seeing(monkeypatch, entry, columns=True)
    assert seen == [None]
    assert bounded.header == free.header and bounded.constants == free.constants
    assert bounded.df.equals(free.df)
