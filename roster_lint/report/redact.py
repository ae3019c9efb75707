"""--redact: replace personal data with stable pseudonyms BEFORE any renderer runs.

What counts as personal (docs/guides/vendor-support.md says the same to users):
  * users.csv: sourcedId, username, userIds (the identifier after the colon), every name
    (given, family, middle, preferred), identifier, userMasterIdentifier, email, sms, phone,
    password, agentSourcedIds and every metadata.* column;
  * enrollments.csv sourcedId and userSourcedId; roles.csv sourcedId, userSourcedId and
    userProfileSourcedId; userProfiles.csv sourcedId, userSourcedId, username, password;
  * demographics.csv sourcedId, birthDate, cityOfBirth.
What stays: rule codes and names, file and column names, line numbers, actions and reasons,
and the ids and names of orgs, courses, classes and academic sessions (a support agent needs
"school Cedar Academy", and none of them is a person).

How: every personal value is cut into tokens (runs of letters, digits, `_ @ + -`, with dots
inside) and each token maps to `<kind>-<12 letters>` from a keyed hash.  Every free-text field
(finding value, message, plan detail, ...) is cut the same way and its tokens are looked up
with a join, so the same value gets the same pseudonym in every column, file and format.
Tokens of one character are left alone (a middle initial identifies no one, and redacting
"a" would shred every sentence); tokens of up to three characters match case-sensitively so
a surname "An" does not eat the article "an".  Over-redaction is the safe failure: a class
id that equals some student's identifier is replaced too.

Pseudonyms are a keyed MAC (BLAKE2b in keyed mode, a PRF like HMAC) of the lower-cased
token: without the key nobody can test a guessed e-mail or id against a pseudonym.  The key
is the district's: ROSTER_LINT_REDACT_KEY, or the file named by `redact_key_file` in the
config (`roster-lint redact-key init PATH` makes one), so the same person has the same
pseudonym on every day's export and support can link tickets.  With neither, a random key
for this run only: pseudonyms are then unlinkable across runs.  An e-mail keeps its domain
(SSO domain mismatches are a support question): `email-xxxx@students.example.org`.

Prose is not data: in messages, notes and trace details a token that is a name or all
digits is replaced only where the text quotes it ('Will', "10001"), so the tool's own
words ("Will"), line numbers and counts that happen to equal a numeric id stay as written.
Words of the tool's vocabulary (severities, roles, actions, enum values) are never
personal, whatever a cell holds (a phone `#ERROR!`, a user named "Test Student").
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np
import polars as pl

from roster_lint.bytescan import BLOCK, INLINE, any_block, marked_rows
from roster_lint.errors import UsageError
from roster_lint.findings import Findings
from roster_lint.model import LINE, Export, Table
from roster_lint.predict.model import Plan

TOKEN = r"[\p{L}\p{N}_@+\-]+(?:\.[\p{L}\p{N}_@+\-]+)*"
PIECE = TOKEN + r"|(?s:.)"  # a token, or one separator character: joined back, the input
WHOLE = rf"^(?:{TOKEN})$"  # a value that is one token

# file -> column -> kind (the pseudonym's prefix)
SENSITIVE: dict[str, dict[str, str]] = {
    "users.csv": {
        "sourcedId": "user",
        "agentSourcedIds": "user",
        "username": "username",
        "userIds": "userid",
        "givenName": "name",
        "familyName": "name",
        "middleName": "name",
        "preferredGivenName": "name",
        "preferredMiddleName": "name",
        "preferredFamilyName": "name",
        "identifier": "ident",
        "userMasterIdentifier": "ident",
        "email": "email",
        "sms": "phone",
        "phone": "phone",
        "password": "secret",
    },
    "enrollments.csv": {"sourcedId": "enrollment", "userSourcedId": "user"},
    "roles.csv": {"sourcedId": "role", "userSourcedId": "user", "userProfileSourcedId": "profile"},
    "userProfiles.csv": {
        "sourcedId": "profile",
        "userSourcedId": "user",
        "username": "username",
        "password": "secret",
    },
    "demographics.csv": {"sourcedId": "user", "birthDate": "birth", "cityOfBirth": "place"},
}
# when one token is several kinds of thing, the first kind here names it
KINDS = (
    "email",
    "username",
    "name",
    "phone",
    "user",
    "ident",
    "userid",
    "enrollment",
    "role",
    "profile",
    "secret",
    "birth",
    "place",
)
PERSONAL_ENTITIES = frozenset({"user", "enrollment"})
# fields whose values are vocabulary or non-personal ids, never redacted
KEEP = frozenset(
    {
        "entity",
        "action",
        "reasons",
        "reason",
        "code",
        "name",
        "severity",
        "file",
        "column",
        "related_file",
        "related_column",
        "profile",
        "mode",
        "school",
        "line",
        "kind",
    }
)
# a findings frame's columns that can hold personal data ("message": the tool's prose)
FINDING_FIELDS: tuple[str, ...] = (
    "value",
    "sourced_id",
    "message",
    "related_value",
    "cause_sourced_id",
)
# where the user put a file says nothing the support agent needs (/home/jsmith/...)
PATH_FIELDS = frozenset({"path", "old_path", "new_path", "previous", "course_map"})
# hash digits spelt as 10 consonants: no words, no digits to collide with numeric ids
DIGITS = list("0123456789")
ALPHABET = list("bcdfghkmpt")
LETTERS = 14  # 10**14 (46 bits): about 0.007 expected collisions among a million users
CASE_SENSITIVE_UP_TO = 3


def _kind_of(file: str, column: str) -> str | None:
    cols = SENSITIVE.get(file, {})
    if column in cols:
        return cols[column]
    if file == "users.csv" and column.startswith("metadata."):
        return "ident"
    return None


def personal(file: str, column: str) -> bool:
    """True for a column whose values --redact replaces (it must read them first)."""
    return _kind_of(file, column) is not None


def _columns(table: Table) -> list[tuple[pl.Series, str]]:
    """(values, kind) for every personal column of one table."""
    out = []
    for column in table.df.columns:
        kind = _kind_of(table.name, column)
        if kind is None or column == LINE:
            continue
        if column == "userIds":
            out.append((_user_ids(table.df, column), kind))
            continue
        out.append((table.df.select(pl.col(column).alias("value")).to_series(), kind))
    return out


# One {type:identifier} and nothing else (the bulk of userIds): its identifier is what
# follows the first colon, up to the closing brace.
ONE_USER_ID = r"^\{[^{},:]*:[^{},]+\}$"


def _user_ids(df: pl.DataFrame, column: str) -> pl.Series:
    """The personal part of every userIds value: {type:identifier},... -> the identifiers,
    joined by spaces (the type is vocabulary, kept); a value without the {type:id} shape is
    quoted whole by RL160, so all of it is personal.  The values are read as a set (looked
    up, cut into tokens), so their order is not kept: the values of one {type:id} (a
    million users) are cut by a split (0.07 s), the others by the regex (0.4 s for all)."""
    col = pl.col(column)
    ids = col.str.extract_all(r":[^{},]+").list.eval(pl.element().str.slice(1))
    cut = pl.when(ids.list.len() > 0).then(ids.list.join(" ")).otherwise(col)
    one = col.str.splitn(":", 2).struct.field("field_1").str.strip_suffix("}")
    marked = df.select(col, col.str.contains(ONE_USER_ID).fill_null(False).alias("_one"))
    parts = [
        marked.filter(pl.col("_one")).select(one.alias("value")),
        marked.filter(~pl.col("_one")).select(cut.alias("value")),
    ]
    return pl.concat(parts).to_series()


def _distinct_tokens(values: pl.Series) -> pl.Series:
    """`_tokens_of(values).unique()` for distinct `values` without nulls: the values that
    are one token are distinct already (a plan's millions of ids), so only the tokens cut
    from the others (few) are made distinct, and those among the first are left out."""
    whole = values.str.contains(WHOLE)
    one = values.filter(whole)
    cut = _tokens_of(values.filter(~whole)).unique()
    if cut.len() == 0:
        return one
    return pl.concat([one.filter(~one.is_in(cut.implode())), cut])


def _tokens_of(values: pl.Series) -> pl.Series:
    """Every token of `values` (a value that is one token is its own: no cutting, the bulk)."""
    whole = values.str.contains(WHOLE)
    return pl.concat(
        [values.filter(whole), values.filter(~whole).str.extract_all(TOKEN).explode()]
    ).drop_nulls()


# A value that is one token and its own lower case: lower-case ASCII letters, digits and
# `_ @ + -`, with dots inside (UUIDs, numeric ids, `class_user` enrollment ids, lower-case
# usernames and e-mails): the bulk of an export's personal values.
PLAIN = r"^[a-z0-9_@+\-]+(?:\.[a-z0-9_@+\-]+)*$"


# Bytes a PLAIN value may hold without a dot: a value of these alone, not empty, is PLAIN.
_OUTSIDE = np.ones(256, np.bool_)
_OUTSIDE[list(b"abcdefghijklmnopqrstuvwxyz0123456789_@+-")] = False


def _outside_plain(data: np.ndarray[Any, Any]) -> bool:
    """True if any byte is not one of PLAIN's (a dot included: dotted values take the regex).

    Reductions, not the table look-up (`_outside_by_table`, whose uint8 indices numpy
    widens to 8 bytes each: 2x the CPU on enrollment ids): PLAIN's bytes other than `+`
    lie in `-`..`z`, where only `.` `/` and `:`..`` ` `` other than `@` and `_` are not
    PLAIN's.  A block with a byte outside `-`..`z` takes the table."""
    tmp = np.empty(min(BLOCK, data.size), np.uint8)

    def marks(block: np.ndarray[Any, Any]) -> bool:
        if block.min() < 0x2D or block.max() > 0x7A:
            return _outside_by_table(block)
        t = tmp[: block.size]
        np.subtract(block, 0x3A, out=t)  # ":".."`" (0x3A-0x60) wrap to 0x00-0x26
        least = t.min()
        if least == 0x25:  # "_" and nothing below it in ":".."`" ("class_user" ids):
            np.subtract(t, 0x26, out=t)  # only "`" can be there, and wraps to 0
            if t.min() == 0:
                return True
        elif least <= 0x26:
            mid = int(np.count_nonzero(t <= 0x26))
            if mid != int(np.count_nonzero(block == 0x40)) + int(np.count_nonzero(block == 0x5F)):
                return True
        np.subtract(block, 0x2E, out=t)  # "." and "/" wrap to 0 and 1, "-" to 0xFF
        return bool(t.min() < 2)

    return any_block(data, marks)


def _outside_by_table(block: np.ndarray[Any, Any]) -> bool:
    """`_outside_plain` by a look-up of every byte (the reference the tests hold it to)."""
    return bool(np.take(_OUTSIDE, block).any())


def _plain(values: pl.Series) -> pl.Series:
    """True for the PLAIN values (null: False).

    The regex walks every byte (~2 ns a byte: 1.8 s CPU for the two id columns of
    enrollments.csv at 1M students).  A table look-up over the column's own buffers
    (roster_lint.bytescan) proves most chunks hold PLAIN's bytes only, without a dot; there
    a value is PLAIN when it is not empty.  The regex runs on the other chunks' rows, and on
    columns of short values only (numeric ids: held in their views, which the screen would
    copy out, 2x the regex's cost)."""
    longest = values.str.len_bytes().fill_null(0).max()
    short = not isinstance(longest, int) or longest <= INLINE
    ranges = None if short else marked_rows(values, _outside_plain)
    if ranges is None:  # short values, or not Arrow string views: the regex on every row
        return values.str.contains(PLAIN).fill_null(False)
    parts, at = [], 0
    for offset, length in [*ranges, (values.len(), 0)]:
        if offset > at:
            parts.append((values.slice(at, offset - at).str.len_bytes() > 0).fill_null(False))
        if length:
            parts.append(values.slice(offset, length).str.contains(PLAIN).fill_null(False))
        at = offset + length
    if not parts:
        return pl.Series(values.name, [], dtype=pl.Boolean)
    return pl.concat(parts, rechunk=False).alias(values.name)


def _all_tokens(columns: list[tuple[pl.Series, str]]) -> pl.DataFrame:
    """(token, kind) of every personal token (`find_pseudonym`; the tests' oracle)."""
    rank = {k: i for i, k in enumerate(KINDS)}
    parts = [
        pl.DataFrame({"token": _tokens_of(s)}).with_columns(pl.lit(rank[k], pl.Int32).alias("r"))
        for s, k in columns
    ]
    return _ranked(parts)


def _ranked(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """(token, r) frames -> (token, kind): a token's first kind in KINDS, the tool's own
    words and one-character tokens left out."""
    if not parts:
        return pl.DataFrame(schema={"token": pl.String, "kind": pl.String})
    names = dict(enumerate(KINDS))
    return (
        pl.concat(parts)
        .filter(pl.col("token").str.len_chars() > 1)
        .group_by("token")
        .agg(pl.col("r").min())
        .pipe(_without_vocabulary)
        .select("token", pl.col("r").replace_strict(names, return_dtype=pl.String).alias("kind"))
    )


def _without_vocabulary(df: pl.DataFrame) -> pl.DataFrame:
    """The rows whose `token`, lower-cased, is not a word of `vocabulary()`.  Only tokens
    as short as its longest word are lower-cased: lower-casing never makes a token shorter
    in characters (one character, or two for U+0130), and a plan's millions of ids are
    longer (lower-casing them all cost ~1 s at 1M students)."""
    words = sorted(vocabulary())
    short = pl.col("token").str.len_chars() <= max(map(len, words), default=0)
    return pl.concat(
        [
            df.filter(~short),
            df.filter(short).filter(~pl.col("token").str.to_lowercase().is_in(words)),
        ]
    )


def _bare(path: str) -> str:
    return PureWindowsPath(PurePosixPath(path).name).name or "export"


def _shown_path(path: str) -> str:
    """A relative path as given (GitHub annotations and SARIF must point at the real file);
    an absolute or home path only by its name (/home/jsmith/... names a person)."""
    if not path or PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
        return _bare(path)
    if path.startswith("~") or PureWindowsPath(path).drive:
        return _bare(path)
    return path


QUOTES = ["'", '"', "\u2018", "\u2019", "\u201c", "\u201d", "`"]


# Words around a number that make it the tool's: "line 17", "lines 3-17", "17 users".
LINE_WORDS = ["line", "lines", "row", "rows", "cell", "cells", "column", "columns"]
COUNT_WORDS = [
    *("user", "users", "student", "students", "teacher", "teachers", "class", "classes"),
    *("enrollment", "enrollments", "school", "schools", "course", "courses", "row", "rows"),
    *("line", "lines", "field", "fields", "column", "columns", "record", "records", "more"),
    *("of", "bytes", "values", "times", "new", "people", "accounts", "findings", "grades"),
]


def _tools_word() -> pl.Expr:
    """In a sentence, a personal token that is the tool's own word: a number that counts or
    places (line 17, 17 users) or a name that is an ordinary word there ("Will") and not
    quoted.  Names stay replaced next to other personal data (EVELYN BAILEY (…)) because
    only a capitalised word after a lower-case word reads as prose."""
    piece = pl.col("piece")
    low = piece.str.to_lowercase()
    prev2 = low.shift(2).over("rid")
    next2 = low.shift(-2).over("rid")
    prev1 = piece.shift(1).over("rid")
    next1 = piece.shift(-1).over("rid")
    quoted = prev1.is_in(QUOTES).fill_null(False) | next1.is_in(QUOTES).fill_null(False)
    digits = piece.str.contains(r"^[0-9]+$")
    counting = (
        prev2.is_in(LINE_WORDS).fill_null(False)
        | (next2.is_in(COUNT_WORDS).fill_null(False) & (next1 == " ").fill_null(False))
        | (prev1 == "-").fill_null(False)
        & low.shift(3).over("rid").is_in(LINE_WORDS).fill_null(False)
    )
    # a name in running text: the word before it is lower-case prose, not more data
    prose_before = piece.shift(2).over("rid").str.contains(r"^[a-z]+$").fill_null(False) & (
        prev1 == " "
    ).fill_null(False)
    ordinary = (pl.col("kind") == "name") & prose_before & piece.str.contains(r"^[A-Z][a-z]+$")
    return ~quoted & ((digits & counting) | ordinary)


def _weak(token: str = "tok") -> pl.Expr:
    """Tokens that prose uses for its own words too: names and all-digit tokens."""
    return (pl.col("kind") == "name") | pl.col(token).str.contains(r"^[0-9]+$")


@functools.cache
def vocabulary() -> frozenset[str]:
    """Lower-cased words the tool itself writes as values: never a person's."""
    from roster_lint.catalogue import Severity
    from roster_lint.spec import oneroster

    words = {s.value for s in Severity}
    words |= {"student", "teacher", "school", "admin", "administrator", "district", "error"}
    words |= {"create", "transfer", "update", "unchanged", "skip", "retain", "enroll", "split"}
    words |= {"unenroll", "mapped", "needs-mapping", "unverified", "sync", "true", "false"}
    spec = oneroster()
    for name in getattr(spec, "enums", {}) or {}:
        words |= {str(v).lower() for v in spec.enum_values(name)}
    return frozenset(words)


KEY_ENV = "ROSTER_LINT_REDACT_KEY"
_key_file: str | None = None  # from the config's redact_key_file (config.py sets it)
_run_key: bytes | None = None  # the random key of this run, when there is no other


def use_key_file(path: str | None) -> None:
    """The config's `redact_key_file`: where the district's key is kept."""
    global _key_file
    _key_file = path


def new_key_text() -> str:
    """A fresh key for `redact-key init`: 256 random bits, as hex."""
    return secrets.token_hex(32)


def _key() -> bytes:
    env = os.environ.get(KEY_ENV)
    if env:
        return hashlib.sha256(env.encode("utf-8")).digest()
    if _key_file:
        try:
            text = Path(_key_file).read_bytes().strip()
        except OSError as exc:
            raise UsageError(
                f"redact_key_file {_key_file}: cannot read ({exc.strerror or exc})"
            ) from None
        if len(text) < 16:
            raise UsageError(f"redact_key_file {_key_file}: too short to be a key")
        return hashlib.sha256(text).digest()
    global _run_key
    if _run_key is None:
        _run_key = secrets.token_bytes(32)
    return _run_key


def has_district_key() -> bool:
    return bool(os.environ.get(KEY_ENV) or _key_file)


PSEUDONYM = r"^[a-z]+-[bcdfghkmpt]{14}(?:@\S+)?$"
KINDS_OF_ENTITY = {
    "user": ("user", "username", "email", "ident", "userid"),
    "enrollment": ("enrollment",),
}


def looks_like_pseudonym(text: str) -> bool:
    import re

    return re.match(PSEUDONYM, text) is not None


def find_pseudonym(exports: Iterable[Export | None], entity: str, text: str) -> str | None:
    """The raw value behind a pseudonym of `entity`'s kinds, with the district's key; None
    when no personal value of the exports has it."""
    kinds = KINDS_OF_ENTITY.get(entity)
    if kinds is None:
        return None
    r = Redactor(exports)
    key = r.key
    prefix = text.split("-", 1)[0]
    tokens = r.tokens.filter(pl.col("kind").is_in(list(kinds)))
    for token, kind in tokens.iter_rows():
        if kind == prefix and pseudonym_of(token, kind, key) == text:
            return str(token)
    return None


def _mac_letters(token: str, key: bytes) -> str:
    h = hashlib.blake2b(token.encode("utf-8"), key=key, digest_size=8, person=b"roster-lint")
    digits = str(int.from_bytes(h.digest(), "big") % 10**LETTERS).zfill(LETTERS)
    return digits.translate(_TO_LETTERS)


_TO_LETTERS = str.maketrans("".join(DIGITS), "".join(ALPHABET))


def pseudonym_of(token: str, kind: str, key: bytes) -> str:
    """`kind-xxxxxxxxxxxxxx`; an e-mail keeps its domain."""
    low = token.lower()
    if kind == "email" and "@" in low:
        domain = low.rpartition("@")[2]
        return f"email-{_mac_letters(low, key)}@{domain}"
    return f"{kind}-{_mac_letters(low, key)}"


_LETTER_BYTES = np.frombuffer("".join(ALPHABET).encode(), np.uint8)


def _letters(tokens: list[str], key: bytes) -> tuple[list[str], pl.Series]:
    """(each token lower-cased, _mac_letters of it): pseudonym_of's own `str.lower` and
    keyed BLAKE2b, the one Python loop per token left (a keyed hash has no column form;
    a copy of a hash already keyed, fed the token: ~0.6 us a token), then the number's
    LETTERS digits, as letters, by numpy."""
    keyed = hashlib.blake2b(key=key, digest_size=8, person=b"roster-lint").copy
    lows = [t.lower() for t in tokens]

    def mac(low: str) -> bytes:
        h = keyed()
        h.update(low.encode("utf-8"))
        return h.digest()

    raw = b"".join([mac(t) for t in lows])
    n = np.frombuffer(raw, dtype=">u8").astype(np.uint64) % np.uint64(10**LETTERS)
    out = np.empty((len(lows), LETTERS), np.uint8)
    ten = np.uint64(10)
    for i in range(LETTERS - 1, -1, -1):  # the last digit first: zero-padded, as zfill
        out[:, i] = _LETTER_BYTES[n % ten]
        n //= ten
    return lows, pl.Series("letters", out.view(f"S{LETTERS}").ravel()).cast(pl.String)


# Tokens whose pseudonyms are made by one Python loop: its lists hold two Python strings
# per token (~1.4 GB for the 8.4M ids of a million students, made at once).
PSEUDONYMS_AT_ONCE = 1 << 19


def pseudonyms(hits: pl.DataFrame, key: bytes) -> pl.Series:
    """pseudonym_of(tok, kind, key) of every row of a (tok, kind) frame of distinct
    tokens, the same text, with the digits, letters and e-mail domains made by the column
    (pseudonym_of row by row cost ~3 us a token: a plan --redact has millions)."""
    if hits.height > PSEUDONYMS_AT_ONCE:  # each part's Python strings freed before the next
        parts = [
            pseudonyms(hits.slice(i, PSEUDONYMS_AT_ONCE), key)
            for i in range(0, hits.height, PSEUDONYMS_AT_ONCE)
        ]
        return pl.concat(parts, rechunk=False)
    lows, letters = _letters(hits.get_column("tok").to_list(), key)
    frame = pl.DataFrame(
        {"low": pl.Series(lows, dtype=pl.String), "kind": hits.get_column("kind"), "l": letters}
    )
    # an e-mail keeps its domain: what follows the last "@" (str.rpartition)
    is_email = (pl.col("kind") == "email") & pl.col("low").str.contains("@", literal=True)
    domain = pl.when(is_email).then(pl.lit("@") + pl.col("low").str.split("@").list.last())
    made = pl.concat_str(pl.col("kind"), pl.lit("-"), pl.col("l"), domain.otherwise(pl.lit("")))
    return frame.select(made.alias("ps")).to_series()


def swap(values: pl.Series, m: pl.DataFrame) -> pl.Series:
    """`values` with each `m.orig` replaced by its `m.red` (others, nulls included, kept).

    A left join, because `Series.replace` with a million-entry mapping is orders of magnitude
    slower (docs/performance.md); `m.orig` is unique, so rows stay aligned.
    """
    if m.height == 0:
        return values
    red = values.to_frame("orig").join(m, on="orig", how="left", maintain_order="left")["red"]
    return red.fill_null(values).alias(values.name)


def _among(frame: pl.DataFrame, toks: pl.DataFrame) -> pl.DataFrame:
    """The rows of `frame` whose `tok` is one of `toks`' (the same rows any join on `tok`
    with `toks` matches), when `toks` is small beside it: a join hashed the larger side
    (the plan's 8M tokens looked up, for a few hundred details: 1-3 s at 1M students)."""
    if toks.height * 4 >= frame.height:
        return frame
    return frame.filter(pl.col("tok").is_in(toks.get_column("tok").implode()))


def _put(n: int, idx: pl.Series, values: pl.Series) -> pl.Series:
    """A column of `n` nulls with `values` at the rows `idx`."""
    out = pl.repeat(None, n, dtype=values.dtype, eager=True).alias(values.name)
    return out.scatter(idx, values) if idx.len() else out


class Redactor:
    """Pseudonymises every personal token that occurs in the given exports.

    Pseudonyms are computed only for the tokens a report actually contains: a district
    has millions of personal tokens and a report mentions a fraction of them.
    """

    def __init__(self, exports: Iterable[Export | None], actions_shown: int | None = None) -> None:
        found = [e for e in exports if e is not None]
        self._gathering: list[str] | None = None  # apply's first pass collects strings here
        self._known: dict[str, str] = {}  # apply's strings, redacted
        # apply's frames: the values they look up (first pass) and the action rows shown
        self._values: list[pl.Series] = []
        self._rows: dict[int, tuple[pl.Series | None, pl.DataFrame]] = {}
        self.key = _key()
        # `actions_shown`: the reports read the personal columns of at most this many
        # action rows per (entity, action) (check's HTML; 0 without it) and of every
        # school's; the others are blanked, not pseudonymised (a district's plan has
        # millions of them).  None: every row is redacted (`plan --redact`).
        self.actions_shown = actions_shown
        self._tables = [t for e in found for t in e.tables.values() if t.readable]
        self._cols: list[tuple[pl.Series, str]] | None = None
        self._prep: tuple[list[tuple[pl.Series, int]], pl.DataFrame] | None = None
        # the candidate tokens looked up so far, and those found personal (tok -> kind)
        self._seen = pl.Series("tok", [], dtype=pl.String)
        self._found = pl.DataFrame(schema={"tok": pl.String, "kind": pl.String})
        self._made = pl.DataFrame(schema={"tok": pl.String, "ps": pl.String})  # pseudonyms
        # True in apply's second pass: its first looked up every value the frames hold
        self._prefetched = False

    def _columns(self) -> list[tuple[pl.Series, str]]:
        if self._cols is None:
            self._cols = [c for t in self._tables for c in _columns(t)]
        return self._cols

    def _prepared(self) -> tuple[list[tuple[pl.Series, int]], pl.DataFrame]:
        """(values, r) of every personal column, as it is in the export (no copy), and
        (token, low, r) of the tokens of the values that are not PLAIN: made once, probed
        by every look-up (apply redacts several frames and its strings).

        A PLAIN value is one token and its own lower case, so it is found by probing the
        column as it is (`is_in`, no cutting, no lower-casing, no second copy of the
        export's millions of ids); only the other values (names, upper-case ids, values of
        several tokens: few) are cut and lower-cased.
        """
        if self._prep is None:
            rank = {k: i for i, k in enumerate(KINDS)}
            whole, rest = [], []
            for values, kind in self._columns():
                r = rank[kind]
                whole.append((values, r))
                other = values.filter(~_plain(values))
                toks = _tokens_of(other.filter(other.str.len_bytes() > 1))
                rest.append(
                    pl.DataFrame({"token": toks}).with_columns(pl.lit(r, pl.Int32).alias("r"))
                )
            empty = pl.DataFrame(schema={"token": pl.String, "r": pl.Int32})
            self._prep = (
                whole,
                pl.concat([empty, *rest], rechunk=False).with_columns(
                    pl.col("token").str.to_lowercase().alias("low")
                ),
            )
        return self._prep

    def _prefetch(self, values: pl.Series) -> None:
        """Look up every token of `values` at once (one probe, however many columns)."""
        if self._prefetched:  # (a value missed is looked up by `_hits` all the same)
            return
        u = values.cast(pl.String).drop_nulls().unique()
        if u.len() and self._tables:
            self._look_up(_distinct_tokens(u))

    @property
    def tokens(self) -> pl.DataFrame:
        """(token, kind) of every personal token of the exports (slow: `find_pseudonym`)."""
        return _all_tokens(self._columns())

    # -- strings -------------------------------------------------------------------------
    def _look_up(self, cands: pl.Series) -> None:
        """Find which of `cands` (distinct tokens) are personal, and as which kind.

        Pseudonyms are needed only for the tokens a report holds (hundreds in `check`),
        so the export's millions of personal values are searched for those, not turned
        into a token table: a token matches a personal token of the same text (its first
        kind in KINDS), else, if longer than three characters, one of the same lower case.
        """
        # The seen tokens that are candidates, then the candidates not among them: the
        # candidates hashed (few, after apply's first look-up), not the millions seen.
        seen = self._seen
        if cands.len() * 4 < seen.len():
            seen = seen.filter(seen.is_in(cands.implode()))
        new = cands.filter(~cands.is_in(seen.implode()))
        if new.len() == 0:
            return
        self._seen = pl.concat([self._seen, new.alias("tok")])
        lower = new.str.to_lowercase()  # (once: 8M ids of 70 bytes at 1M students)
        kept = (new.str.len_chars() > 1) & ~lower.is_in(sorted(vocabulary()))
        c, low = new.filter(kept), lower.filter(kept)
        del lower
        if c.len() == 0:
            return
        # (not made distinct: `is_in` hashes them into a set all the same)
        wanted = pl.concat([c, low.filter(low != c)]).implode()  # (most are lower case)
        folds = low.implode()
        rank = {k: i for i, k in enumerate(KINDS)}
        whole, rest = self._prepared()
        # A value equal to a wanted token is that personal token (PLAIN values are found
        # only so: their lower case is themselves); the others' tokens are in `rest`.
        token = pl.col("token")
        # One probe of all the columns put end to end (no copy: their chunks), cut back
        # into columns: an `is_in` per column hashed `wanted` (a plan's millions of
        # tokens) once per column, 7x the CPU (docs/performance.md, branch redact9).
        hit = pl.concat([v.cast(pl.String).alias("token") for v, _ in whole], rechunk=False)
        hit = hit.is_in(wanted)
        parts, at = [], 0
        for v, r in whole:
            found = v.filter(hit.slice(at, v.len()))
            at += v.len()
            r_col = pl.lit(r, pl.Int32).alias("r")
            parts.append(pl.DataFrame({"token": found}).with_columns(r_col))
        parts.append(
            rest.filter(token.is_in(wanted) | pl.col("low").is_in(folds)).select("token", "r")
        )
        personal = _ranked(parts)
        # one join: the candidates matched exactly, and those left over (no second join)
        matched = c.to_frame("tok").join(personal, left_on="tok", right_on="token", how="left")
        exact = matched.filter(pl.col("kind").is_not_null())
        left = (
            matched.filter(pl.col("kind").is_null())
            .select("tok")
            .with_columns(pl.col("tok").str.to_lowercase().alias("folded"))
        )
        del matched
        # only the personal tokens that fold to a token left over (few, in a plan whose
        # every id was found as it is) are grouped by their lower case
        # Lower-casing never shortens a token (in characters), so only personal tokens no
        # longer than the longest left over can fold to one: the plan's millions of
        # enrollment ids are not lower-cased for a few words of its details (4 s at 1M).
        size = pl.col("token").str.len_chars()
        most = left.select(pl.col("folded").str.len_chars().max()).item() or 0
        could = personal.filter((size > CASE_SENSITIVE_UP_TO) & (size <= most))
        folding = pl.col("token").str.to_lowercase().is_in(left["folded"].implode())
        folded = left.join(
            could.filter(folding)
            .with_columns(
                pl.col("token").str.to_lowercase().alias("folded"),
                pl.col("kind").replace_strict(rank, return_dtype=pl.Int32).alias("r"),
            )
            .group_by("folded")
            .agg(pl.col("kind").sort_by("r").first()),
            on="folded",
            how="inner",
        ).select("tok", "kind")
        self._found = pl.concat([self._found, exact.select("tok", "kind"), folded])

    def _hits(self, toks: pl.DataFrame, distinct: bool = False) -> pl.DataFrame:
        """(tok, kind, ps) for the personal tokens among `toks` (exact case first, then
        folded).  `distinct`: `toks` holds each token once already."""
        uniq = toks.select("tok") if distinct else toks.select("tok").unique()
        # Only the tokens not found personal yet are looked up (`_look_up` skips those
        # it has seen): after apply's first pass, a plan's millions of ids are all found,
        # and the probe of what was seen hashed them all again (7 s at 1M students).
        known = uniq.join(_among(self._found, uniq), on="tok", how="left")
        missing = known.filter(pl.col("kind").is_null()).get_column("tok")
        before = self._found.height
        if missing.len():
            self._look_up(missing)
        if self._found.height == before:
            hits = known.filter(pl.col("kind").is_not_null())
        else:
            hits = uniq.join(self._found, on="tok", how="inner")
        # each token's pseudonym made once (apply redacts several frames and strings)
        if self._made.height:
            hits = hits.join(_among(self._made, hits), on="tok", how="left")
            new = hits.filter(pl.col("ps").is_null()).drop("ps")
            hits = hits.filter(pl.col("ps").is_not_null())
        else:
            new, hits = hits, hits.clear().with_columns(pl.lit(None, pl.String).alias("ps"))
        if new.height:
            made = new.with_columns(pseudonyms(new, self.key).alias("ps"))
            self._made = pl.concat([self._made, made.select("tok", "ps")])
            hits = pl.concat([hits, made])
        return hits

    def found_pseudonyms(self) -> pl.DataFrame | None:
        """(tok, ps) of every token found personal so far, or None before apply's first
        pass has looked up all the result's tokens: then, every personal token of the
        result, so a column of millions of one-token values (a plan's ids) is redacted by
        one join per row, not a mapping of its distinct values and a join back."""
        if not self._prefetched:
            return None
        made = self._made.get_column("tok")
        new = self._found.filter(~pl.col("tok").is_in(made.implode()))
        if new.height:
            new = new.with_columns(pseudonyms(new, self.key).alias("ps"))
            self._made = pl.concat([self._made, new.select("tok", "ps")])
        return self._made

    def mapping(self, values: pl.Series, prose: bool = False) -> pl.DataFrame:
        """orig -> red for the distinct values of a String series that hold personal tokens.

        `prose`: the values are the tool's sentences, where names and all-digit tokens are
        replaced only where quoted (see the module's docstring)."""
        u = values.cast(pl.String).drop_nulls().unique()
        empty = pl.DataFrame(schema={"orig": pl.String, "red": pl.String})
        if u.len() == 0 or not self._tables:
            return empty
        whole = u.str.contains(WHOLE)
        # A value that is one token is redacted whole or not at all: no cutting into pieces
        # (ids, the bulk of a district's plan: millions of them).
        single = self._hits(u.filter(whole).to_frame("tok"), distinct=True)
        single = single.select(pl.col("tok").alias("orig"), pl.col("ps").alias("red"))
        rest = u.filter(~whole)
        if rest.len() == 0:
            return single
        frame = pl.DataFrame({"orig": rest}).with_row_index("rid")
        toks = (
            frame.select("rid", pl.col("orig").str.extract_all(TOKEN).alias("tok"))
            .explode("tok")
            .drop_nulls("tok")
        )
        hits = self._hits(toks)
        if hits.height == 0:
            return single
        rids = toks.join(hits.select("tok"), on="tok", how="semi").select("rid").unique()
        pieces = (
            frame.join(rids, on="rid", how="semi")
            .with_columns(pl.col("orig").str.extract_all(PIECE).alias("piece"))
            .explode("piece")
            .with_row_index("pos")
            .join(hits, left_on="piece", right_on="tok", how="left", maintain_order="left")
        )
        if prose:
            pieces = pieces.with_columns(
                pl.when(_tools_word()).then(None).otherwise(pl.col("ps")).alias("ps")
            )
        pieces = pieces.with_columns(pl.coalesce("ps", "piece").alias("red"))
        red = pieces.group_by("rid", maintain_order=True).agg(
            pl.col("orig").first(), pl.col("red").str.join("")
        )
        return pl.concat([single, red.select("orig", "red")])

    def series(self, s: pl.Series, prose: bool = False) -> pl.Series:
        return swap(s.cast(pl.String), self.mapping(s, prose))

    def text(self, value: str) -> str:
        if self._gathering is not None:  # apply's first pass: note it, answer later
            self._gathering.append(value)
            return value
        if value in self._known:
            return self._known[value]
        out = self.series(pl.Series([value], dtype=pl.String), prose=True).item()
        return str(out)

    def frame(
        self, df: pl.DataFrame, columns: Iterable[str], prose: Iterable[str] = ()
    ) -> pl.DataFrame:
        """Redact the named String columns (one lookup for all of them); `prose` columns
        are the tool's sentences."""
        told = set(prose)
        cols = [c for c in columns if c in df.columns and df.schema[c] == pl.String]
        if not cols or df.height == 0:
            return df
        self._prefetch(pl.concat([df.get_column(c) for c in cols]))
        out = df
        for group, is_prose in (
            ((c for c in cols if c not in told), False),
            (
                (c for c in cols if c in told),
                True,
            ),
        ):
            names = list(group)
            if names:
                m = self.mapping(pl.concat([df.get_column(c) for c in names]), is_prose)
                out = out.with_columns(swap(df.get_column(c), m) for c in names)
        return out

    # -- objects -------------------------------------------------------------------------
    def findings(self, df: pl.DataFrame) -> pl.DataFrame:
        return self.frame(df, FINDING_FIELDS, prose=("message",))

    def actions(self, df: pl.DataFrame) -> pl.DataFrame:
        cap = self.actions_shown
        if cap is None or df.height == 0 or not {"entity", "action"} <= set(df.columns):
            return self._actions(df)
        # No report reads the other rows' other columns: they are blanked, not redacted.
        # Only the shown rows (a few thousand of a district's millions) are redacted and
        # put back in place, in columns that are otherwise null (no copy of the plan's ids).
        # Every school's row is shown: its id is in every format's school counts (counts.py).
        idx, rows = self._shown(df, cap)
        if idx is None:
            return self._actions(df)
        red = self._actions(rows)
        return df.with_columns(
            _put(df.height, idx, red.get_column(c)) for c in df.columns if c not in KEEP
        )

    def _shown(self, df: pl.DataFrame, cap: int) -> tuple[pl.Series | None, pl.DataFrame]:
        """(row numbers, rows) of an actions frame that a report shows; (None, df): all.
        Kept for apply's second pass (the first gathers their tokens)."""
        if id(df) in self._rows:
            return self._rows[id(df)]
        shown = pl.col("entity") == "school"
        if cap > 0:
            shown = shown | (pl.int_range(pl.len()).over("entity", "action") < cap)
        idx = df.select(pl.arg_where(shown)).to_series()
        out = (None, df) if idx.len() == df.height else (idx, df.select(pl.all().gather(idx)))
        if self._gathering is not None:
            self._rows[id(df)] = out
        return out

    def candidates(self, df: pl.DataFrame) -> pl.Series:
        """The values of a frame that its redaction looks up (apply's first pass)."""
        if "code" in df.columns and "message" in df.columns:
            cols = FINDING_FIELDS
        else:
            cap = self.actions_shown
            if cap is not None and df.height and {"entity", "action"} <= set(df.columns):
                df = self._shown(df, cap)[1]
            cols = tuple(c for c in df.columns if c not in KEEP)
        named = [df.get_column(c) for c in cols if c in df.columns and df.schema[c] == pl.String]
        return pl.concat(named) if named else pl.Series([], dtype=pl.String)

    def _actions(self, df: pl.DataFrame) -> pl.DataFrame:
        """Every row of `df` redacted (`plan --redact` writes them all)."""
        named = [c for c in df.columns if c not in KEEP and df.schema[c] == pl.String]
        if df.height:
            self._prefetch(pl.concat([df.get_column(c) for c in named]))
        out = self.frame(df, [c for c in named if c != "id"])
        if "id" in df.columns and "entity" in df.columns:
            personal = pl.col("entity").is_in(sorted(PERSONAL_ENTITIES))
            red = self.frame(df.select("id"), ["id"])["id"]
            out = out.with_columns(pl.when(personal).then(red).otherwise(pl.col("id")).alias("id"))
        return out

    def export(self, exp: Export) -> Export:
        """A copy whose path is the bare name and whose personal columns are blanked."""
        name = _shown_path(exp.path)
        tables = {}
        for key, t in exp.tables.items():
            blank = [c for c in t.df.columns if c != LINE and _kind_of(t.name, c)]
            df = t.df.with_columns(pl.lit("[redacted]").alias(c) for c in blank)
            tables[key] = dataclasses.replace(t, df=df)
        return dataclasses.replace(exp, path=name, tables=tables, findings=Findings())

    def apply(self, obj: Any) -> Any:
        """A redacted copy of any result object: dataclasses, frames, dicts, lists, strings.

        Two passes: the first gathers every loose string (root causes, follow-ups, notes:
        hundreds) and the values every frame will look up, and looks all their tokens up
        at once; one lookup per string scanned the whole token table each time
        (docs/performance.md).  The second pass redacts, from what was looked up.
        """
        self._gathering, self._values = [], []
        try:
            self._walk(obj, None)
            strings = pl.Series(self._gathering, dtype=pl.String).unique()
            # every token of the result looked up at once: each look-up probes every
            # personal column of the export (millions of values)
            self._prefetch(pl.concat([strings, *self._values]))
        finally:
            self._gathering, self._values = None, []
        self._prefetched = True
        try:
            m = self.mapping(strings, prose=True)
            self._known = {v: v for v in strings.to_list()}
            self._known.update(zip(m["orig"].to_list(), m["red"].to_list(), strict=True))
            return self._walk(obj, None)
        finally:
            self._known, self._rows, self._prefetched = {}, {}, False

    def _walk(self, obj: Any, field: str | None) -> Any:
        if field in KEEP:
            return obj
        if isinstance(obj, Plan):
            return self._plan(obj)
        if self._gathering is not None and isinstance(obj, pl.DataFrame | Export):
            if isinstance(obj, pl.DataFrame):  # first pass: what the frame will look up
                self._values.append(self.candidates(obj))
            return obj
        if field in PATH_FIELDS and isinstance(obj, str):
            return _shown_path(obj)
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, Export):
            return self.export(obj)
        if isinstance(obj, pl.DataFrame):
            if "code" in obj.columns and "message" in obj.columns:
                return self.findings(obj)
            return self.actions(obj)
        if isinstance(obj, dict):
            return self._record(obj, dict(obj))
        if isinstance(obj, list | tuple):
            items = [self._walk(v, None) for v in obj]
            return type(obj)(items) if isinstance(obj, tuple) else items
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}
            return dataclasses.replace(obj, **self._record(obj, fields))
        return obj

    def _plan(self, plan: Plan) -> Plan:
        """A plan redacted as it keeps its actions: reasons as keys, details in a table
        (report/redact_plan.py); its other fields as any record's."""
        from roster_lint.report import redact_plan

        fields = {
            f.name: getattr(plan, f.name)
            for f in dataclasses.fields(plan)
            if f.init and f.name != "actions"  # (`actions` would make every reasons list)
        }
        red = self._record(plan, fields)
        if self._gathering is not None:  # first pass: what the actions will look up
            self._values.append(redact_plan.candidates(self, plan))
            return plan
        return redact_plan.redacted(self, plan, red)

    def _record(self, obj: Any, fields: dict[str, Any]) -> dict[str, Any]:
        """Redact a record's fields; its `id` only when `entity` says it is a person's."""
        entity = fields.get("entity")
        out = {}
        for k, v in fields.items():
            key = str(k)
            if key == "id" and isinstance(entity, str) and entity not in PERSONAL_ENTITIES:
                out[k] = v
            else:
                out[k] = self._walk(v, key)
        return out
