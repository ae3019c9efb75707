"""`diff` with NEW's differing files read like OLD's (reuse.SharedReads.new ->
reader.read_like) prints what it prints with them read whole (read_entry), text and JSON,
on the sample pairs and on pairs whose NEW has its enrollments edited or damaged."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from roster_lint.cli import main
from roster_lint.diff import reuse
from roster_lint.findings import Findings
from roster_lint.load.reader import Parsed, read_entry
from roster_lint.load.source import Entry
from tests.diff.test_reuse import _masked

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _whole(entry: Entry, out: Findings, like: Parsed) -> Parsed:
    return read_entry(entry, out)


def _diff(old: str, new: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["diff", old, new, *extra])
    out, _ = capsys.readouterr()
    return int(exc.value.code or 0), out


def _enrollments(edit: Callable[[pl.DataFrame], pl.DataFrame]) -> Callable[[Path], None]:
    def patch(folder: Path) -> None:
        path = folder / "enrollments.csv"
        edit(pl.read_csv(path, infer_schema=False)).write_csv(path)

    return patch


def _bytes(edit: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def patch(folder: Path) -> None:
        path = folder / "enrollments.csv"
        path.write_bytes(edit(path.read_bytes()))

    return patch


_last = pl.int_range(pl.len()) == pl.len() - 1
PATCHES: dict[str, Callable[[Path], None]] = {
    "new-ids": _enrollments(
        lambda df: df.with_columns(pl.format("new-{}", pl.int_range(pl.len())).alias("sourcedId"))
    ),
    "one-role": _enrollments(
        lambda df: df.with_columns(
            pl.when(_last).then(pl.lit("aide")).otherwise(pl.col("role")).alias("role")
        )
    ),
    "row-gone": _enrollments(lambda df: df.slice(1)),
    "row-added": _enrollments(lambda df: pl.concat([df.head(1), df])),
    "short-row": _bytes(lambda b: b.replace(b"\n", b",\n", 1)[:-1] + b"\n"),
    "cut": _bytes(lambda b: b[:-7]),
    "crlf": _bytes(lambda b: b.replace(b"\n", b"\r\n")),
    "quote": _bytes(lambda b: b.replace(b",", b',"x""y",', 1)),
}


@pytest.mark.parametrize("patch", sorted(PATCHES))
@pytest.mark.parametrize("base", ["district", "district-flawed"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_diff_as_read_whole(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    patch: str,
    base: str,
    fmt: str,
) -> None:
    new = tmp_path / "new"
    shutil.copytree(SAMPLES / base, new)
    PATCHES[patch](new)
    args = (str(SAMPLES / base), str(new))
    got = _diff(*args, capsys, "--format", fmt)
    with monkeypatch.context() as m:
        m.setattr(reuse, "read_like", _whole)
        want = _diff(*args, capsys, "--format", fmt)
    assert got[0] == want[0]
    if fmt == "json":
        assert _masked(got[1]) == _masked(want[1])
    else:
        assert got[1] == want[1]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("district-yesterday", "district"),
        ("district", "district-flawed"),
        ("district-flawed", "district"),
        ("district", "district-v12"),
    ],
)
def test_sample_pairs_as_read_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    args = (str(SAMPLES / old), str(SAMPLES / new))
    got = _diff(*args, capsys, "--format", "json")
    with monkeypatch.context() as m:
        m.setattr(reuse, "read_like", _whole)
        want = _diff(*args, capsys, "--format", "json")
    assert got[0] == want[0]
    assert _masked(got[1]) == _masked(want[1])
