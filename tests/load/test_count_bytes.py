"""reader._count_bytes maps the file a window at a time: its counts of quotes, newlines
and NUL bytes must be those of the bytes themselves (and of the read() path it replaced,
kept as the fallback), at every window boundary."""

from __future__ import annotations

import mmap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster_lint.load import reader
from roster_lint.load.source import Entry

PAGE = mmap.ALLOCATIONGRANULARITY
BYTES = st.sampled_from([b'"', b"\n", b"\x00", b"a", b",", b"\r", "é".encode()])


def _expected(data: bytes) -> tuple[int, int, int]:
    return data.count(b'"'), data.count(b"\n"), data.count(b"\x00")


def _entry(path: Path) -> Entry:
    return Entry(name=path.name, path=path.name, size=path.stat().st_size, fs_path=path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pieces=st.lists(st.tuples(BYTES, st.integers(1, PAGE)), max_size=12),
)
def test_counts_across_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: list[tuple[bytes, int]]
) -> None:
    monkeypatch.setattr(reader, "WINDOW_BYTES", PAGE)  # windows of one page: many boundaries
    data = b"".join(b * n for b, n in pieces)
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert reader._count_bytes(_entry(path)) == _expected(data)
    with path.open("rb", buffering=0) as fh:
        assert reader._count_read(fh) == _expected(data)


def test_counts_at_the_default_window(tmp_path: Path) -> None:
    data = (b'"a","b"\n' * (reader.WINDOW_BYTES // 8 + 3)) + b"\x00"
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert reader._count_bytes(_entry(path)) == _expected(data)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"")
    assert reader._count_bytes(_entry(path)) == (0, 0, 0)
