"""The plan JSON writer's id screen (bytescan.is_json_plain) finds `"` and `\\` with the C
library's memchr, one read of the bytes that stops at the first, and skips the `"` search
where the least byte rules one out; views of short ids take a quick pass before the exact
count.  Whichever way it reads, the answer is the values' own (tests/validate/
test_bytescan_views.py probes every byte at every length): here, that memchr is what reads
the long ids' data buffers and the short ids' views, and that without it (no C library:
`_MEMCHR` None) the answers are the same."""

from __future__ import annotations

import ctypes
from typing import Any

import polars as pl
import pytest

from roster_lint import bytescan

UUID = "a56131c1-8d8b-4305-ad99-64b4b21db4b5"


def plain(values: list[str]) -> bool:
    return all(0x20 <= ord(c) < 0x7F and c not in '"\\' for v in values for c in v)


def long_ids(n: int) -> list[str]:
    return [f"{UUID}_{i:012d}" for i in range(n)]


def short_ids(n: int) -> list[str]:
    return [str(100000 + i) for i in range(n)]


class Recorder:
    """memchr, recording the byte searched for and how many bytes were read."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[tuple[int, int]] = []

    def __call__(self, address: int, byte: int, size: int) -> int | None:
        self.calls.append((byte, size))
        return self.real(address, byte, size)


@pytest.fixture
def memchr(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    assert bytescan._MEMCHR is not None, "a C library with memchr (Linux, macOS)"
    rec = Recorder(bytescan._MEMCHR)
    monkeypatch.setattr(bytescan, "_MEMCHR", rec)
    return rec


def test_long_ids_data_buffers_are_searched_by_memchr(memchr: Recorder) -> None:
    # ~2.5 MB of ids in the data buffers: several 1 MB blocks, every one searched for `\\`.
    values = long_ids(50_000)
    assert bytescan.is_json_plain(pl.Series(values))
    backslash = [size for byte, size in memchr.calls if byte == 0x5C]
    assert sum(backslash) >= sum(map(len, values))
    # The least byte is "-" (0x2D): no `"` can be there, none searched for.
    assert not [c for c in memchr.calls if c[0] == 0x22]


@pytest.mark.parametrize("bad", ['"', "\\"])
@pytest.mark.parametrize("at", [0, 17_000, 49_999])
def test_an_escape_in_a_long_id_is_found(memchr: Recorder, bad: str, at: int) -> None:
    values = long_ids(50_000)
    values[at] = values[at][:40] + bad + values[at][41:]
    assert not bytescan.is_json_plain(pl.Series(values))
    assert memchr.calls  # found by the search, not the range test


def test_short_ids_views_take_the_quick_pass(memchr: Recorder) -> None:
    values = short_ids(70_000)  # two passes of views (65,536 a pass)
    assert bytescan.is_json_plain(pl.Series(values))
    views = [size for byte, size in memchr.calls if byte == 0x5C]
    assert views == [65_536 * 16, (70_000 - 65_536) * 16]


@pytest.mark.parametrize("bad", ['"', "\\", "\x1f", "\x7f", "é", " ", "!"])
@pytest.mark.parametrize("at", [3, 69_999])
def test_an_escape_in_a_short_id_is_found(memchr: Recorder, bad: str, at: int) -> None:
    values = short_ids(70_000)
    values[at] = values[at][:2] + bad + values[at][3:]
    assert bytescan.is_json_plain(pl.Series(values)) == plain(values)


@pytest.mark.parametrize("bad", [None, '"', "\\", "\x00", "~", "é"])
@pytest.mark.parametrize("make", [long_ids, short_ids])
def test_without_memchr_the_answers_are_the_same(
    monkeypatch: pytest.MonkeyPatch, bad: str | None, make: Any
) -> None:
    values = make(3_000)
    if bad is not None:
        values[1_234] = values[1_234][:3] + bad + values[1_234][4:]
    s = pl.Series(values)
    with_it = bytescan.is_json_plain(s)
    monkeypatch.setattr(bytescan, "_MEMCHR", None)
    assert bytescan.is_json_plain(s) == with_it == plain(values)


def test_has_byte_reads_only_the_block_given() -> None:
    data = bytearray(b"a" * 64)
    data[40] = 0x5C
    block = bytescan._memory(ctypes.addressof(ctypes.c_char.from_buffer(data)), (64,), "|u1")
    assert bytescan._has_byte(block, 0x5C)
    assert not bytescan._has_byte(block[:40], 0x5C)
    assert not bytescan._has_byte(block[41:], 0x5C)
    assert not bytescan._has_byte(block[:0], 0x5C)
