"""load_export(keep=...): `plan`'s load drops each file's unread columns as soon as the file
is read (load._kept), and ends with the export that loading everything and slimming it
afterwards gives (pipeline.slim_for_plan)."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_lint import api, pipeline
from roster_lint.findings import Findings
from roster_lint.load import load_export
from roster_lint.load.reader import Parsed, read_entry
from roster_lint.load.source import Entry
from roster_lint.model import Export
from tests.conftest import CORPUS, ROOT

SAMPLES = [ROOT / "sample_exports" / n for n in ("district", "district-flawed", "district-v12")]


def _exports() -> list[Path]:
    # every corpus export (1.0, 1.1 and 1.2 headers, damaged files), where present
    return SAMPLES + sorted(p.parent for p in CORPUS.glob("*/*/*.csv") if p.name == "users.csv")


def _same(a: Export, b: Export) -> None:
    assert a.version == b.version
    assert a.tables.keys() == b.tables.keys()
    for name, t in a.tables.items():
        u = b.tables[name]
        assert (t.header, t.header_ok, t.readable, t.rows) == (
            u.header,
            u.header_ok,
            u.readable,
            u.rows,
        )
        assert t.df.columns == u.df.columns, name
        assert t.df.equals(u.df), name
    assert a.findings.frame().equals(b.findings.frame())


@pytest.mark.parametrize("path", _exports(), ids=lambda p: p.name)
def test_kept_while_loading_is_the_slimmed_export(path: Path) -> None:
    slimmed = api.load(str(path))
    pipeline.slim_for_plan(slimmed, api.outputs_read)
    _same(api.load_for_plan(str(path)), slimmed)


def test_a_file_is_slimmed_before_the_next_is_read() -> None:
    """When each file is read, those read before it hold only the columns kept."""
    plan_read = pipeline.plan_reads()

    def keep(file: str, column: str) -> bool:
        return plan_read(file, column) or api.outputs_read(file, column)

    done: list[Parsed] = []
    seen: list[list[str]] = []

    def read(entry: Entry, out: Findings) -> Parsed:
        if done and done[0].header:
            seen.append(done[0].df.columns)
        done.append(read_entry(entry, out))
        return done[-1]

    path = ROOT / "sample_exports" / "district"
    load_export(str(path), read=read, keep=keep)
    # enrollments.csv is the largest file, read first: its three dates are gone by the
    # time the second file is read.
    header = done[0].header
    assert "beginDate" in header
    assert seen
    kept = {header[int(c[1:])] for c in seen[0] if c.startswith("c")}
    assert {"beginDate", "endDate", "dateLastModified"}.isdisjoint(kept)
    assert {"sourcedId", "classSourcedId", "userSourcedId", "role", "primary"} <= kept
