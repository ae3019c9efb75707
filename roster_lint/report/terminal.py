"""Text from the data, made safe for a terminal: the one helper every command uses.

A school name or user id can carry escape sequences (OSC 52 sets the reader's clipboard,
OSC 0 the window title) or bidi controls that reorder what is shown.  Every string that
comes from an export, a path or an exception is passed through `clean` before it reaches
a console, in every command's text output and in the one-line errors on stderr.
"""

from __future__ import annotations

import unicodedata

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

# C0/C1 controls (tab and line breaks too), format characters (bidi overrides, zero-width)
# and the Unicode line and paragraph separators.
SHOWN_AS_ESCAPES = ("Cc", "Cf", "Zl", "Zp")


def clean(text: object) -> str:
    """`text` with every control, format and separator character written as \\uXXXX."""
    s = "" if text is None else str(text)
    if s.isprintable() and s.isascii():
        return s  # the common case, at C speed
    # a file name that is not UTF-8 arrives with surrogates, which no stream can encode
    s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in SHOWN_AS_ESCAPES else ch for ch in s
    )


def markup_safe(text: object) -> str:
    """`clean`, then escaped for rich markup (for renderers that build markup strings)."""
    return escape(clean(text))


def one_line(text: object) -> str:
    """An error message as one line: line breaks shown, other controls escaped."""
    return clean(text)


TOKEN_CAP = 40  # a longer token (a URL, a blob) may still be folded


def keep_tokens(table: Table) -> Table:
    """`table` with each column at least as wide as its longest word, so rich wraps
    between words and never cuts an identifier, rule name or file name in two at 80
    columns (`enrollment-class-not-creat` / `ed`).  Call after the rows are added."""
    for column in table.columns:
        cells = [column.header, *column._cells]  # rich keeps the cells on the column
        longest = 0
        spaced = False
        for cell in cells:
            plain = Text.from_markup(cell).plain if isinstance(cell, str) else ""
            spaced = spaced or " " in plain.strip()
            for word in plain.split():
                longest = max(longest, min(len(word), TOKEN_CAP))
        # One token per cell (a file, a rule name, a count): never wrapped, so rich shrinks
        # the prose columns instead, which it wraps between words.
        if not spaced and longest < TOKEN_CAP:
            column.no_wrap = True
        elif longest:  # prose: wrapped between words, never narrower than its longest word
            column.min_width = max(column.min_width or 0, longest)
    return table


def _lines(text: Text, width: int) -> list[Text]:
    """`text` broken between words at `width`; a longer word stays whole (rich's own
    wrapping either folds it or, with overflow "ignore", does not wrap at all)."""
    from rich._wrap import divide_line

    out: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        offsets = divide_line(paragraph.plain, width, fold=False)
        out.extend(paragraph.divide(offsets) if offsets else [paragraph])
    for line in out:
        line.rstrip()
    return out or [Text()]


def wrapped(console: Console, text: Text | str, indent: int = 0, hang: int = 0) -> list[Text]:
    """`text` as lines of at most the console's width, broken only between words: each
    line starts with `indent` spaces (`indent + hang` after the first) and ends without
    a space.  A word longer than a line (a long e-mail at 60 columns) is kept whole on a
    line of its own, so it can still be copied; it is never cut in two."""
    body = text if isinstance(text, Text) else Text(text)
    width = max(20, console.width - indent)
    first, *rest = _lines(body, width)
    parts = [first]
    if rest and hang:  # re-wrap what follows the first line to the hanging width
        rest = _lines(Text(" ").join(rest), max(20, width - hang))
    parts += rest
    out = []
    for n, part in enumerate(parts):
        pad = indent + (hang if n else 0)
        out.append(Text(" " * pad) + part if pad else part)
    return out


def print_lines(console: Console, lines: list[Text]) -> None:
    """Each line as it is: no wrapping and no padding by rich."""
    for line in lines:
        console.print(line, soft_wrap=True)


def print_wrapped(console: Console, text: Text | str, indent: int = 0) -> None:
    """`text` wrapped between words at the console's width, each line without trailing
    spaces (rich's own wrapping pads styled lines); a token longer than a line is folded."""
    body = text if isinstance(text, Text) else Text(text)
    for part in body.wrap(console, max(20, console.width - indent), overflow="fold"):
        part.rstrip()
        console.print(Text(" " * indent) + part if indent else part, soft_wrap=True)
