"""The fast path's byte count (reader._count_bytes) against bytes.count, chunk by chunk."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster_lint.load import reader
from roster_lint.load.source import Entry

# Bytes the count looks for, mixed with ones it must not count.
SOME_BYTES = st.binary(max_size=600).map(lambda b: b.translate(bytes(range(256))[::-1]))
PIECES = st.lists(
    st.sampled_from([b'"', b"\n", b"\x00", b"\r", b",", b"a", b"\xff", b'""']) | SOME_BYTES,
    max_size=80,
)


def _entry(path: Path) -> Entry:
    return Entry(name=path.name, path=path.name, size=path.stat().st_size, fs_path=path)


def _expected(data: bytes) -> tuple[int, int, int]:
    return data.count(b'"'), data.count(b"\n"), data.count(b"\x00")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pieces=PIECES, chunk=st.sampled_from([4096, 8192]))
def test_count_equals_bytes_count_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: list[bytes], chunk: int
) -> None:
    # Small chunks: a file of several chunks and a short last one, whose stale tail of the
    # reused buffer must not be counted.
    data = b"".join(pieces) * 13
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    monkeypatch.setattr(reader, "CHUNK_BYTES", chunk)
    assert reader._count_bytes(_entry(path)) == _expected(data)


def test_stale_bytes_of_the_buffer_are_not_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first chunk is all quotes, the short last one has none: counting the buffer's
    # whole length would count the first chunk's quotes again.
    data = b'"' * 4096 + b"a\n"
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    monkeypatch.setattr(reader, "CHUNK_BYTES", 4096)
    assert reader._count_bytes(_entry(path)) == (4096, 1, 0)


@pytest.mark.parametrize("size", [4096, 8 * 1024**2, 5000])
def test_buffer_starts_on_a_page(size: int) -> None:
    for _ in range(3):
        buf = reader._page_aligned(size)
        assert buf.size == size and buf.flags.writeable and buf.flags.c_contiguous
        assert buf.ctypes.data % reader.PAGE == 0
