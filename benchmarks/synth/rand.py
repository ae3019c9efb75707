"""Deterministic pseudo-randomness as whole-column polars expressions.

The generator must give byte-identical files for the same arguments on any machine and
any polars version, so it does not rely on `shuffle(seed=)` or `hash()` (both may change
between polars releases).  Instead every random draw is splitmix64 of (seed, stream,
row index), computed with wrapping UInt64 arithmetic, which polars does per column.
"""

from __future__ import annotations

import polars as pl

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB


def _u64(v: int) -> pl.Expr:
    return pl.lit(v & _MASK, dtype=pl.UInt64)


def mix(x: pl.Expr) -> pl.Expr:
    """splitmix64 finaliser of a UInt64 expression (shifts written as divisions)."""
    x = x + _u64(_GOLDEN)
    x = (x ^ (x // (1 << 30))) * _u64(_M1)
    x = (x ^ (x // (1 << 27))) * _u64(_M2)
    return x ^ (x // (1 << 31))


def mix_int(x: int) -> int:
    """The same finaliser on one Python int, for the handful of scalar choices."""
    x = (x + _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * _M1) & _MASK
    x = ((x ^ (x >> 27)) * _M2) & _MASK
    return x ^ (x >> 31)


def stream_key(seed: int, stream: str) -> int:
    """A 64-bit key per (seed, named stream): draws for different purposes never align."""
    h = mix_int(seed & _MASK)
    for ch in stream.encode():
        h = mix_int(h ^ ch)
    return h


def draw(seed: int, stream: str, index: pl.Expr) -> pl.Expr:
    """A UInt64 random value per row, keyed by the row's `index` expression."""
    return mix(index.cast(pl.UInt64) ^ _u64(stream_key(seed, stream)))


def below(seed: int, stream: str, index: pl.Expr, n: int | pl.Expr) -> pl.Expr:
    """An integer in [0, n) per row (modulo bias is irrelevant at these sizes)."""
    bound = n.cast(pl.UInt64) if isinstance(n, pl.Expr) else _u64(max(n, 1))
    return (draw(seed, stream, index) % bound).cast(pl.Int64)


def percent(seed: int, stream: str, index: pl.Expr) -> pl.Expr:
    """An integer in [0, 10000): compare with basis points for rare events."""
    return below(seed, stream, index, 10_000)


_BYTE_HEX = [f"{b:02x}" for b in range(256)]


def _hex_bytes(x: pl.Expr, count: int, skip: int = 0) -> list[pl.Expr]:
    """`count` two-character hex strings of a UInt64, most significant first after `skip`."""
    out = []
    for k in range(7 - skip, 7 - skip - count, -1):
        byte = ((x // (1 << (8 * k))) % 256).cast(pl.Int64)
        out.append(byte.replace_strict(list(range(256)), _BYTE_HEX, return_dtype=pl.String))
    return out


def uuid_like(seed: int, stream: str, index: pl.Expr) -> pl.Expr:
    """A version-4-shaped UUID string per row (8-4-4-4-12 lower-case hex)."""
    hi = draw(seed, stream + ".hi", index)
    lo = draw(seed, stream + ".lo", index)
    h = _hex_bytes(hi, 8)
    lo_b = _hex_bytes(lo, 8)
    version = pl.lit("4") + (h[6]).str.slice(1, 1) + h[7]
    variant = pl.lit("a") + lo_b[0].str.slice(1, 1) + lo_b[1]
    return pl.concat_str(
        [
            pl.concat_str(h[0:4]),
            pl.concat_str(h[4:6]),
            version,
            variant,
            pl.concat_str(lo_b[2:8]),
        ],
        separator="-",
    )
