"""KeyHashes._in_place_first compares the key's text at the same positions once: `same`
(the key equal, a null equal to nothing) is read from `hit` (the key equal, a null as a
null) and the key's nulls, not from a second comparison (same_at) of the key columns."""

from __future__ import annotations

import polars as pl
import pytest

from roster_lint.diff import rows
from roster_lint.diff.rows import IDX, MOVED, NEW, PAIR_KEY, KeyHashes
from roster_lint.model import LINE


def _frame(records: list[tuple[str | None, str | None, str | None]]) -> pl.DataFrame:
    df = pl.DataFrame(
        records,
        schema={c: pl.String for c in ("classSourcedId", "userSourcedId", "role")},
        orient="row",
    )
    return df.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))


# In place on both sides: filled keys (one with a changed role), keys with a null part
# (null on both sides, null on one side only, a blank beside a null), a blank key part.
OLD = [
    ("c1", "u1", "student"),
    ("c1", "u2", "student"),
    (None, "u3", "student"),
    ("c2", None, "teacher"),
    ("c2", "u4", None),
    ("", "u5", "student"),
    (None, None, "student"),
    ("c3", "u6", "student"),
    ("c3", "u7", "student"),
]
NEW_ = [
    ("c1", "u1", "student"),
    ("c1", "u2", "teacher"),
    (None, "u3", "student"),
    ("c2", "", "teacher"),
    ("c2", "u4", None),
    ("", "u5", "student"),
    (None, None, "student"),
    ("c3", "u9", "student"),  # a pair not in place: joined
    ("c3", "u6", "student"),  # OLD's row 7, moved
]


def _usual(old: pl.DataFrame, new: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> pl.DataFrame:
    """The pairs made with both sides hashed whole first (IN_PLACE_FIRST off)."""
    with monkeypatch.context() as m:
        m.setattr(rows, "IN_PLACE_FIRST", False)
        return KeyHashes(old, new).pairing(PAIR_KEY)[0]


def _never(c: str) -> pl.Expr:
    raise AssertionError(f"same_at({c!r}) called: the key's text compared a second time")


@pytest.mark.parametrize("rows_", [len(OLD), 7])
def test_in_place_first_compares_the_key_once(rows_: int, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = _frame(OLD), _frame(NEW_[:rows_])
    want = _usual(old, new, monkeypatch)
    monkeypatch.setattr(rows, "same_at", _never)
    hashes = KeyHashes(old, new)
    got = hashes._in_place_first(PAIR_KEY, hashes.common(PAIR_KEY))
    assert got is not None
    assert got.sort(IDX).equals(want.sort(IDX))
    # The rows in place with a filled key pair there; a key with a null part pairs nothing.
    pairs = dict(zip(got[IDX].to_list(), got[IDX + NEW].to_list(), strict=True))
    assert [pairs.get(i) for i in range(7)] == [0, 1, None, None, 4, 5, None]
    moved = dict(zip(got[IDX].to_list(), got[MOVED].to_list(), strict=True))
    assert moved[0] is False and moved[1] is True and moved[5] is False
