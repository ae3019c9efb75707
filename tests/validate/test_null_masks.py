"""Issue 13 item 1 (validate): no finding is lost to a null mask (Kleene logic).

In polars `x == y` is null where either side is null, `~null` is null, and a filter on a
null mask drops the row.  A cell blanked or a referenced record removed makes exactly
those nulls (a blank cell, or a left join that found nothing).  Property: on a small
export, blanking each required cell, pointing each reference at an id that is not there,
or removing each referenced record in turn always leaves a finding at every row that
lost its value or its reference -- never silence.  Only the OneRoster stage runs
(validate.run_all), so the property is the validation's own."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from roster_lint.examples import materialise
from roster_lint.findings import Findings
from roster_lint.load import load_export
from roster_lint.paths import rules_dir
from roster_lint.spec import oneroster
from roster_lint.validate import run_all

BASES = ("base-1.1", "base-1.2")
# 1.2 cells are blanked and dangled in the files 1.2 reads otherwise than 1.1 (the others
# are the same rules on the same columns); every referenced record is removed in both.
V12_OWN = ("roles.csv", "users.csv")


def _rows(base: str, name: str) -> list[dict[str, str]]:
    with (rules_dir() / "examples" / base / name).open(newline="") as fh:
        return list(csv.DictReader(fh))


def _cases() -> list[tuple[str, str, list[dict[str, object]], list[tuple[str, int]]]]:
    """(base, label, patch, the (file, line)s that must carry a finding)."""
    out: list[tuple[str, str, list[dict[str, object]], list[tuple[str, int]]]] = []
    spec = oneroster()
    for base in BASES:
        version = "1.2" if base.endswith("1.2") else "1.1"
        files = sorted(p.name for p in (rules_dir() / "examples" / base).glob("*.csv"))
        refs: dict[str, list[tuple[str, int]]] = {}  # "file:id" -> rows naming it
        for name in files:
            fs = spec.files.get(name)
            if fs is None:
                continue
            own = version == "1.1" or name in V12_OWN
            for i, row in enumerate(_rows(base, name)):
                line = i + 2
                for col in fs.columns(version):
                    value = row.get(col.name)
                    if value is None:
                        continue
                    where = [(name, line)]
                    # Every row for a reference; the first row for other required cells
                    # (their schema checks are the rule examples' subject).
                    if own and col.required and value != "" and (col.ref or line == 2):
                        patch = [_set(name, line, col.name, "")]
                        out.append((base, f"{name}:{line}:{col.name} blank", patch, where))
                    if own and col.ref and value != "":
                        patch = [_set(name, line, col.name, "zz-not-there")]
                        out.append((base, f"{name}:{line}:{col.name} dangling", patch, where))
                    if col.ref and value != "":
                        for item in value.split(","):
                            refs.setdefault(f"{col.ref}:{item}", []).append((name, line))
        for name in files:
            if spec.files.get(name) is None:
                continue
            for i, row in enumerate(_rows(base, name)):
                naming = refs.get(f"{name}:{row.get('sourcedId')}")
                if naming:
                    patch = [{"op": "delete", "file": name, "line": i + 2}]
                    label = f"{name}:{row['sourcedId']} removed"
                    # Lines after the removed one move up in the same file.
                    want = [(f, ln - 1 if f == name and ln > i + 2 else ln) for f, ln in naming]
                    out.append((base, label, patch, want))
        # 1.2: a user whose only roles.csv row is removed has no role (left join: null).
        if "roles.csv" in files:
            users = {r["sourcedId"]: i + 2 for i, r in enumerate(_rows(base, "users.csv"))}
            for i, row in enumerate(_rows(base, "roles.csv")):
                patch = [{"op": "delete", "file": "roles.csv", "line": i + 2}]
                label = f"roles.csv:{row['sourcedId']} removed"
                out.append((base, label, patch, [("users.csv", users[row["userSourcedId"]])]))
    return out


def _set(file: str, line: int, column: str, value: str) -> dict[str, object]:
    return {"op": "set", "file": file, "line": line, "column": column, "value": value}


CASES = _cases()


@pytest.mark.parametrize(
    ("base", "label", "patch", "where"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES]
)
def test_no_finding_lost_to_a_null(
    tmp_path: Path,
    base: str,
    label: str,
    patch: list[dict[str, object]],
    where: list[tuple[str, int]],
) -> None:
    out = Findings()
    run_all(load_export(str(materialise(base, patch, tmp_path))), out)
    found = out.frame()
    at = set(found.filter(pl.col("line").is_not_null()).select("file", "line").rows())
    missed = [w for w in where if w not in at]
    assert not missed, (label, missed, found.select("code", "file", "line", "column").rows())


def test_the_property_covers_every_kind_of_case() -> None:
    kinds = {label.rsplit(" ", 1)[1] for _, label, _, _ in CASES}
    assert kinds == {"blank", "dangling", "removed"}
    assert len(CASES) > 60
    assert any(label.startswith("roles.csv:") for _, label, _, _ in CASES)
