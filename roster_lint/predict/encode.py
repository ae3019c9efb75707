"""Vectorised building blocks: canonical detail JSON (sorted keys, no spaces) for millions
of rows, without a Python loop per row."""

from __future__ import annotations

import polars as pl

STR = pl.String()


SEP = "\x1f"  # joins reason names inside one string (never in a kebab-case name)


def _joined(flags: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """The names whose flag is true, joined by SEP ('' when none).  String concatenation
    is ~10x faster than concat_list + drop_nulls on millions of rows."""
    parts = [pl.when(flag.fill_null(False)).then(pl.lit(name, STR)) for name, flag in flags]
    return pl.concat_str(parts, separator=SEP, ignore_nulls=True).fill_null("")


def json_value(expr: pl.Expr) -> pl.Expr:
    """The JSON text of a value (string, number, list...), escaped by polars itself."""
    return (
        pl.struct(expr.alias("v"))
        .struct.json_encode()
        .str.strip_prefix('{"v":')
        .str.strip_suffix("}")
    )


def piece(key: str, expr: pl.Expr, when: pl.Expr | None = None) -> tuple[str, pl.Expr]:
    """One `"key":value` member; absent (null) where `when` is false."""
    text = pl.lit(f'"{key}":', STR) + json_value(expr)
    if when is not None:
        text = pl.when(when.fill_null(False)).then(text)
    return key, text


def detail(pieces: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """A JSON object from members, keys sorted (canonical form)."""
    if not pieces:
        return pl.lit("{}", STR)
    ordered = [expr for _, expr in sorted(pieces, key=lambda p: p[0])]
    body = pl.concat_str(ordered, separator=",", ignore_nulls=True).fill_null("")
    return pl.lit("{", STR) + body + pl.lit("}", STR)


def not_documented(keys: list[tuple[str, pl.Expr]]) -> tuple[str, pl.Expr]:
    """detail.not_documented: the profile's not-documented choices that decided this row.
    Keys are the profile's kebab-case names, so the JSON is written as text directly."""
    joined = _joined(keys)
    text = (
        pl.lit('"not_documented":["', STR)
        + joined.str.replace_all(SEP, '","', literal=True)
        + pl.lit('"]', STR)
    )
    return "not_documented", pl.when(joined != "").then(text)


def pad_grade(expr: pl.Expr) -> pl.Expr:
    """`5` -> `05`: one-digit grades read as the two-digit CEDS code (SK-X5 warns)."""
    return pl.when(expr.str.contains(r"^[0-9]$")).then(pl.lit("0", STR) + expr).otherwise(expr)


def raw_piece(key: str, json_text: pl.Expr, when: pl.Expr) -> tuple[str, pl.Expr]:
    """A member whose value is already JSON text (e.g. an object built per group)."""
    return key, pl.when(when.fill_null(False)).then(pl.lit(f'"{key}":', STR) + json_text)
