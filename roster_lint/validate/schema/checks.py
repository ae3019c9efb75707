"""Check declarations: one `CheckDef` per (column, defect), built from a column's spec.

A check is data: the rule it reports, a polars expression that is true on a bad cell
(`bad`), an optional cheaper superset of it (`screen`) the fast runner evaluates on the
whole column before refining on the few screened rows, and the message expression evaluated
only on hits.  The pandera schema (build.py) wraps each `bad` in a `pandera.Check`; the
runners (runner.py) execute them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from roster_lint.bytescan import may_start_short
from roster_lint.validate.schema import tokens as T

ExprFn = Callable[[pl.Expr], pl.Expr]


@dataclass(frozen=True)
class CheckDef:
    name: str  # unique within a schema: "<column>:<kind>"
    rule: str  # catalogue code
    bad: ExprFn  # column -> Boolean, true where the cell is bad (exact)
    message: ExprFn  # cell value -> String, evaluated on hits only
    # Cheap superset of `bad` on values that are printable ASCII; the fast runner also
    # refines every row whose value is not (see text_screen), so exactness is kept.
    screen: ExprFn | None = None
    text: bool = False  # screened by text_screen alone (the hygiene checks)
    gate: ExprFn | None = None  # scalar necessary condition: False -> skip the check
    # A byte-level superset of `gate` on the whole column (bytescan): False -> the gate is
    # certainly False, and its query is not run.
    gate_bytes: Callable[[pl.Series], bool] | None = None
    summary: bool = False  # one finding per file (first hit, with a count), not per row
    # True when `bad` looks at the cell's value alone (not at the rest of the column), so
    # the fast runner may judge each distinct value once (runner._ByValue).
    local: bool = True

    def bad_expr(self, c: pl.Expr) -> pl.Expr:
        return self.bad(c).fill_null(False)


def q(c: pl.Expr) -> pl.Expr:
    """A value quoted for a message: `value`."""
    return pl.concat_str([pl.lit("`"), c.fill_null(""), pl.lit("`")])


def msg(*parts: str | pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in parts])


# --- text hygiene (every column, metadata.* included) -------------------------------------


def text_screen(c: pl.Expr) -> pl.Expr:
    """True where a value is not plain ASCII: one length comparison, no regex.

    A regex over every value of a 7M-row column costs about as much as reading it; this is
    an order of magnitude cheaper.  Its blind spot: C0 controls (tab included) and DEL in
    an otherwise ASCII value.  No polars primitive finds any of 32 bytes cheaply (a
    byte-class regex or a `contains_any` of more than three patterns is several times
    slower than this screen: docs/performance.md), so the runner adds
    `ascii_control_screen` only where it is cheap: on the distinct values of a
    low-cardinality column, on small tables, and on large tables where a numpy pass over
    the columns' bytes (crossfile.bytescan.may_hold_control) finds a control byte.
    """
    return c.str.len_bytes() != c.str.len_chars()


def ascii_control_screen(c: pl.Expr) -> pl.Expr:
    """True where a value holds an ASCII control character or DEL (text_screen's blind spot).

    A superset of what the control check flags among ASCII values (LF and CR included, so
    that only-spaces and padding made of line breaks are refined too).
    """
    return c.str.contains(r"[\x00-\x1F\x7F]")


def text_checks(col: str) -> list[CheckDef]:
    screen = None
    return [
        CheckDef(
            f"{col}:control",
            "RL153",
            lambda c: c.str.contains(T.CONTROL),
            lambda v: msg(f"{col} contains a control character (shown escaped: ", _esc(v), ")."),
            screen,
            text=True,
        ),
        CheckDef(
            f"{col}:invisible",
            "RL151",
            lambda c: c.str.contains(T.INVISIBLE),
            lambda v: msg(f"{col} ", _esc(v), " contains a non-breaking or invisible space."),
            screen,
            text=True,
        ),
        CheckDef(
            f"{col}:mojibake",
            "RL154",
            lambda c: c.str.contains(T.MOJIBAKE),
            lambda v: msg(
                f"{col} ",
                q(v),
                " looks like UTF-8 text that was decoded as Windows-1252 "
                "(mojibake, e.g. `Ã©` for `é`).",
            ),
            screen,
            text=True,
        ),
    ]


def _esc(v: pl.Expr) -> pl.Expr:
    """Make invisible characters visible in a message: NBSP as <NBSP>, controls as <CTRL>."""
    out = v.fill_null("").str.replace_all(r"\u00A0", "<NBSP>")
    out = out.str.replace_all(T.INVISIBLE, "<U+INVISIBLE>")
    return q(out.str.replace_all(T.CONTROL, "<CTRL>"))


# --- required, whitespace, ids ------------------------------------------------------------


def starts_with_space(c: pl.Expr) -> pl.Expr:
    return c.str.starts_with(" ")


def required_checks(col: str, spaces_screen: ExprFn = starts_with_space) -> list[CheckDef]:
    """`spaces_screen`: a superset of starts_with(" ") for only-spaces; a column that is
    screened by `space_or_exponent` anyway passes that, so the pass is shared."""
    return [
        CheckDef(
            f"{col}:required",
            "RL100",
            T.blank,
            lambda v: pl.lit(f"{col} is blank but a value is required."),
        ),
        CheckDef(
            f"{col}:only-spaces",
            "RL101",
            lambda c: c.str.contains(T.ONLY_SPACES),
            lambda v: msg(f"{col} is ", _esc(v), ": only spaces where a value is required."),
            spaces_screen,
        ),
    ]


def space_or_exponent(c: pl.Expr) -> pl.Expr:
    """The shared screen of the padded and scientific checks: one Aho-Corasick pass.

    Identical expressions on one column are computed once (the fast runner's lazy select
    eliminates common subexpressions): on an id column this replaces three passes
    (starts_with, ends_with, contains) with one, ~2.5x cheaper.
    """
    return c.str.contains_any([" ", "E+"])


# Screens that fire on a printable-ASCII value only if it holds a space or "E+": on a
# column without a space or a plus byte (bytescan.is_quiet) they are false on every row,
# and so are the checks they screen (the runner leaves those checks out there).
SPACE_SCREENS: frozenset[ExprFn] = frozenset({starts_with_space, space_or_exponent})


def silent_on_quiet(d: CheckDef) -> bool:
    """A check that cannot fire on a column bytescan.is_quiet passes: text hygiene (only
    non-printable-ASCII values are screened) or screened by a SPACE_SCREENS member."""
    return d.text or d.screen in SPACE_SCREENS


def padded_check(col: str, what: str) -> CheckDef:
    return CheckDef(
        f"{col}:padded",
        "RL150",
        lambda c: c.str.contains(T.PADDED) & ~c.str.contains(T.ONLY_SPACES),
        lambda v: msg(
            f"{what} ",
            _esc(v),
            " has leading or trailing spaces; receivers match ",
            q(v.str.strip_chars()),
            " exactly and will not find it.",
        ),
        space_or_exponent,
    )


def _list_damage_screen(c: pl.Expr) -> pl.Expr:
    return (
        c.str.contains(" ", literal=True)
        | c.str.starts_with(",")
        | c.str.ends_with(",")
        | c.str.contains(",,", literal=True)
    )


def list_damage_check(col: str, screen: ExprFn = _list_damage_screen) -> CheckDef:
    """`screen`: a superset of the damage on printable ASCII; a column whose values have a
    stricter form may pass the screen of that form (see build.py, userIds)."""
    return CheckDef(
        f"{col}:list",
        "RL152",
        lambda c: c.str.contains(T.LIST_DAMAGE) & ~c.str.contains(T.ONLY_SPACES),
        lambda v: msg(
            f"{col} list ",
            _esc(v),
            " has spaces around its commas or an empty item; meant ",
            q(v.str.replace_all(r"\s*,\s*", ",").str.strip_chars().str.strip_chars(",")),
            ".",
        ),
        screen,
    )


def scientific_check(col: str) -> CheckDef:
    return CheckDef(
        f"{col}:scientific",
        "RL140",
        lambda c: c.str.contains(T.SCIENTIFIC_ITEM),
        lambda v: msg(
            f"{col} ",
            q(v),
            " is a number in scientific notation: Excel has rounded a long "
            "id, and the original digits are lost.",
        ),
        space_or_exponent,
    )


# A code column "uses leading zeros" when most numeric values share one length and some
# of those start with 0; a shorter numeric value there most likely lost its zeros in Excel.
LEADING_ZERO_SHARE = 0.8
CODE_MAX_DIGITS = 18  # codes, not long numbers; also keeps UUID columns out of the gate


# NCES ids (orgs.identifier, SK-A5): a district's has 7 digits, a school's 12, both may
# start with 0.  One district among many schools is the right length for a district.
NCES_DISTRICT_DIGITS, NCES_SCHOOL_DIGITS = 7, 12


def leading_zero_check(col: str, nces: bool = False) -> CheckDef:
    """`nces`: the column holds NCES ids of several org types (orgs.identifier)."""

    def bad(c: pl.Expr) -> pl.Expr:
        short = c.str.len_bytes() <= CODE_MAX_DIGITS
        digits = (short & c.str.contains(r"^[0-9]+$")).fill_null(False)
        n = c.str.len_bytes()
        modal = n.filter(digits).mode().sort().last()
        at_modal = digits & (n == modal)
        padded_peers = (at_modal & c.str.starts_with("0")).any()
        share = at_modal.sum() / digits.sum().clip(lower_bound=1)
        out = digits & (n < modal) & padded_peers & (share >= LEADING_ZERO_SHARE)
        if nces:
            district = (n == NCES_DISTRICT_DIGITS) & (modal == NCES_SCHOOL_DIGITS)
            out = out & ~district
        return out

    return CheckDef(
        f"{col}:leading-zeros",
        "RL141",
        bad,
        lambda v: msg(
            f"{col} ",
            q(v),
            " is shorter than the other numeric codes in the column, which "
            "keep their leading zeros: a leading zero was probably lost (Excel).",
        ),
        # Lengths first: they are in the string views, so a column of long ids (UUIDs) is
        # ruled out without reading a byte of it (3x cheaper than testing every prefix).
        gate=lambda c: c.filter(c.str.len_bytes() <= CODE_MAX_DIGITS).str.starts_with("0").any(),
        # The same question from the string views in numpy: 0.04 against 0.14 s for the four
        # ids of 7.3M enrollments of short numeric ids (docs/performance.md, checkfast3).
        gate_bytes=lambda s: may_start_short(s, ord("0"), CODE_MAX_DIGITS),
        local=False,  # compares with the column's modal length
    )
