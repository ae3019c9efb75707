"""A byte-level screen for text columns: which chunks may hold a capital or a space.

Core (tests/test_layers.py): validate screens text with it, report/ proves ids need no JSON
escaping (plan_json).

`str.contains(r"[\\p{Lu}\\p{Lt}\\s]")` walks every byte of millions of enrollment ids on one
core, and no polars primitive tells case faster.  But the ids almost never hold a
capital, a space or a non-ASCII byte, and whether a whole chunk's bytes do is a couple of
numpy reductions over the column's own buffers (read in place through the Arrow C stream
polars exports: no copy), several times cheaper (docs/performance.md).

The screen is a superset: a byte that is an ASCII capital, at most 32 (every ASCII space
and control) or non-ASCII (every other capital, title-case letter or space) marks its
chunk, and so may bytes no row uses (a data buffer is read whole).  Callers run the exact
expression on the marked chunks' rows only, so the result is the exact one.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl


class _Schema(ctypes.Structure):
    pass


class _Array(ctypes.Structure):
    pass


class _Stream(ctypes.Structure):
    pass


# The Arrow C data and stream interfaces (arrow.apache.org/docs/format/CDataInterface.html).
_Schema._fields_ = [
    ("format", ctypes.c_char_p),
    ("name", ctypes.c_char_p),
    ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_Schema))),
    ("private_data", ctypes.c_void_p),
]
_Array._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_Array))),
    ("private_data", ctypes.c_void_p),
]
_Stream._fields_ = [
    (
        "get_schema",
        ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_Stream), ctypes.POINTER(_Schema)),
    ),
    ("get_next", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_Stream), ctypes.POINTER(_Array))),
    ("get_last_error", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_Stream))),
    ("private_data", ctypes.c_void_p),
]

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

UTF8_VIEW = b"vu"  # how polars exports String: 16-byte views into shared data buffers
INLINE = 12  # a view holds a string of at most 12 bytes itself, after its 4-byte length
VIEW = 16  # bytes per view
BLOCK = 1 << 20  # bytes per numpy pass: its temporaries stay in the CPU's cache


class _Memory:
    """Memory polars owns, seen by numpy in place (kept alive by the Series)."""

    def __init__(self, address: int, shape: tuple[int, ...], typestr: str) -> None:
        self.__array_interface__ = {
            "data": (address, True),
            "shape": shape,
            "typestr": typestr,
            "version": 3,
        }


def _memory(address: int, shape: tuple[int, ...], typestr: str) -> np.ndarray[Any, Any]:
    return np.asarray(_Memory(address, shape, typestr))


def _libc_memchr() -> Callable[[int, int, int], int | None] | None:
    try:
        memchr = ctypes.CDLL(None).memchr
    except (AttributeError, OSError, TypeError):  # no C library to look in (Windows)
        return None
    memchr.restype = ctypes.c_void_p
    memchr.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    return memchr


_MEMCHR = _libc_memchr()


def _has_byte(block: np.ndarray[Any, Any], byte: int) -> bool:
    """True if the contiguous bytes of `block` hold `byte`: the C library's memchr, which
    reads them once and stops at the first, where numpy's `block == byte` writes a mask
    and counts it (is_json_plain of the Excel 1M plan's 8.7M ids, 0.6 GB: 0.23 → 0.15 s
    CPU, docs/performance.md "Branch planjson11").  numpy where there is no C library."""
    if _MEMCHR is None or not block.flags.c_contiguous:
        return bool(np.count_nonzero(block == byte))
    return block.size > 0 and _MEMCHR(block.ctypes.data, byte, block.size) is not None


def _marked(data: np.ndarray[Any, Any]) -> bool:
    """True if any byte is an ASCII capital, at most 32 (spaces, controls) or non-ASCII."""
    size = min(BLOCK, data.size)
    low = np.empty(size, np.uint8)
    for start in range(0, data.size, BLOCK):
        block = data[start : start + BLOCK]
        if block.max() >= 0x80 or block.min() <= 0x20:
            return True
        n = block.size
        # Wraps below "A": a byte within A-Z is one below 26 (a reduction, no mask written).
        np.subtract(block, ord("A"), out=low[:n])
        if low[:n].min() < 26:
            return True
    return False


INLINE_ROWS = 1 << 16  # views per numpy pass (1 MiB of views)


Count = Callable[[np.ndarray[Any, Any], np.ndarray[Any, Any]], int]


def _count_marked(block: np.ndarray[Any, Any], tmp: np.ndarray[Any, Any]) -> int:
    """How many bytes of `block` `_marked` marks (`tmp`: scratch of the block's shape)."""
    # Wraps below "!": at most a space (padding too), or non-ASCII, is 0x5F or more.
    np.subtract(block, 0x21, out=tmp)
    marked = int(np.count_nonzero(tmp >= 0x5F))
    np.subtract(block, ord("A"), out=tmp)
    return marked + int(np.count_nonzero(tmp < 26))  # A-Z


def _count_unplain(block: np.ndarray[Any, Any], tmp: np.ndarray[Any, Any]) -> int:
    """How many bytes of `block` `_unplain` marks."""
    # Wraps below " ": a control (padding too), DEL or non-ASCII is 0x5F or more.
    np.subtract(block, 0x20, out=tmp)
    return int(np.count_nonzero(tmp >= 0x5F))


def _count_control(block: np.ndarray[Any, Any], tmp: np.ndarray[Any, Any]) -> int:
    """How many bytes of `block` `_control` marks."""
    np.subtract(block, 0x20, out=tmp)  # wraps below " ": a control (padding too) is 0xE0+
    return int(np.count_nonzero(tmp >= 0xE0)) + int(np.count_nonzero(block == 0x7F))


def _count_quiet(block: np.ndarray[Any, Any], tmp: np.ndarray[Any, Any]) -> int:
    """How many bytes of `block` `_quiet` marks."""
    # Wraps below "!": a space, a control, DEL or non-ASCII is 0x5E or more.
    np.subtract(block, 0x21, out=tmp)
    return int(np.count_nonzero(tmp >= 0x5E)) + int(np.count_nonzero(block == ord("+")))


def _quick_quiet(block: np.ndarray[Any, Any], pad: int) -> bool:
    """True when `block` (whole views, `pad` of their bytes lengths and zero padding, no
    long view among them) certainly holds no byte `_quiet` marks, in two cheap passes
    instead of `_count_quiet`'s three: below DEL, every marked byte is at most "+" (0x2B),
    so when the bytes up to "+" are the padding alone there is none (a "!".."*" byte sends
    the block to the exact count)."""
    return bool(block.max() < 0x7F) and int(np.count_nonzero(block <= 0x2B)) == pad


def _count_json_escaped(block: np.ndarray[Any, Any], tmp: np.ndarray[Any, Any]) -> int:
    """How many bytes of `block` `_json_escaped` marks."""
    quotes = int(np.count_nonzero(block == ord('"'))) + int(np.count_nonzero(block == ord("\\")))
    return _count_unplain(block, tmp) + quotes


def _quick_json(block: np.ndarray[Any, Any], pad: int) -> bool:
    """True when `block` (as `_quick_quiet`'s) certainly holds no byte `_json_escaped`
    marks: a max, one comparison and a memchr instead of `_count_json_escaped`'s
    subtraction and three comparisons.  Below DEL the marked bytes are a control or `"`
    (at most 0x22, as the padding is: a space or "!" there sends the block to the exact
    count) and `\\` (never padding: a short view's length bytes are at most 12)."""
    return (
        bool(block.max() < 0x7F)
        and int(np.count_nonzero(block <= 0x22)) == pad
        and not _has_byte(block, 0x5C)
    )


def _inline_marked(
    views: np.ndarray[Any, Any], lengths: np.ndarray[Any, Any], count: Count = _count_marked
) -> bool:
    """A byte test on the strings views hold themselves, `count` counting the bytes it
    marks.  `views`: each view's 16 bytes whole (its 4-byte length, then up to 12 bytes of
    string), contiguous: numpy's passes over the 12-byte slices of them were strided, and
    several times slower.  A short view's length (0..12 little-endian: four bytes of at
    most 12) and Arrow's zero padding past its string are bytes every test here marks: so
    a pass marks a real byte exactly when it counts more marked bytes than those.  The
    views of longer strings (a prefix and where the rest is: their bytes are screened in
    the data buffers) are counted apart and taken off.  Counting in place spares copying
    the bytes with their padding replaced (5x less CPU on 7M short numeric ids)."""
    size = min(INLINE_ROWS, views.shape[0])
    tmp = np.empty((size, VIEW), np.uint8)
    for start in range(0, views.shape[0], INLINE_ROWS):
        block = views[start : start + INLINE_ROWS]
        rows = block.shape[0]
        lens = lengths[start : start + INLINE_ROWS]
        long = lens > INLINE
        n_long = int(np.count_nonzero(long))
        # Per short view: 4 length bytes and 12 - length zeros; a long view: none.
        pad = rows * VIEW - int(np.minimum(lens, INLINE).sum()) - (VIEW - INLINE) * n_long
        quick = _QUICK.get(count)
        if quick is not None and not n_long and quick(block, pad):
            continue
        marked = count(block, tmp[:rows])
        if n_long:
            views_long = block[long]
            marked -= count(views_long, np.empty_like(views_long))
        if marked > pad:
            return True
    return False


def any_block(data: np.ndarray[Any, Any], marks: Callable[[np.ndarray[Any, Any]], bool]) -> bool:
    """True if `marks` holds for any BLOCK-sized slice of `data`: a byte test's loop, which
    stops at the first marked block."""
    return any(marks(data[start : start + BLOCK]) for start in range(0, data.size, BLOCK))


def _control(data: np.ndarray[Any, Any]) -> bool:
    """True if any byte is an ASCII control (below 32: tab, CR, LF included) or DEL."""
    return any_block(data, lambda b: bool(b.min() < 0x20 or np.count_nonzero(b == 0x7F)))


def _unplain(data: np.ndarray[Any, Any]) -> bool:
    """True if any byte is not printable ASCII (a control, DEL or a non-ASCII byte)."""
    return any_block(data, lambda b: bool(b.min() < 0x20 or b.max() >= 0x7F))


def _quiet_block(b: np.ndarray[Any, Any]) -> bool:
    low = b.min()
    if low <= 0x20 or b.max() >= 0x7F:
        return True
    # A "+" (0x2B) is there only if the least byte is at most "+": ids ("-", digits,
    # letters, "_") skip the comparison pass, the costliest of the three.
    return bool(low <= 0x2B and np.count_nonzero(b == 0x2B))


def _quiet(data: np.ndarray[Any, Any]) -> bool:
    """True if any byte is not printable ASCII, or is a space or a plus."""
    return any_block(data, _quiet_block)


def calm(data: np.ndarray[Any, Any]) -> bool:
    """True if any byte is one `_marked` or `_quiet` marks (a capital A-Z, at most a space,
    DEL or non-ASCII, a plus): one pass answering both screens' questions on a column
    (validate.bytefacts: RL211's and the schema's), each a superset of the other's.  As
    `_marked`, with the plus test where the least byte allows one (not in UUIDs)."""
    size = min(BLOCK, data.size)
    low = np.empty(size, np.uint8)
    for start in range(0, data.size, BLOCK):
        block = data[start : start + BLOCK]
        least, most = block.min(), block.max()
        if least <= 0x20 or most >= 0x7F:
            return True
        if least <= 0x2B and np.count_nonzero(block == 0x2B):
            return True
        if least > 0x5A or most < 0x41:  # no byte within A-Z: spares the last pass
            continue
        n = block.size
        # Wraps below "A": a byte within A-Z is one below 26 (a reduction, no mask written).
        np.subtract(block, ord("A"), out=low[:n])
        if low[:n].min() < 26:
            return True
    return False


def _count_calm(block: np.ndarray[Any, Any], tmp: np.ndarray[Any, Any]) -> int:
    """How many bytes of `block` `calm` marks."""
    marked = _count_quiet(block, tmp)
    np.subtract(block, ord("A"), out=tmp)
    return marked + int(np.count_nonzero(tmp < 26))  # A-Z


def _json_escaped_block(block: np.ndarray[Any, Any]) -> bool:
    least = block.min()
    if least < 0x20 or block.max() >= 0x7F:
        return True
    # A `"` (0x22) only where the least byte allows one (ids: "-", 0x2D, and up).
    return (least <= 0x22 and _has_byte(block, 0x22)) or _has_byte(block, 0x5C)


def _json_escaped(data: np.ndarray[Any, Any]) -> bool:
    """True if any byte is one JSON escapes or may escape: not printable ASCII, `"` or `\\`."""
    return any_block(data, _json_escaped_block)


ByteTest = Callable[[np.ndarray[Any, Any]], bool]
# Each test's count of the bytes it marks, for the strings held in their views: every test
# marks a zero byte, so `_inline_marked` can tell real bytes from the views' padding.  A
# test without one (a caller's own) takes the copying path.
_COUNTS: dict[ByteTest, Count] = {
    _marked: _count_marked,
    _unplain: _count_unplain,
    _control: _count_control,
    _json_escaped: _count_json_escaped,
    _quiet: _count_quiet,
    calm: _count_calm,
}
# Optional quick passes before a count (`_inline_marked`): True only when the block holds
# no marked byte beside the views' padding.
_QUICK: dict[Count, Callable[[np.ndarray[Any, Any], int], bool]] = {
    _count_quiet: _quick_quiet,
    _count_json_escaped: _quick_json,
}


def _chunk_marked(array: _Array, seen: dict[tuple[int, int], bool], test: ByteTest) -> bool:
    n, offset, n_buffers = array.length, array.offset, array.n_buffers
    if n == 0:
        return False
    views = array.buffers[1]
    lengths = _memory(views, (offset + n, 4), "<i4")[offset:, 0]
    long = int(np.count_nonzero(lengths > INLINE))
    count = _COUNTS.get(test)
    if count is not None and long * 4 <= n:  # mostly short strings (numeric ids): in place
        if _inline_marked(_memory(views, (offset + n, VIEW), "|u1")[offset:], lengths, count):
            return True
    elif long < n:  # short strings live in the views themselves
        short = lengths <= INLINE
        inline = _memory(views, (offset + n, 16), "|u1")[offset:][short, 4:]
        # Past its length a view is padded with zeros: read those as a plain "a".
        used = np.arange(INLINE) < lengths[short][:, None]
        if test(np.where(used, inline, ord("a")).astype(np.uint8).ravel()):
            return True
    # buffers: validity, views, the data buffers, then the data buffers' sizes (int64)
    n_data = n_buffers - 3
    if n_data <= 0:
        return False
    sizes = _memory(array.buffers[n_buffers - 1], (n_data,), "<i8")
    for i in range(n_data):
        key = (int(array.buffers[2 + i] or 0), int(sizes[i]))
        if key not in seen:  # chunks of one column often share their data buffers
            seen[key] = key[0] != 0 and key[1] > 0 and test(_memory(key[0], (key[1],), "|u1"))
        if seen[key]:
            return True
    return False


def may_hold_control(s: pl.Series) -> bool:
    """False only when no value of `s` (a String Series) certainly holds an ASCII control
    character or DEL: the blind spot of the text screen, found here in one byte pass."""
    ranges = marked_rows(s, _control, first=True)
    return ranges is None or bool(ranges)


def is_plain(s: pl.Series) -> bool:
    """True only when every value of `s` (a String Series) is certainly printable ASCII:
    then no text-hygiene check can fire on it and every screen is exact there, so the
    schema runner skips the column's text screen (checks.text_screen: a pass over every
    byte).  One byte pass that stops at the first marked chunk."""
    return marked_rows(s, _unplain, first=True) == []


def is_quiet(s: pl.Series) -> bool:
    """True only when every value of `s` (a String Series) is certainly printable ASCII
    without a space or a plus: then, besides every text-hygiene check, no check screened
    by a space or by Excel's "E+" can fire on it (validate.schema.checks.SPACE_SCREENS), so
    the schema runner skips them.  One byte pass that stops at the first marked chunk."""
    return marked_rows(s, _quiet, first=True) == []


def is_json_plain(s: pl.Series) -> bool:
    """True only when every value of `s` (a String Series) is certainly printable ASCII
    without `"` or `\\`: written between quotes as it is, it is the JSON string json.dumps
    writes (nothing to escape).  False for a column with nulls (JSON's null is no string).
    One byte pass that stops at the first marked chunk."""
    return s.null_count() == 0 and marked_rows(s, _json_escaped, first=True) == []


def marked_rows(
    s: pl.Series, test: ByteTest = _marked, first: bool = False
) -> list[tuple[int, int]] | None:
    """(offset, length) of the row ranges of `s` (a String Series) whose bytes may hold a
    capital, a space or a non-ASCII character (or what `test` marks); rows outside them
    certainly hold none.  None when the column is not exported as Arrow UTF-8 views
    (screen it otherwise).  `first`: stop at the first marked range (for callers that ask
    only whether there is one: the rest of the column is not read)."""
    seen: dict[tuple[int, int], bool] = {}
    ranges: list[tuple[int, int]] = []
    row = 0

    def visit(array: _Array) -> bool:
        nonlocal row
        if _chunk_marked(array, seen, test):
            ranges.append((row, array.length))
            if first:
                return True
        row += array.length
        return False

    return None if _each_chunk(s, visit) is None else ranges


def fingerprint(s: pl.Series) -> tuple[tuple[int, ...], ...] | None:
    """Where `s` (a String Series) lives: per chunk its length, offset and every buffer's
    address and the data buffers' sizes, read from the Arrow C stream (no byte of data).
    Two Series with one fingerprint, while the first is alive (its buffers cannot be
    reused), are views of the same bytes: a byte fact of one holds for the other.  A
    filtered, sliced or rebuilt column has other views or another offset or length.  None
    when `s` is not exported as Arrow UTF-8 views."""
    chunks: list[tuple[int, ...]] = []

    def visit(array: _Array) -> bool:
        n_buffers = array.n_buffers
        buffers = tuple(int(array.buffers[i] or 0) for i in range(n_buffers))
        n_data = n_buffers - 3
        sizes: tuple[int, ...] = ()
        if n_data > 0:
            sizes = tuple(int(x) for x in _memory(buffers[-1], (n_data,), "<i8"))
        # The last buffer (the sizes) is allocated anew by each export: its values count.
        chunks.append((array.length, array.offset, array.null_count, *buffers[:-1], *sizes))
        return False

    return None if _each_chunk(s, visit) is None else tuple(chunks)


def may_start_short(s: pl.Series, byte: int, longest: int) -> bool:
    """False only when no value of `s` (a String Series) of 1 to `longest` bytes starts
    with `byte` (the leading-zero gate's question: validate.schema.checks), read from the
    views alone: a view holds its string's length, then its first bytes whether the
    string is short or long, so no data buffer is read.  True where unsure (not views);
    a null slot's view is read like a value's (a superset)."""

    def visit(array: _Array) -> bool:
        n, offset = array.length, array.offset
        if n == 0:
            return False
        lengths = _memory(array.buffers[1], (offset + n, 4), "<i4")[offset:, 0]
        if lengths.min() > longest:  # long ids (UUIDs): one strided pass
            return False
        views = _memory(array.buffers[1], (offset + n, VIEW), "|u1")[offset:]
        starts = views[:, 4] == byte
        if not starts.any():  # short ids without a leading zero: one more
            return False
        return bool(np.count_nonzero(starts & (lengths >= 1) & (lengths <= longest)))

    return _each_chunk(s, visit) is not False


def _each_chunk(s: pl.Series, visit: Callable[[_Array], bool]) -> bool | None:
    """`visit` each chunk of `s` as an Arrow array, in order, until it returns True (then
    True; False once every chunk is visited).  None when `s` is not exported as Arrow UTF-8
    views.  The arrays are polars' own memory, read in place through the Arrow C stream."""
    capsule = s.__arrow_c_stream__()
    stream = ctypes.cast(_capsule_pointer(capsule, b"arrow_array_stream"), ctypes.POINTER(_Stream))
    try:
        schema = _Schema()
        if stream.contents.get_schema(stream, ctypes.byref(schema)) != 0:
            return None
        fmt = schema.format
        schema.release(ctypes.byref(schema))
        if fmt != UTF8_VIEW:
            return None
        while True:
            array = _Array()
            if stream.contents.get_next(stream, ctypes.byref(array)) != 0:
                return None
            if not array.release:  # the end of the stream
                return False
            try:
                if visit(array):
                    return True
            finally:
                array.release(ctypes.byref(array))
    finally:
        if stream.contents.release:
            stream.contents.release(stream)
