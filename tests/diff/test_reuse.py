"""Files byte-identical in OLD and NEW read once (diff/reuse.py), and their rows paired with
themselves (rows.KeyHashes.identical): each against the old path as the oracle."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from roster_lint.cli import main
from roster_lint.diff import reuse
from roster_lint.diff.model import FileDiff
from roster_lint.diff.reuse import SharedReads
from roster_lint.diff.rows import compare_tables
from roster_lint.load import load_export
from roster_lint.model import LINE, Export, Table

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"


def _load_pair(old: str, new: str) -> tuple[Export, Export, set[str]]:
    reads = SharedReads(old)
    a = load_export(old, read=reads.old)
    b = load_export(new, read=reads.new)
    reads.done()
    return a, b, reads.shared


def _same_export(got: Export, want: Export) -> None:
    """`got` is the export a plain load gives: every table, header, flag and finding."""
    assert got.version == want.version
    assert got.manifest == want.manifest
    assert sorted(got.tables) == sorted(want.tables)
    for name, t in want.tables.items():
        g = got.tables[name]
        assert (g.path, g.header, g.mode, g.header_ok, g.readable, g.encoding) == (
            t.path,
            t.header,
            t.mode,
            t.header_ok,
            t.readable,
            t.encoding,
        ), name
        assert_frame_equal(g.df, t.df)
    assert_frame_equal(got.findings.frame(), want.findings.frame())


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _zip(folder: Path, dst: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, prefix + f.name)
    return dst


def test_identical_files_are_shared_and_loaded_alike(tmp_path: Path) -> None:
    old, new = SAMPLES / "district-yesterday", SAMPLES / "district"
    a, b, shared = _load_pair(str(old), str(new))
    # The files the two samples hold byte for byte, and no other.
    same = {f.name for f in new.iterdir() if (old / f.name).is_file()}
    same = {n for n in same if (old / n).read_bytes() == (new / n).read_bytes()}
    assert shared == same - {"manifest.csv"}
    assert shared == {"academicSessions.csv", "orgs.csv"}
    _same_export(a, load_export(str(old)))
    _same_export(b, load_export(str(new)))


def test_one_byte_differs_not_shared(tmp_path: Path) -> None:
    """A file the same size as OLD's with one byte changed (at the end) is read anew."""
    old = _copy(SAMPLES / "district", tmp_path / "old")
    new = _copy(SAMPLES / "district", tmp_path / "new")
    users = new / "users.csv"
    data = bytearray(users.read_bytes())
    at = data.rindex(b"@")  # an email's @ in the last record -> a letter
    data[at] = ord("a")
    users.write_bytes(bytes(data))
    assert users.stat().st_size == (old / "users.csv").stat().st_size
    a, b, shared = _load_pair(str(old), str(new))
    assert "users.csv" not in shared
    assert "orgs.csv" in shared and "enrollments.csv" in shared
    _same_export(b, load_export(str(new)))
    assert not b.tables["users.csv"].df.equals(a.tables["users.csv"].df)


@pytest.mark.parametrize("sides", ["zip-zip", "zip-folder", "folder-zip", "zip-prefix"])
def test_zips(tmp_path: Path, sides: str) -> None:
    """OLD's zip members are read again from OLD's archive (its unpacked copy is gone);
    a member at another path in the archive is not shared (its findings name the path)."""
    src_old, src_new = SAMPLES / "district-yesterday", SAMPLES / "district"
    old = str(_zip(src_old, tmp_path / "old.zip")) if sides.startswith("zip") else str(src_old)
    prefix = "export/" if sides == "zip-prefix" else ""
    new = (
        str(_zip(src_new, tmp_path / "new.zip", prefix)) if sides != "zip-folder" else str(src_new)
    )
    _, b, shared = _load_pair(old, new)
    assert shared == (set() if prefix else {"academicSessions.csv", "orgs.csv"})
    _same_export(b, load_export(new))


def test_old_file_gone_reads_new(tmp_path: Path) -> None:
    """OLD's file removed before NEW is compared: NEW reads its own."""
    old = _copy(SAMPLES / "district", tmp_path / "old")
    reads = SharedReads(str(old))
    load_export(str(old), read=reads.old)
    (old / "orgs.csv").unlink()
    b = load_export(str(SAMPLES / "district"), read=reads.new)
    assert "orgs.csv" not in reads.shared and "users.csv" in reads.shared
    _same_export(b, load_export(str(SAMPLES / "district")))


def _diff_json(
    old: str, new: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["diff", old, new, "--format", "json", *extra])
    out, _ = capsys.readouterr()
    return int(exc.value.code or 0), out


def _masked(text: str) -> object:
    doc = json.loads(text)
    doc.pop("generated_at", None)
    return doc


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("district-yesterday", "district"),
        ("district", "district"),
        ("district", "district-flawed"),
        ("district-flawed", "district-flawed"),
        ("district", "district-v12"),
    ],
)
def test_cli_output_as_without_sharing(
    old: str,
    new: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`diff` JSON with the shared reads equals the one with every file read twice."""
    args = (str(SAMPLES / old), str(SAMPLES / new))
    got = _diff_json(*args, capsys, "--redact")
    with monkeypatch.context() as m:
        m.setattr(reuse, "_same_bytes", lambda *_: False)
        want = _diff_json(*args, capsys, "--redact")
    assert got[0] == want[0]
    assert _masked(got[1]) == _masked(want[1])


# --- KeyHashes.identical against the pairing of two separate copies -------------------------

_ids = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h", ""]))


def _table(df: pl.DataFrame, name: str) -> Table:
    return Table(name=name, path=name, df=df, header=[c for c in df.columns if c != LINE])


def _same_diff(got: FileDiff, want: FileDiff) -> None:
    for f in ("status", "key", "key_note", "id_overlap", "column_changes"):
        assert getattr(got, f) == getattr(want, f), f
    assert (got.duplicate_keys_old, got.duplicate_keys_new) == (
        want.duplicate_keys_old,
        want.duplicate_keys_new,
    )
    for f in ("added", "removed", "changed"):
        assert_frame_equal(getattr(got, f), getattr(want, f))
    assert (got.paired is None) == (want.paired is None)
    if got.paired is not None and want.paired is not None:
        assert got.paired.key == want.paired.key
        assert got.paired.duplicates == want.paired.duplicates
        assert_frame_equal(got.paired.pairs, want.paired.pairs)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(_ids, _ids, _ids, _ids), max_size=30),
    file=st.sampled_from(["users.csv", "enrollments.csv", "classes.csv"]),
    chunks=st.integers(1, 4),
)
def test_identical_pairing(rows: list[tuple[str | None, ...]], file: str, chunks: int) -> None:
    """compare_tables(same=True) on one frame gives what the comparison of two copies
    gives: keys null, repeated (the shortcut declines), enrollments keyed by their pair."""
    df = pl.DataFrame(
        {
            "sourcedId": [r[0] for r in rows],
            "classSourcedId": [r[1] for r in rows],
            "userSourcedId": [r[2] for r in rows],
            "role": [r[3] for r in rows],
            LINE: list(range(2, len(rows) + 2)),
        },
        schema={
            "sourcedId": pl.String,
            "classSourcedId": pl.String,
            "userSourcedId": pl.String,
            "role": pl.String,
            LINE: pl.Int64,
        },
    )
    if chunks > 1 and df.height > chunks:
        step = df.height // chunks
        parts = [df.slice(i * step, step) for i in range(chunks - 1)]
        df = pl.concat([*parts, df.slice((chunks - 1) * step)], rechunk=False)
    shared = _table(df, file)
    copy = _table(df.clone(), file)
    got = compare_tables(file, shared, _table(df, file), same=True)
    want = compare_tables(file, shared, copy)
    _same_diff(got, want)


# --- NEW's orgs and users decided once when their inputs are OLD's (previous._same_people) ---


def _new_enrollment_ids(tmp: Path) -> Path:
    """`district` with every enrollment sourcedId regenerated, nothing else changed."""
    out = _copy(SAMPLES / "district", tmp / "renamed")
    path = out / "enrollments.csv"
    df = pl.read_csv(path, infer_schema=False)
    df = df.with_columns(pl.format("new-{}", pl.int_range(pl.len())).alias("sourcedId"))
    df.write_csv(path)
    return out


def _one_user_elsewhere(out: Path) -> Path:
    """`out` with its last user's orgs an org no file lists (a skip on NEW's side)."""
    path = out / "users.csv"
    df = pl.read_csv(path, infer_schema=False)
    last = pl.int_range(pl.len()) == pl.len() - 1
    df = df.with_columns(
        pl.when(last)
        .then(pl.lit("nowhere"))
        .otherwise(pl.col("orgSourcedIds"))
        .alias("orgSourcedIds")
    )
    df.write_csv(path)
    return out


def _one_role_changed(out: Path) -> Path:
    """`out` with its last enrollment's role changed (the users unchanged)."""
    path = out / "enrollments.csv"
    df = pl.read_csv(path, infer_schema=False)
    last = pl.int_range(pl.len()) == pl.len() - 1
    df = df.with_columns(pl.when(last).then(pl.lit("aide")).otherwise(pl.col("role")).alias("role"))
    df.write_csv(path)
    return out


def _users_blank_line(out: Path) -> Path:
    """`out` with a blank line after users.csv's header: the same users, every one a line
    further down (the diff compares no line: only the plan's inputs tell them apart)."""
    path = out / "users.csv"
    head, rest = path.read_text().split("\n", 1)
    path.write_text(f"{head}\n\n{rest}")
    return out


def _classes_reversed(out: Path) -> Path:
    """`out` with classes.csv's rows in reverse order (the same classes)."""
    path = out / "classes.csv"
    pl.read_csv(path, infer_schema=False).reverse().write_csv(path)
    return out


PEOPLE = ["orgs", "users"]
# With the join, its per-class counts (classes.COUNT_KEYS).
ALL = ["class_grades", "class_teachers", "class_ungraded", "orgs", "users", "with_user"]


@pytest.mark.parametrize(
    ("old", "new", "mode", "fires"),
    [
        ("district", "renamed", "full", ALL),
        ("district", "renamed", "provisioning", ALL),
        ("renamed", "district", "full", ALL),
        ("district", "district", "full", ALL),
        ("district", "one-role", "full", PEOPLE),  # an enrollment's role changed
        ("district", "classes-reversed", "full", PEOPLE),  # the classes' rows moved
        ("district", "users-blank-line", "full", []),  # the same users on other lines
        ("district-yesterday", "district", "full", []),  # users.csv differs
        ("district", "one-user", "full", []),  # as many users, one in an unknown org
        ("district", "district-v12", "full", []),  # another version
        ("district-flawed", "district", "full", []),
    ],
)
def test_same_people_gives_the_same_actions(
    tmp_path: Path,
    old: str,
    new: str,
    mode: str,
    fires: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The plan `diff` makes with NEW taking OLD's orgs' and users' decisions (and the
    columns with_users added to OLD's enrollments, and the per-class counts made of
    them) equals the one deciding them anew, and takes them exactly when the inputs are
    the same."""
    from roster_lint.diff import previous
    from roster_lint.predict import classes, engine
    from tests.diff.test_previous_side import _actions

    def where(name: str) -> str:
        if name == "renamed":
            return str(_new_enrollment_ids(tmp_path))
        if name == "one-user":
            return str(_one_user_elsewhere(_new_enrollment_ids(tmp_path)))
        if name == "one-role":
            return str(_one_role_changed(_new_enrollment_ids(tmp_path)))
        if name == "classes-reversed":
            return str(_classes_reversed(_new_enrollment_ids(tmp_path)))
        if name == "users-blank-line":
            return str(_users_blank_line(_new_enrollment_ids(tmp_path)))
        return str(SAMPLES / name)

    old_path, new_path = where(old), where(new)
    monkeypatch.setattr(previous, "SAME_PEOPLE", False)
    want = _actions(old_path, new_path, mode, side=True)
    monkeypatch.setattr(previous, "SAME_PEOPLE", True)
    taken: list[list[str]] = []
    decide = engine.decide

    def counted(*args: object, **kwargs: object) -> engine.Decided:
        known = kwargs.get("known")
        if callable(known):
            kwargs["known"] = lambda inp: taken.append(sorted(got := known(inp))) or got
        return decide(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "decide", counted)
    made: list[int] = []
    class_counts = classes.class_counts

    def counting(*args: object) -> classes.ClassCounts:
        made.append(1)
        return class_counts(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(classes, "class_counts", counting)
    got = _actions(old_path, new_path, mode, side=True)
    assert_frame_equal(got, want)
    assert taken == [fires]
    # The classes' counts made for OLD alone when NEW took OLD's join, else for each.
    assert len(made) == (1 if "with_user" in fires else 2)


def test_with_users_taken_is_with_users(tmp_path: Path) -> None:
    """NEW's enrollments joined to their users from the columns OLD's join added, when
    NEW's enrollment ids alone were regenerated: the join with_users makes of NEW, value
    for value (grades as text: each join has its own categories), cut into NEW's chunks."""
    from roster_lint import api
    from roster_lint.predict import enrollments as enr
    from roster_lint.predict.engine import decide
    from roster_lint.predict.profile import load_profile

    profile = load_profile()
    new_path = _new_enrollment_ids(tmp_path)
    # NEW's enrollments in several chunks, OLD's in one: the taken columns are cut again.
    new_export = api.load(str(new_path))
    table = new_export.tables["enrollments.csv"]
    half = table.df.height // 2
    table.df = pl.concat([table.df.slice(0, half), table.df.slice(half)], rechunk=False)
    old = decide(
        api.load(str(SAMPLES / "district")), "full", profile, None, None, keep_with_user=True
    )
    assert old.with_user is not None
    d = decide(new_export, "full", profile, None, None, keep_with_user=True)
    assert d.with_user is not None
    taken = enr.with_users_taken(d.inp, enr.with_users_added(old.with_user))

    def text(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col(pl.Categorical).cast(pl.String))

    assert_frame_equal(text(taken), text(d.with_user))
    assert len(taken["uid"].chunk_lengths()) > 1
    # A column of one value throughout (status) is loaded as that value broadcast
    # (load.reader._constants): a scalar column, whose Series is made in one piece when
    # asked for; polars does not rechunk a frame for it.  Every other column is cut alike.
    cut = [c for c in taken.get_columns() if c.n_unique() > 1]
    assert {tuple(c.chunk_lengths()) for c in cut} == {tuple(taken["uid"].chunk_lengths())}


@pytest.mark.parametrize(
    ("new", "shown"),
    [
        ("renamed", {"users", "enrollments"}),
        ("district", {"users", "enrollments"}),
        ("one-role", {"users"}),  # an enrollment's role changed
        ("users-blank-line", {"users", "enrollments"}),  # values alike: the lines differ
        ("one-user", {"enrollments"}),  # a user's orgs changed
        ("enrollments-reversed", {"users"}),  # the same enrollments, not in place
    ],
)
def test_shown_alike(tmp_path: Path, new: str, shown: set[str]) -> None:
    """The inputs NEW's diff showed to be OLD's (every row paired in place, no value
    changed, compared exactly): the previous side compares only their lines."""
    from roster_lint import api, pipeline
    from roster_lint.diff.compare import compare_rows
    from roster_lint.diff.previous import _shown_alike

    made = {
        "renamed": lambda: _new_enrollment_ids(tmp_path),
        "district": lambda: SAMPLES / "district",
        "one-role": lambda: _one_role_changed(_new_enrollment_ids(tmp_path)),
        "users-blank-line": lambda: _users_blank_line(_new_enrollment_ids(tmp_path)),
        "one-user": lambda: _one_user_elsewhere(_new_enrollment_ids(tmp_path)),
        "enrollments-reversed": lambda: _enrollments_reversed(_new_enrollment_ids(tmp_path)),
    }
    old_export, new_export = api.load(str(SAMPLES / "district")), api.load(str(made[new]()))
    compared = compare_rows(old_export, new_export, api.Options())
    for export in (old_export, new_export):
        pipeline.release_unread_columns(export, pipeline.plan_reads())
    assert _shown_alike(old_export, new_export, compared.pairs) == shown
    # A column the plan reads gone from one side: its inputs differ (blank on that side).
    new_export.tables["enrollments.csv"].df = new_export.tables["enrollments.csv"].df.drop(
        "primary"
    )
    assert "enrollments" not in _shown_alike(old_export, new_export, compared.pairs)


def _enrollments_reversed(out: Path) -> Path:
    """`out` with enrollments.csv's rows in reverse order."""
    path = out / "enrollments.csv"
    pl.read_csv(path, infer_schema=False).reverse().write_csv(path)
    return out
