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


USERS = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
    "stu_2,,,true,sch1,student,ada.l,{FED:9001},Ada,O'Brien,,9001,ada.lovelace@x.org,,,,05,\n"
    "U-1,,,true,sch1,student,Grace.H,{FED:9002},Mary Ann,HOPPER,,9002,Grace.H@X.org,,,,05,\n"
)
ENROLLMENTS = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate\n"
    "cls1_stu_2,,,cls1,sch1,stu_2,student,,,\n"
    "CLS1_U-1,,,cls1,sch1,U-1,student,,,\n"
    "k.1..x,,,cls1,sch1,ghost-7,student,,,\n"
)


def test_lookup_of_plain_and_other_values(tmp_path: Path) -> None:
    """Ids probed as they are (PLAIN: `class_user`, lower-case e-mails) and the values cut
    into tokens (capitals, several tokens) give the whole token table's answer, and no
    personal value survives in any case."""
    (tmp_path / "users.csv").write_text(USERS, encoding="utf-8")
    (tmp_path / "enrollments.csv").write_text(ENROLLMENTS, encoding="utf-8")
    r = Redactor([load_export(str(tmp_path))])
    tokens = r.tokens["token"].to_list()
    assert {"cls1_stu_2", "ghost-7", "ada.lovelace@x.org", "CLS1_U-1", "Brien"} <= set(tokens)
    cands = sorted(
        {*tokens, *(t.upper() for t in tokens), *(t.lower() for t in tokens)}
        | {*(t.title() for t in tokens), "the", "cls1", "sch1", "student"}
    )
    got = r._hits(pl.DataFrame({"tok": cands}))
    assert dict(got.select("tok", "kind").iter_rows()) == _oracle(r, cands)
    raw = ["cls1_stu_2", "CLS1_U-1", "ghost-7", "ADA.LOVELACE@X.ORG", "grace.h@x.org", "k.1"]
    red = r.series(pl.Series(raw)).to_list()
    assert all(a != b for a, b in zip(raw, red, strict=True))
    assert r.series(pl.Series(["cls1", "sch1"])).to_list() == ["cls1", "sch1"]


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


def test_every_school_row_is_shown_and_none_other_without_html(tmp_path: Path) -> None:
    """Every format's school counts read every school's id (report/counts.py); without
    HTML (actions_shown=0) no other row keeps its id or detail."""
    rows = [
        *({"entity": "school", "id": f"sch{i}", "action": "sync", "detail": "s"} for i in (1, 2)),
        {"entity": "user", "id": "stu1", "action": "create", "school": "sch1", "detail": "d"},
        {"entity": "class", "id": "k1", "action": "create", "school": "sch1"},
    ]
    plan = plan_of(rows)
    export = load_export(str(export_path(tmp_path)))
    for shown, ids in ((1, ["sch1", "sch2", None, "k1"]), (0, ["sch1", "sch2", None, None])):
        acts = Redactor([export], actions_shown=shown).apply(plan).actions
        got = acts["id"].to_list()
        if shown:
            assert got[2].startswith("user-")
            got[2] = None
        assert got == ids
        assert acts["detail"].to_list()[:2] == ["s", "s"]
        assert (
            acts.select("entity", "action").rows() == plan.actions.select("entity", "action").rows()
        )
