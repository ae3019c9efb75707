"""Plain words for people: the behaviour codes of summit-k12-sync.md (SK-A9) and the
section marks of the project's OneRoster notes are references for maintainers, not prose.

A core module: the plan's notes (predict) and every report (text, Markdown, HTML) use the
same two functions.  JSON keeps the codes where the contract names them (`source`), and
`explain` keeps the rule's page as the catalogue writes it.
"""

from __future__ import annotations

import re

CODE = r"SK-[A-Z]+\d+"
_ONLY_CODES = re.compile(rf"\s*\(\s*{CODE}(?:\s*,\s*{CODE})*\s*\)")  # " (SK-C5)", " (SK-P1, SK-P3)"
_CODE_IN_PARENS = re.compile(rf",\s*{CODE}(?=\s*\))")  # "(after the nightly sync, SK-A8)"
_OPENS_PARENS = re.compile(rf"\(\s*{CODE}\s*;\s*")  # "(SK-A4; the older engine ...)"
_LEADS = re.compile(rf"(^|(?<=[.;:]\s)){CODE}:")  # "SK-F2: references must match"
_BARE = re.compile(rf"\b{CODE}\b")


def codes_last(text: str) -> str:
    """`text` with its behaviour codes moved out of the sentence to one parenthesis at the
    end: "a class whose course is missing is not created (SK-C5), a user ..." reads
    "a class whose course is missing is not created, a user ... (SK-C5, SK-A4)."  A code
    that is part of a phrase ("SK-C3 asks only for ...") becomes "the documented
    sync".  Text whose codes already close it is returned unchanged."""
    codes = list(dict.fromkeys(_BARE.findall(text)))
    if not codes:
        return text
    body = _ONLY_CODES.sub("", text)
    body = _CODE_IN_PARENS.sub("", body)
    body = _OPENS_PARENS.sub("(", body)
    body = _LEADS.sub("Documented:", body)
    body = _BARE.sub("the documented sync", body)
    # a sentence that opened with a code opens with the words that replace it
    body = re.sub(r"(^|[.!?]\s+)the documented", r"\1The documented", body)
    body = re.sub(r"[ \t]+([.,;:])", r"\1", body).rstrip()
    end = "." if body.endswith(".") else ""
    if end:
        body = body[:-1]
    return f"{body} ({', '.join(codes)}){end}"


def cut_off(file: str, line: int) -> str:
    """A file cut off inside a record (RL028), as the plan's notes and `why` tell it."""
    return (
        f"{file} ends in the middle of the record at line {line}: cut off, the records "
        "after it are missing (RL028)"
    )


def plain_source(source: str) -> str:
    """A rule's `source` for a reader: which document it comes from, the behaviour code in
    parentheses at the end ("OneRoster §5.6, §11 #8; SK-C3" -> "the OneRoster CSV
    specification and the Summit K12 sync documentation (SK-C3)")."""
    low = source.lower()
    parts = []
    if "oneroster" in low:
        parts.append("the OneRoster CSV specification")
    if "zip" in low:
        parts.append("the ZIP format")
    if "roster-lint" in low:
        parts.append("roster-lint's own limits")
    if "classlink" in low:
        parts.append("ClassLink's checks")
    codes = list(dict.fromkeys(_BARE.findall(source)))
    if codes:
        parts.append("the Summit K12 sync documentation")
    if "not documented" in low:
        parts.append("not documented by Summit K12")
    words = " and ".join(parts) or source
    words = words[0].upper() + words[1:]
    return f"{words} ({', '.join(codes)})" if codes else words
