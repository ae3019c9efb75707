"""`plan --redact` redacts every action: the plan's values are cut into tokens and looked
up once (apply's first pass), and each personal token is hashed once, by the column
(`pseudonyms`), into the very pseudonym `pseudonym_of` makes (support maps them back)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint import api
from roster_lint.load import load_export
from roster_lint.options import Options
from roster_lint.report import redact
from roster_lint.report.redact import Redactor, pseudonym_of, pseudonyms

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def test_pseudonyms_are_pseudonym_of() -> None:
    key = secrets.token_bytes(32)
    toks = ["Ab", "AB", "x@y.org", "A@B@C.Org", "@", "a@", "@b", "José", "ΟΔΟΣ", "00012"]
    kinds = ["name", "user", "email", "email", "email", "email", "email", "name", "name", "ident"]
    toks += [str(i) for i in range(300)] + ["Ö@Ü.de", "Mc.Donald"]
    kinds += ["ident"] * 300 + ["email", "username"]
    got = pseudonyms(pl.DataFrame({"tok": toks, "kind": kinds}), key).to_list()
    assert got == [pseudonym_of(t, k, key) for t, k in zip(toks, kinds, strict=True)]
    assert pseudonyms(pl.DataFrame(schema={"tok": pl.String, "kind": pl.String}), key).len() == 0


def test_plan_redact_cuts_looks_up_and_hashes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    exp = load_export(str(SAMPLES / "district"))
    plan = api.plan_export(exp, Options(), None)
    r = Redactor([exp])
    n_columns = len(r._columns())
    cuts: list[int] = []
    cut = redact._tokens_of

    def counted_cut(values: pl.Series) -> pl.Series:
        cuts.append(values.len())
        return cut(values)

    hashed: list[str] = []
    letters = redact._letters

    def counted_letters(tokens: list[str], key: bytes) -> Any:
        hashed.extend(tokens)
        return letters(tokens, key)

    monkeypatch.setattr(redact, "_tokens_of", counted_cut)
    monkeypatch.setattr(redact, "_letters", counted_letters)
    out = r.apply(plan)
    # the export's personal columns (_prepared: one cut each) and the plan's values
    # once (lead14 cut them again for each frame its second pass redacted: 3 more)
    assert len(cuts) == n_columns + 1
    # every personal token hashed once, whichever frames and strings hold it
    assert len(hashed) == len(set(hashed)) > 100
    users = plan.actions.filter(pl.col("entity") == "user")["id"]
    shown = out.actions.filter(pl.col("entity") == "user")["id"]
    assert shown.to_list() == [pseudonym_of(u, "user", r.key) for u in users.to_list()]
