"""Text from the data, made safe for a terminal: the one helper every command uses.

A school name or user id can carry escape sequences (OSC 52 sets the reader's clipboard,
OSC 0 the window title) or bidi controls that reorder what is shown.  Every string that
comes from an export, a path or an exception is passed through `clean` before it reaches
a console, in every command's text output and in the one-line errors on stderr.
"""

from __future__ import annotations

import unicodedata

from rich.markup import escape

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
