"""Export-to-export checks (RL4xx): changes that look like a broken export, not real change.

`diff_findings` runs for `check --previous` and for `diff`; every hit goes through
`Findings.add`, so codes, names and severities come from rules/catalogue/diff.toml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from roster_lint.diff.model import PairedRows
from roster_lint.diff.rows import (
    HASH,
    ID_KEY,
    IDX,
    NEW,
    gather,
    key_equal,
    key_hash,
    mask,
    overlap,
    same_at,
)
from roster_lint.diff.settings import DiffSettings, settings_from
from roster_lint.findings import Findings
from roster_lint.model import Export, Table
from roster_lint.predict.history import in_place_select
from roster_lint.predict.history.pairs import in_order
from roster_lint.spec import oneroster

if TYPE_CHECKING:
    from roster_lint.options import Options

# Columns that name a record the way people do: when they stay and the sourcedId does not,
# the id scheme changed.  Records whose natural key is blank or repeats are left out.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "users.csv": ("username",),
    "orgs.csv": ("name", "type"),
    "courses.csv": ("title", "courseCode"),
    "classes.csv": ("title", "classCode", "schoolSourcedId"),
    "academicSessions.csv": ("title", "startDate"),
    "enrollments.csv": ("classSourcedId", "userSourcedId", "role"),
}
STREAMED = ("bulk", "delta")


def _both(previous: Export, export: Export) -> list[tuple[str, Table, Table]]:
    names = sorted(set(previous.tables) & set(export.tables))
    return [(n, previous.tables[n], export.tables[n]) for n in names]


def _is_delta_delivery(export: Export) -> bool:
    """A delta delivery leaves unchanged files out, so a missing file is normal there."""
    return any(t.is_delta for t in export.tables.values())


def shrunk_files(previous: Export, export: Export, s: DiffSettings, out: Findings) -> None:
    for _name, old, new in _both(previous, export):
        if not (old.readable and new.readable) or old.is_delta or new.is_delta or old.rows == 0:
            continue
        drop = (old.rows - new.rows) / old.rows
        emptied = new.rows == 0
        if not emptied and (old.rows < s.min_rows or drop <= s.max_shrink):
            continue
        what = "has no records now" if emptied else f"has {new.rows:,} records"
        out.one(
            "file-shrank",
            f"{new.path} {what}, {drop:.0%} fewer than the {old.rows:,} in the previous "
            f"export (limit {s.max_shrink:.0%}); a truncated bulk file reads as "
            f"{old.rows - new.rows:,} removals.",
            file=new.path,
            value=str(new.rows),  # the row counts (docs/diff.md: warnings' related value)
            # The other side is yesterday's file: named by the previous export's path, not
            # by today's (the "looked for" line read as if today's file had 12 records).
            related_file=f"{previous.path.rstrip('/')}/{old.path}",
            related_value=str(old.rows),
        )


def vanished_files(previous: Export, export: Export, out: Findings) -> None:
    if _is_delta_delivery(export):
        return
    for name in sorted(set(previous.tables) - set(export.tables)):
        old = previous.tables[name]
        if not old.readable or old.is_delta or old.rows == 0:
            continue
        mode = export.manifest.get(oneroster().manifest_key(name))
        said = f" (the manifest says {mode})" if mode else ""
        out.one(
            "file-vanished",
            f"{name} had {old.rows:,} records in the previous export and is missing now{said}; "
            "every one of them reads as removed.",
            file=name,
            related_file=old.path,
            related_value=str(old.rows),
        )


def _counterpart(cell: str, i: int, new_header: list[str], added: list[str]) -> str | None:
    """What a vanished header cell became: a re-cased twin, else the cell now in its place."""
    twin = next((c for c in added if c.casefold() == cell.casefold()), None)
    if twin is not None:
        return twin
    if i < len(new_header) and new_header[i] in added:
        return new_header[i]
    return None


def changed_headers(previous: Export, export: Export, out: Findings) -> None:
    for _name, old, new in _both(previous, export):
        added = [c for c in new.header if c not in old.header]
        for i, cell in enumerate(old.header):
            if cell in new.header:
                continue
            now = _counterpart(cell, i, new.header, added)
            if now is None:
                change = "is gone"
            elif now.casefold() == cell.casefold():
                change = f"is re-cased as {now!r}"
            else:
                change = f"reads {now!r} in its place"
            effect = (
                "every record would read as removed and re-added"
                if cell == "sourcedId"
                else f"every value of {cell} would read as removed"
            )
            out.one(
                "header-changed-since-previous",
                f"Header {cell!r} of {new.path} {change} since the previous export; {effect}.",
                file=new.path,
                line=1,
                column=cell,
                value=now,
                related_file=old.path,
                related_column=cell,
            )


def _natural(df: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    """The natural key's hash and the row's position, only where the key is filled in and
    its hash names one record (a hash collision drops both records: conservative, never
    wrong).  No text is copied: the pairs gather what they compare (`_rekeyed`)."""
    filled = pl.all_horizontal([pl.col(c).is_not_null() & (pl.col(c) != "") for c in key])
    return (
        df.select(key)
        .with_columns(key_hash(key), pl.int_range(pl.len(), dtype=pl.UInt32).alias(IDX))
        .filter(filled)
        .select(HASH, IDX)
        .filter(pl.col(HASH).is_unique())
    )


def _rekeyed(old: pl.DataFrame, new: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    """Positions (IDX, IDX+NEW) of the records whose natural key is in both frames (the
    same text, not only the same hash) under another sourcedId.

    Joined on the key hash carrying positions only; the key columns and the ids are then
    gathered at the paired positions (`rows.gather`)."""
    pairs = _natural(old, key).join(_natural(new, key), on=HASH, how="inner", suffix=NEW)
    at_old, at_new = pairs[IDX], pairs[IDX + NEW]
    was = gather(old.select(*key, "sourcedId"), at_old)
    now = gather(new.select(*key, "sourcedId"), at_new)
    now = now.rename({c: c + NEW for c in now.columns})
    moved = pl.concat([was, now], how="horizontal").select(
        key_equal(key) & (pl.col("sourcedId") != pl.col("sourcedId" + NEW))
    )
    return pairs.select(IDX, IDX + NEW).filter(moved.to_series().fill_null(False))


def _rekeyed_from_pairs(
    old: pl.DataFrame, new: pl.DataFrame, key: tuple[str, ...], paired: PairedRows
) -> pl.DataFrame | None:
    """`_rekeyed` read from the rows `diff` already paired by part of the natural key
    (enrollments by (class, user)), or None when that would not be the same answer.

    With no repeated pair key on either side, every natural key is unique per side, and
    two records share a natural key exactly when they are paired and the rest of the key
    (the role) is the same text, every part filled in.  Their sourcedIds differ where their
    hashes do; the pairs whose id hashes agree are compared on the text.  Nothing of the
    millions of pairs is gathered but booleans, a short column and the id hashes.
    (`_natural` also drops a natural key whose 64-bit hash collides with another's: here
    such a pair is counted, as it should be.)"""
    if paired.duplicates or not set(paired.key) <= set(key):
        return None
    rest = [c for c in key if c not in paired.key]
    if paired.in_place and paired.pairs.height == old.height == new.height:
        return _rekeyed_every_row(old, new, key, paired.pairs)
    here = paired.pairs[IDX] == paired.pairs[IDX + NEW]
    moved = [_rekeyed_in_place(old, new, key, rest, paired.pairs.filter(here))]
    pairs = paired.pairs.filter(~here)
    if pairs.height == 0:  # every pair in place (an export and the next, usually)
        return moved[0]
    at_old, at_new = pairs[IDX], pairs[IDX + NEW]
    keep = old.select(_ok(key)).to_series().gather(at_old)
    keep = keep & new.select(_ok(key)).to_series().gather(at_new)
    for c in rest:
        keep = keep & (gather(old.select(c), at_old) == gather(new.select(c), at_new)).to_series()
    h_old = old.select(key_hash(ID_KEY)).to_series().gather(at_old)
    h_new = new.select(key_hash(ID_KEY)).to_series().gather(at_new)
    differ = h_old != h_new
    moved.append(pairs.filter(keep & differ))
    same_hash = pairs.filter(keep & ~differ)
    if same_hash.height:  # the same hash: different ids only where the text says so
        was = old["sourcedId"].gather(same_hash[IDX])
        now = new["sourcedId"].gather(same_hash[IDX + NEW])
        moved.append(same_hash.filter((was != now).fill_null(False)))
    return pl.concat(moved)


def _ok(key: tuple[str, ...], suffix: str = "") -> pl.Expr:
    """Every part of the natural key filled in, and a sourcedId (columns with `suffix`)."""
    return (
        pl.all_horizontal(
            [pl.col(c + suffix).is_not_null() & (pl.col(c + suffix) != "") for c in key]
        )
        & pl.col("sourcedId" + suffix).is_not_null()
    )


def _rekeyed_in_place(
    old: pl.DataFrame,
    new: pl.DataFrame,
    key: tuple[str, ...],
    rest: list[str],
    pairs: pl.DataFrame,
) -> pl.DataFrame:
    """`_rekeyed_from_pairs` of the pairs at the same position on both sides (rows.KeyHashes
    pairs most rows so): the natural key's parts filled in, the rest of the key the same
    and the sourcedIds different, compared at the same positions in one pass over both
    sides' columns (history.in_place_select), exactly; the flags read at the pairs."""
    if pairs.height == 0:
        return pairs
    n = min(old.height, new.height)
    cols = ["sourcedId", *key]
    sides = [df.select(cols).slice(0, n) for df in (old, new)]
    sides[1].columns = [c + NEW for c in cols]
    flag = in_place_select(
        sides[0],
        sides[1],
        [
            pl.all_horizontal(
                _ok(key),
                _ok(key, NEW),
                (pl.col("sourcedId") != pl.col("sourcedId" + NEW)).fill_null(False),
                *[same_at(c) for c in rest],
            ).alias("flag")
        ],
    ).to_series()
    return pairs.filter(flag.gather(pairs[IDX]))


def _rekeyed_every_row(
    old: pl.DataFrame, new: pl.DataFrame, key: tuple[str, ...], pairs: pl.DataFrame
) -> pl.DataFrame:
    """`_rekeyed_from_pairs` when every row of each side was paired with the row at its own
    position and no compared value differs (PairedRows.in_place: the pairs are every
    position in order): NEW's natural key is OLD's at every position (the paired key's
    text the same, the rest of it a compared value), so only OLD's parts are tested filled
    in, and only the sourcedIds are compared across the sides (~0.06 s at 7.3M instead of
    ~0.13 s)."""
    sides = old.select("sourcedId", *key), new.select(pl.col("sourcedId").alias("sourcedId" + NEW))
    differ = (pl.col("sourcedId") != pl.col("sourcedId" + NEW)).fill_null(False)
    flag = in_place_select(*sides, [(_ok(key) & differ).alias("flag")]).to_series()
    return pairs.filter(flag)


def _example(old: pl.DataFrame, new: pl.DataFrame, moved: pl.DataFrame) -> tuple[str, str]:
    """The smallest previous id among the re-keyed records, and the smallest new id it has
    now: deterministic, and a min is linear where sorting millions of records is not."""
    ids = old["sourcedId"]
    # Every record re-keyed in place (regenerated ids, usually): no copy of the ids.
    every = in_order(moved[IDX], old.height)
    was = (ids if every else ids.filter(mask(old.height, moved[IDX]))).min()
    at = pl.arg_where(ids == was, eager=True).cast(pl.UInt32)
    now = new["sourcedId"].gather(moved.filter(pl.col(IDX).is_in(at.implode()))[IDX + NEW]).min()
    return str(was), str(now)


def changed_id_schemes(
    previous: Export,
    export: Export,
    s: DiffSettings,
    out: Findings,
    id_overlap: dict[str, float] | None = None,
    paired: dict[str, PairedRows] | None = None,
) -> None:
    """`id_overlap`: the sourcedId overlap per file already measured by `diff`'s choice of
    key (rows.choose_key: the same sample of the same frames), so it is not sampled again;
    `paired`: the rows `diff` paired per file (`_rekeyed_from_pairs` reads them)."""
    known = id_overlap or {}
    for name, old, new in _both(previous, export):
        key = NATURAL_KEYS.get(old.name)
        if key is None or not (old.readable and new.readable) or old.rows == 0:
            continue
        cols = ("sourcedId", *key)
        if not all(old.has(c) and new.has(c) for c in cols) or old.is_delta or new.is_delta:
            continue
        # Cheap first look: when most previous ids are still there, the scheme is intact.
        ids = known[name] if name in known else overlap(old.df, new.df, ID_KEY)
        if 1.0 - ids < s.id_scheme_share / 2:
            continue
        given = (paired or {}).get(name)
        moved = _rekeyed_from_pairs(old.df, new.df, key, given) if given else None
        if moved is None:
            moved = _rekeyed(old.df, new.df, key)
        share = moved.height / old.rows
        if moved.height == 0 or share < s.id_scheme_share:
            continue
        was, now = _example(old.df, new.df, moved)
        out.one(
            "sourcedid-scheme-changed",
            f"{moved.height:,} of {old.rows:,} {new.path} records ({share:.0%}) kept their "
            f"{', '.join(key)} but have a new sourcedId (e.g. {was!r} is now {now!r}); "
            "the sync would read them as removed and new records.",
            file=new.path,
            column="sourcedId",
            value=now,
            related_file=old.path,
            related_column="+".join(key),
            related_value=was,
        )


def flipped_modes(previous: Export, export: Export, out: Findings) -> None:
    props = sorted(
        k for k in set(previous.manifest) & set(export.manifest) if k.startswith("file.")
    )
    for prop in props:
        was, now = previous.manifest[prop], export.manifest[prop]
        if was == now or was not in STREAMED or now not in STREAMED:
            continue
        effect = (
            "a delta file lists only changed records, so the records it leaves out are not removals"
            if now == "delta"
            else "a bulk file must list every record, so whatever it leaves out reads as removed"
        )
        out.one(
            "file-mode-flipped",
            f"manifest.csv says {prop} is {now} but it was {was} in the previous export; {effect}.",
            file="manifest.csv",
            column="value",
            value=now,
            related_file="manifest.csv",
            related_column=prop,
            related_value=was,
        )


def changed_version(previous: Export, export: Export, out: Findings) -> None:
    # The declared version: the detected one follows the headers, and a mismatch between
    # the two is a load finding of the new export on its own.
    key = "oneroster.version"
    was = previous.manifest.get(key) or previous.version
    now = export.manifest.get(key) or export.version
    if was is None or now is None or was == now:
        return
    out.one(
        "oneroster-version-changed",
        f"The export is OneRoster {now} but the previous one was {was}; column sets differ "
        "(1.2 moves roles out of users.csv), so many values read as changed.",
        file="manifest.csv",
        column="value",
        value=now,
        related_file="manifest.csv",
        related_column="oneroster.version",
        related_value=was,
    )


def diff_findings(
    previous: Export,
    export: Export,
    opts: Options,
    out: Findings,
    id_overlap: dict[str, float] | None = None,
    paired: dict[str, PairedRows] | None = None,
) -> None:
    """Add every RL4xx finding about `export` compared with `previous` to `out`
    (`id_overlap`, `paired`: see changed_id_schemes)."""
    s = settings_from(opts.profile)
    shrunk_files(previous, export, s, out)
    vanished_files(previous, export, out)
    changed_headers(previous, export, out)
    changed_id_schemes(previous, export, s, out, id_overlap, paired)
    flipped_modes(previous, export, out)
    changed_version(previous, export, out)
