"""Streamed reports into a regular file leave the page cache behind them
(report/dropbehind.py), and a device or FIFO target is written into, never replaced
(report/files.py)."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

import pytest

from roster_lint.report import dropbehind
from roster_lint.report.files import write_atomic_stream
from roster_lint.report.outputs import _stream_to_stdout

PAGE = 4096
DATA = bytes(range(256)) * 800  # 200 KB: 50 blocks of 4 KB


def _record(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int]]:
    """Small blocks, and every piece of advice recorded (offset, length, advice)."""
    monkeypatch.setattr(dropbehind, "BLOCK", 4 * PAGE)
    monkeypatch.setattr(dropbehind, "LAG", 8 * PAGE)
    calls: list[tuple[int, int, int]] = []
    real = os.posix_fadvise

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        calls.append((offset, length, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", advise)
    return calls


def _in_pieces(fh: BinaryIO) -> None:
    for i in range(0, len(DATA), 3000):  # pieces that do not fall on block bounds
        fh.write(DATA[i : i + 3000])


def _check_advice(calls: list[tuple[int, int, int]], start: int, size: int) -> None:
    """Writeback asked for front to back without a gap (each call from where the last
    ended); pages dropped front to back, each drop ending LAG behind the writeback."""
    assert all(a == os.POSIX_FADV_DONTNEED for _, _, a in calls)
    back = dropped = start  # writeback asked up to, dropped up to
    for offset, length, _ in calls:
        if offset == back:  # writeback of what was written since the last advice
            back += length
        else:
            assert offset == dropped
            dropped += length
            assert dropped <= back - dropbehind.LAG
    assert back >= start + size - dropbehind.BLOCK  # all but the last block's bytes
    assert dropped > start  # some pages dropped
    assert back <= start + size


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise")
def test_stdout_to_a_file_is_advised_and_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = _record(monkeypatch)
    target = tmp_path / "plan.json"
    with open(target, "wb") as raw, monkeypatch.context() as m:
        m.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8"))
        _stream_to_stdout(_in_pieces)
        sys.stdout.flush()
    assert target.read_bytes() == DATA
    _check_advice(calls, 0, len(DATA))


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise")
def test_output_file_is_advised_and_whole(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = _record(monkeypatch)
    target = tmp_path / "plan.json"
    write_atomic_stream(target, _in_pieces, "--output json:plan.json")
    assert target.read_bytes() == DATA
    _check_advice(calls, 0, len(DATA))


def test_no_advice_where_there_is_no_regular_file(tmp_path: Path) -> None:
    buf = io.BytesIO()
    assert dropbehind.drop_behind(buf) is buf
    r, w = os.pipe()
    with os.fdopen(r, "rb") as reader, os.fdopen(w, "wb") as writer:
        assert dropbehind.drop_behind(writer) is writer
        _ = reader
    with open(tmp_path / "f", "wb") as fh:
        wrapped = dropbehind.drop_behind(fh)
        assert wrapped is not fh
        wrapped.write(b"abc")
        wrapped.flush()
    assert (tmp_path / "f").read_bytes() == b"abc"


def test_advice_starts_where_the_file_already_ends(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """stdout appended to (`>> file`): the pages before the run's own bytes are not its."""
    calls = _record(monkeypatch)
    target = tmp_path / "log"
    target.write_bytes(b"x" * 10 * PAGE)
    with open(target, "ab") as fh:
        _in_pieces(dropbehind.drop_behind(fh))
    assert target.read_bytes() == b"x" * 10 * PAGE + DATA
    _check_advice(calls, 10 * PAGE, len(DATA))


def _small(fh: BinaryIO) -> None:
    fh.write(b"plan")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_target_is_written_into_not_replaced(tmp_path: Path) -> None:
    """As root, `--output json:/dev/null` renamed a finished file over /dev/null."""
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer open it
    try:
        write_atomic_stream(fifo, _small, "--output json:out")
        assert stat.S_ISFIFO(fifo.stat().st_mode)
        assert os.read(reader, 100) == b"plan"
        assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary file left
    finally:
        os.close(reader)


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise")
def test_a_seek_starts_the_advice_over(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A writer that goes back (a file format's header or footer): the bytes are right
    and the advice after it runs from the new place."""
    calls = _record(monkeypatch)
    target = tmp_path / "f"
    with open(target, "wb") as fh:
        wrapped = dropbehind.drop_behind(fh)
        _in_pieces(wrapped)
        assert wrapped.seek(PAGE) == PAGE
        before = len(calls)
        _in_pieces(wrapped)
    assert target.read_bytes() == DATA[:PAGE] + DATA
    _check_advice(calls[before:], PAGE, len(DATA))
