"""Grade lists (§8.9): CEDS tokens, and the damage that is worth naming.

A token lookup is the cheap screen; only values that fail it are split into items
and classified: a case variant (`kg`), a lost leading zero (`7`), a spelled-out grade
(`K`, `Kindergarten`, `Grade 3`), a 1.2 `ext:` value ([verify]), or something else.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from roster_lint.validate.schema import tokens as T
from roster_lint.validate.schema.checks import CheckDef, msg, q

ItemTest = Callable[[pl.Expr], pl.Expr]


def _item_tests(tokens: tuple[str, ...], v12: bool) -> dict[str, ItemTest]:
    toks = list(tokens)
    lowered = [t.lower() for t in tokens]

    def valid(s: pl.Expr) -> pl.Expr:
        return s.is_in(toks)

    def case(s: pl.Expr) -> pl.Expr:
        return ~valid(s) & s.str.to_lowercase().is_in(lowered)

    def lost_zero(s: pl.Expr) -> pl.Expr:
        return s.str.contains(r"^[1-9]$")

    def word(s: pl.Expr) -> pl.Expr:
        return ~valid(s) & ~case(s) & ~lost_zero(s) & T.grade_word_meant(s).is_not_null()

    def ext(s: pl.Expr) -> pl.Expr:
        return s.str.starts_with("ext:") if v12 else pl.lit(False)

    def other(s: pl.Expr) -> pl.Expr:
        known = valid(s) | case(s) | lost_zero(s) | word(s) | ext(s) | (s == "")
        return ~known

    return {"case": case, "lost-zero": lost_zero, "word": word, "ext": ext, "other": other}


def _items(c: pl.Expr) -> pl.Expr:
    # Spaces around commas are RL152's finding; here each item is judged on its text.
    return c.str.split(",").list.eval(pl.element().str.strip_chars())


def _any(test: ItemTest) -> Callable[[pl.Expr], pl.Expr]:
    return lambda c: _items(c).list.eval(test(pl.element())).list.any()


def _first(v: pl.Expr, test: ItemTest) -> pl.Expr:
    return _items(v).list.eval(pl.element().filter(test(pl.element()))).list.first()


def grade_checks(col: str, tokens: tuple[str, ...], v12: bool) -> list[CheckDef]:
    alternatives = "|".join(tokens)
    full = f"^(?:{alternatives})(?:,(?:{alternatives}))*$"

    def exact(c: pl.Expr) -> pl.Expr:
        return T.not_blank(c) & ~c.str.contains(full)

    def screen(c: pl.Expr) -> pl.Expr:
        # One token per value is the common case (students); lists are refined.
        return ~c.is_in([*tokens, ""])

    tests = _item_tests(tokens, v12)

    def bad(kind: str) -> Callable[[pl.Expr], pl.Expr]:
        test = _any(tests[kind])
        return lambda c: exact(c) & test(c)

    case, lost, word, ext, other = (tests[k] for k in ("case", "lost-zero", "word", "ext", "other"))
    return [
        CheckDef(
            f"{col}:case",
            "RL103",
            bad("case"),
            lambda v: msg(
                f"{col} ",
                q(_first(v, case)),
                " should be ",
                q(T.case_meant(_first(v, case), tokens)),
                ": grade tokens are case-sensitive.",
            ),
            screen,
        ),
        CheckDef(
            f"{col}:lost-zero",
            "RL131",
            bad("lost-zero"),
            lambda v: msg(
                f"{col} ",
                q(_first(v, lost)),
                " has lost its leading zero (Excel): the CEDS grade is ",
                q(_first(v, lost).str.zfill(2)),
                ".",
            ),
            screen,
        ),
        CheckDef(
            f"{col}:word",
            "RL132",
            bad("word"),
            lambda v: msg(
                f"{col} ",
                q(_first(v, word)),
                " is not a grade token; meant ",
                q(T.grade_word_meant(_first(v, word))),
                ".",
            ),
            screen,
        ),
        CheckDef(
            f"{col}:ext",
            "RL105",
            bad("ext"),
            lambda v: msg(
                f"{col} ",
                q(_first(v, ext)),
                " is an `ext:` grade; whether "
                "OneRoster 1.2 allows extending grades is unconfirmed.",
            ),
            screen,
        ),
        CheckDef(
            f"{col}:ceds",
            "RL130",
            bad("other"),
            lambda v: msg(
                f"{col} ",
                q(_first(v, other)),
                " is not a CEDS grade (IT, PR, PK, TK, KG, 01-13, PS, UG or Other).",
            ),
            screen,
        ),
    ]
