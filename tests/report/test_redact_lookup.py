"""--redact looks up only the tokens a report holds: the same answer as a table of every
personal token of the export, and check's unshown plan rows are blanked, never leaked."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from roster_lint.load import load_export
from roster_lint.report.redact import (
    CASE_SENSITIVE_UP_TO,
    KINDS,
    Redactor,
    _plain,
    _tokens_of,
)
from tests.report.test_outputs_support import export_path, plan_of

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _oracle(r: Redactor, cands: list[str]) -> dict[str, str]:
    """tok -> kind from the whole token table (exact first, then the lower case of a
    token longer than three characters, its first kind in KINDS)."""
    table = r.tokens
    exact = dict(table.iter_rows())
    rank = {k: i for i, k in enumerate(KINDS)}
    folded: dict[str, str] = {}
    for tok, kind in table.iter_rows():
        if len(tok) > CASE_SENSITIVE_UP_TO:
            low = tok.lower()
            if low not in folded or rank[kind] < rank[folded[low]]:
                folded[low] = kind
    out = {}
    for c in cands:
        if c in exact:
            out[c] = exact[c]
        elif c.lower() in folded and len(c) > 1:
            out[c] = folded[c.lower()]
    return out


def test_lookup_matches_the_whole_token_table() -> None:
    r = Redactor([load_export(str(SAMPLES / "district-flawed"))])
    tokens = r.tokens["token"].to_list()
    assert len(tokens) > 100
    # every personal token, its upper and title case, and words that are no one's
    cands = sorted(
        {*tokens, *(t.upper() for t in tokens), *(t.title() for t in tokens)}
        | {"sch1", "the", "student", "x", "zz-not-a-person", "Alan", "ADA"}
    )
    got = r._hits(pl.DataFrame({"tok": cands}))
    assert dict(got.select("tok", "kind").iter_rows()) == _oracle(r, cands)
    # asked again (apply's passes, several frames): the same, from what was looked up
    again = r._hits(pl.DataFrame({"tok": cands[:50]}))
    assert dict(again.select("tok", "ps").iter_rows()) == {
        t: p for t, p in got.select("tok", "ps").iter_rows() if t in cands[:50]
    }


def test_plain_values_are_one_token_and_their_own_lower_case() -> None:
    """A PLAIN value is probed as it is (no cutting, no lower-casing): it must be exactly
    the one token `_tokens_of` cuts from it, and its own lower case."""
    values = [
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "a56131c1-8d8b-4305_bfaf6882-ee57",  # an enrollment id: class_user
        "12-ab",
        "a.b",
        "alice.sanchez2@students.example.org",
        "x+tag@b.org",
        "A1",
        "a.",
        ".a",
        "a..b",
        "a b",
        "élodie",
        "straße",
        "a'b",
        "",
        "{FED:1}",
    ]
    s = pl.Series(values)
    plain = s.filter(_plain(s)).to_list()
    assert plain == values[:6]
    for v in plain:
        assert _tokens_of(pl.Series([v])).to_list() == [v] and v.lower() == v
    assert _plain(pl.Series([None], dtype=pl.String)).to_list() == [False]


def test_check_plan_rows_beyond_the_shown_are_blanked(tmp_path: Path) -> None:
    rows = [
        {"entity": "user", "id": f"stu{i}", "action": "create", "school": "sch1", "detail": "d"}
        for i in (1, 2, 3)
    ]
    plan = plan_of([*rows, {"entity": "class", "id": "k1", "action": "create", "school": "sch1"}])
    red = Redactor([load_export(str(export_path(tmp_path)))], actions_shown=1).apply(plan)
    acts = red.actions
    assert acts["id"][0].startswith("user-")  # the first row per (entity, action): redacted
    assert acts["id"].to_list()[1:3] == [None, None] and acts["detail"][1] is None
    assert acts["id"][3] == "k1"  # a class is no one's: the first of its own group
    assert (
        acts.select("entity", "action", "school").rows()
        == plan.actions.select("entity", "action", "school").rows()
    )  # what the totals and reasons read stays
