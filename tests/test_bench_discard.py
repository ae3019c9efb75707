"""The benchmark refuses to time runs whose discarded output would not be discarded: a
/dev/null that became a regular file turns every report "written to /dev/null" into
memory pages (benchmarks/run.check_discard)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.run import check_discard


def test_the_real_device_passes() -> None:
    check_discard()  # the machine's /dev/null: a character device


def test_a_regular_file_stops_the_benchmark(tmp_path: Path) -> None:
    fake = tmp_path / "null"
    fake.write_bytes(b"")
    with pytest.raises(SystemExit, match="not a character device"):
        check_discard(fake)


def test_a_fifo_stops_it_too(tmp_path: Path) -> None:
    fifo = tmp_path / "null"
    os.mkfifo(fifo)
    with pytest.raises(SystemExit, match="not a character device"):
        check_discard(fifo)


def test_a_missing_path_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="discards output there"):
        check_discard(tmp_path / "gone")
