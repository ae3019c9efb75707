"""Header checks against files.toml, and the map from header cells to canonical columns.

A cell that can be recognised (wrong case, a typo, a OneRoster 1.0 name, a column of the
other version) is still mapped to its canonical name so that the value checks run; the
finding says what was meant.  `header_ok` is what SK-F1 needs: every standard column
present, spelt exactly, in order.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from roster_lint.findings import Findings
from roster_lint.spec import FileSpec, oneroster

# OneRoster 1.0 column -> its 1.1 successor, per file (oneroster.md §11 #28).
V10_RENAMES: dict[str, dict[str, str]] = {
    "classes.csv": {"termSourcedId": "termSourcedIds", "grade": "grades"},
    "courses.csv": {"schoolYearId": "schoolYearSourcedId", "grade": "grades"},
    "users.csv": {
        "orgSourcedId": "orgSourcedIds",
        "agents": "agentSourcedIds",
        "userId": "userIds",
        "grade": "grades",
    },
    "demographics.csv": {"userSourcedId": "sourcedId"},
}
# Vendor-documented extra columns that are not OneRoster's (SK-A5: orgs `national_id`).
VENDOR_COLUMNS: dict[str, frozenset[str]] = {"orgs.csv": frozenset({"national_id"})}
TYPO_CUTOFF = 0.8
Report = Callable[..., None]


@dataclass
class HeaderMap:
    columns: dict[int, str] = field(default_factory=dict)  # cell index -> frame column name
    ok: bool = True
    v10: list[str] = field(default_factory=list)  # 1.0 cells met
    other_version: list[str] = field(default_factory=list)  # cells of the other version


def _other_version(fs: FileSpec, version: str | None) -> set[str]:
    other = "1.1" if version == "1.2" else "1.2"
    return set(fs.header(other)) - set(fs.header(version))


SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "bars"}


def _other_separator(
    fs: FileSpec, version: str | None, cells: list[str], path: str, out: Findings
) -> None:
    """RL013 when a one-cell header splits on one of SEPARATORS into at least two of the
    file's standard columns (in any case): a file saved by Excel in a comma-decimal
    locale, or a tab-separated export.  The header's other findings follow from it."""
    if len(cells) != 1:
        return
    names = {c.lower() for c in fs.header(version)}
    for sep, called in SEPARATORS.items():
        parts = [p.strip().strip('"').lower() for p in cells[0].split(sep)]
        if len(parts) > 1 and len(names.intersection(parts)) >= 2:
            out.one(
                "delimiter-not-comma",
                f"{path} is separated by {called}, not commas: read as CSV its header is one "
                f"column, and every standard column is missing",
                file=path,
                line=1,
                value=called,
            )
            return


def check_header(
    fs: FileSpec, version: str | None, cells: list[str], path: str, out: Findings
) -> HeaderMap:
    _other_separator(fs, version, cells, path, out)
    expected = fs.header(version)
    optional = {c.name for c in fs.columns(version) if c.optional_column}
    other = _other_version(fs, version)
    renames = V10_RENAMES.get(fs.name, {})
    lower = {c.lower(): c for c in expected}
    hm = HeaderMap()
    seen: dict[str, int] = {}
    first_meta: int | None = None
    standard_at: list[tuple[int, str]] = []  # (cell index, canonical) for standard columns

    def report(rule: str, message: str, column: str | None, value: str | None = None) -> None:
        out.one(rule, message, file=path, line=1, column=column, value=value)

    cell_set = set(cells)  # a 100k-column header: membership must not scan the list
    for i, cell in enumerate(cells):
        name: str | None = None
        if cell == "":
            # The position is in the message, not a value: the cell holds none.  Where a
            # missing standard column belongs, the cell is to be named (RL030), not removed.
            # Only where the cell before it is the standard column before that one: the
            # header is in place there, so the position names the column meant.
            placed = i == 0 or (
                i <= len(expected) and cells[i - 1].lower() == expected[i - 1].lower()
            )
            meant = (
                expected[i]
                if placed and i < len(expected) and expected[i] not in cell_set
                else None
            )
            where = f" where {meant!r} goes: name it {meant!r}" if meant else ""
            report("empty-header-cell", f"{path}: header cell {i + 1} is empty{where}", meant)
            hm.ok = hm.ok and i >= len(expected)
            continue
        if cell == "metadata":
            report(
                "metadata-blob-column",
                f"{path}: a column named just 'metadata'; extensions go in metadata.<name> columns",
                cell,
            )
            continue
        if cell.startswith("metadata."):
            first_meta = i if first_meta is None else first_meta
            name = cell
        elif cell in expected:
            name = cell
        elif cell in renames and renames[cell] in expected:
            name = renames[cell]
            hm.v10.append(cell)
        elif cell in other:
            name = cell
            hm.other_version.append(cell)
        elif cell.lower() in lower:
            name = lower[cell.lower()]
            report(
                "column-wrong-case",
                f"{path}: header {cell!r} should be {name!r} (names are case-sensitive)",
                name,
                cell,
            )
        else:
            # Only a column the header lacks can be the one a typo meant.
            absent = [c for c in expected if c not in cell_set]
            close = difflib.get_close_matches(cell, absent, n=1, cutoff=TYPO_CUTOFF)
            if close:
                name = close[0]
                report(
                    "column-misspelt",
                    f"{path}: header {cell!r} looks like a misspelling of {name!r}",
                    name,
                    cell,
                )
            elif cell in VENDOR_COLUMNS.get(fs.name, ()):
                name = cell
            else:
                report(
                    "unknown-column",
                    f"{path}: {cell!r} is not a OneRoster column; extensions must be named "
                    "metadata.<name>",
                    cell,
                )
                name = cell
        if name in seen:
            report(
                "duplicate-column",
                f"{path}: column {name!r} appears twice (cells {seen[name] + 1} and {i + 1}); "
                "the first is used",
                name,
                cell,
            )
            hm.ok = False
            continue
        seen[name] = i
        hm.columns[i] = name
        if name in expected:
            standard_at.append((i, name))
            if cell != name:
                hm.ok = False
    _order_and_presence(hm, expected, optional, standard_at, first_meta, path, report)
    return hm


def _order_and_presence(
    hm: HeaderMap,
    expected: list[str],
    optional: set[str],
    standard_at: list[tuple[int, str]],
    first_meta: int | None,
    path: str,
    rep: Report,
) -> None:
    present = {name for _, name in standard_at}
    for col in expected:
        if col in present:
            continue
        if col in optional:
            rep(
                "users-without-resource-column",
                f"{path}: no {col} column (the 22-column 1.2 layout); accepted, but the "
                "1.2 spec may require it",
                col,
            )
            continue
        rep("missing-column", f"{path}: the standard column {col!r} is missing", col)
        hm.ok = False
    order = [expected.index(name) for _, name in standard_at]
    for k in range(1, len(order)):
        if order[k] < order[k - 1]:
            name = standard_at[k][1]
            rep(
                "columns-out-of-order",
                f"{path}: column {name!r} comes after {standard_at[k - 1][1]!r}; the standard "
                f"order is {', '.join(expected)}",
                name,
            )
            hm.ok = False
            break
    if first_meta is not None:
        after = [name for i, name in standard_at if i > first_meta]
        if after:
            rep(
                "metadata-before-standard-column",
                f"{path}: metadata columns must come after every standard column, but "
                f"{after[0]!r} follows one",
                after[0],
            )


def manifest_header_ok(cells: list[str]) -> bool:
    return cells == oneroster().manifest["header"]
