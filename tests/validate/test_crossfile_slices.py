"""Cross-file findings do not depend on how the work is cut: slices, threads, hash width.

At district scale the checks hash millions of rows by slices (common.SLICE_ROWS), run two
modules at a time (crossfile.THREADS) and sort only 32 bits of a hash (duplicates.repeated).
Small exports never reach a second slice, so these tests shrink the slices to a few rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roster_lint.examples import materialise
from roster_lint.findings import Findings
from roster_lint.load import load_export
from roster_lint.validate import crossfile
from roster_lint.validate.crossfile import common

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def findings(path: Path) -> pl.DataFrame:
    out = Findings()
    crossfile.run(load_export(str(path)), out)
    return out.frame()


def exports(corpus_root: Path | None) -> list[Path]:
    found = [SAMPLES / "district-flawed", SAMPLES / "district-v12"]
    if corpus_root is not None:
        found += sorted(p for p in corpus_root.glob("*/*") if p.is_dir())
    return found


@pytest.mark.parametrize("slice_rows", [1, 7])
def test_slices_and_one_thread_find_the_same(
    monkeypatch: pytest.MonkeyPatch, corpus: Path, slice_rows: int
) -> None:
    paths = exports(corpus)
    before = [findings(p) for p in paths]
    assert sum(df.height for df in before) > 100  # the exports do have cross-file findings
    monkeypatch.setattr(common, "SLICE_ROWS", slice_rows)
    monkeypatch.setattr(crossfile, "THREADS", 1)
    for path, expected in zip(paths, before, strict=True):
        assert findings(path).equals(expected), path


def check(tmp: Path, patch: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out = Findings()
    crossfile.run(load_export(str(materialise("base-1.1", patch, tmp))), out)
    df = out.frame().filter(pl.col("code") == "RL212")
    return [(r["file"], r["line"], r["column"]) for r in df.iter_rows(named=True)]


def test_same_class_and_user_in_another_role_is_not_a_duplicate(tmp_path: Path) -> None:
    # Duplicate candidates come from (class, user) hashes; the role is compared exactly.
    other_role = {"sourcedId": "k1_stu1_b", "role": "teacher"}
    patch = [{"op": "append", "file": "enrollments.csv", "copy_line": 3, "values": other_role}]
    assert check(tmp_path / "a", patch) == []
    same_role = {"sourcedId": "k1_stu1_b"}
    patch = [{"op": "append", "file": "enrollments.csv", "copy_line": 3, "values": same_role}]
    assert check(tmp_path / "b", patch) == [
        ("enrollments.csv", 3, "userSourcedId"),
        ("enrollments.csv", 5, "userSourcedId"),
    ]
