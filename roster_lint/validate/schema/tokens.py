"""Value patterns and "what was meant" helpers, as polars expressions.

Regexes use `[0-9]` rather than `\\d`: polars (Rust regex) reads `\\d` as any Unicode digit,
and an Arabic-Indic digit in a date is exactly the kind of damage we want to see.
"""

from __future__ import annotations

import polars as pl

# OneRoster §2: date is YYYY-MM-DD; months and days in range (Feb 29 is not year-checked).
DATE_RE = (
    r"[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-9]))"
)
# §2: dateTime is ISO 8601 with time and zone, e.g. 2019-03-01T18:14:45.000Z.
TIME_RE = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?"
ZONE_RE = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])"
DATE_FULL = f"^{DATE_RE}$"
DATETIME_FULL = f"^{DATE_RE}T{TIME_RE}{ZONE_RE}$"
YEAR_FULL = r"^[0-9]{4}$"
FLOAT_FULL = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"

# userIds: a list of {type:identifier} pairs (§2).
USERID_ITEM = r"\{[^{}:,\s]+:[^{},]+\}"
USERIDS_FULL = f"^{USERID_ITEM}(?:,{USERID_ITEM})*$"

# Excel renders long numbers as 1.23457E+11 (upper-case E and an explicit plus).
SCIENTIFIC_ITEM = r"(?:^|,)\s*[0-9](?:\.[0-9]+)?E\+[0-9]+\s*(?:,|$)"

# Surrounding whitespace (Unicode: includes the non-breaking space).
PADDED = r"^\s|\s$"
ONLY_SPACES = r"^\s+$"
# A comma list whose separators carry spaces, or with empty items.
LIST_DAMAGE = r"\s,|,\s|^,|,$|,,|^\s|\s$"

# C0 controls except LF/CR (embedded line breaks are the loader's finding), DEL, C1.
CONTROL = r"[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F]"
# Invisible or non-standard spaces that make two ids look equal when they are not.
INVISIBLE = r"[\u00A0\u1680\u2000-\u200D\u2028\u2029\u202F\u205F\u2060\u3000\uFEFF]"
# UTF-8 read as Windows-1252: "é" -> "Ã©", "’" -> "â€™", NBSP -> "Â ".
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
MOJIBAKE = f"[ÃÂ][\\u0080-\\u00BF{_CP1252_HIGH}]|â€"
# Cheap screen: every value the three checks above can flag has a non-printable-ASCII char.
NOT_PRINTABLE_ASCII = r"[^\x20-\x7E]"

EMAIL_CORE = r"[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[^@\s,;<>()\[\].]{2,}"
EMAIL_FULL = f"^{EMAIL_CORE}$"
# The same test on the value with surrounding spaces allowed (padding is RL150's finding):
# equal to EMAIL_FULL on `strip_chars()` (both \s and strip are Unicode White_Space, and
# the core starts and ends with a non-space), without building 1M stripped strings.
EMAIL_PADDED = f"^\\s*{EMAIL_CORE}\\s*$"

# Grades (§8.9).  Spelled-out grades that a person would recognise, mapped to the token.
GRADE_WORDS: dict[str, str] = {
    "k": "KG",
    "kg": "KG",
    "kinder": "KG",
    "kindergarten": "KG",
    "kindergarden": "KG",
    "pk": "PK",
    "pre-k": "PK",
    "prek": "PK",
    "pre-kindergarten": "PK",
    "prekindergarten": "PK",
    "tk": "TK",
    "transitional kindergarten": "TK",
    "preschool": "PR",
    "infant": "IT",
    "toddler": "IT",
    "ungraded": "UG",
    "postsecondary": "PS",
    "post-secondary": "PS",
}
# "Grade 3", "3rd", "3rd grade", "Gr 3", "G3", "grade 03"
GRADE_NUMBER_WORDS = (
    r"(?i)^(?:grade\s*|gr\.?\s*|g)([0-9]{1,2})$|^([0-9]{1,2})(?:st|nd|rd|th)(?:\s*grade)?$"
)


def blank(c: pl.Expr) -> pl.Expr:
    """Null and "" are the same blank (§1: quoted empty equals bare empty)."""
    return c.is_null() | (c == "")


def not_blank(c: pl.Expr) -> pl.Expr:
    return ~blank(c)


def lower_lookup(tokens: tuple[str, ...]) -> dict[str, str]:
    """Lower-cased token -> token, for "did you mean" on case variants."""
    return {t.lower(): t for t in tokens}


def case_meant(c: pl.Expr, tokens: tuple[str, ...]) -> pl.Expr:
    """The token a case variant stands for (null when it is not one)."""
    lut = lower_lookup(tokens)
    return c.str.to_lowercase().replace_strict(
        list(lut), list(lut.values()), default=None, return_dtype=pl.String
    )


def grade_word_meant(item: pl.Expr) -> pl.Expr:
    """The CEDS token a spelled-out grade stands for, or null."""
    low = item.str.strip_chars().str.to_lowercase()
    word = low.replace_strict(
        list(GRADE_WORDS), list(GRADE_WORDS.values()), default=None, return_dtype=pl.String
    )
    groups = item.str.strip_chars().str.extract_groups(GRADE_NUMBER_WORDS)
    num = pl.coalesce(groups.struct.field("1"), groups.struct.field("2"))
    padded = num.str.zfill(2)
    numbered = pl.when(padded.is_in([f"{n:02d}" for n in range(1, 14)])).then(padded)
    return pl.coalesce(word, numbered)
