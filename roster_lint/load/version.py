"""Which OneRoster version an export is: the manifest's claim, checked against the headers.

Evidence (oneroster.md §3.2, §11 #28): 1.0 column names from files.toml [v10_fingerprints];
users.csv with orgSourcedIds/role (1.1) or with the 1.2-only columns (1.2); roles.csv or
userProfiles.csv present (1.2).  The headers decide how the files are read, so when they
agree with each other but not with the manifest, they win.
"""

from __future__ import annotations

from roster_lint.findings import Findings
from roster_lint.spec import oneroster

USERS = "users.csv"


def evidence(headers: dict[str, tuple[str, list[str]]]) -> dict[str, list[str]]:
    """Version -> canonical names of the files that point to it.

    `headers` maps canonical file name -> (path as found, header cells).
    """
    spec = oneroster()
    found: dict[str, list[str]] = {}
    for name, (_, cells) in sorted(headers.items()):
        if set(spec.v10_fingerprints.get(name, ())) & set(cells):
            found.setdefault("1.0", []).append(name)
        fs = spec.files.get(name)
        if fs is not None and fs.versions == ("1.2",):
            found.setdefault("1.2", []).append(name)
    if USERS in headers:
        cells = headers[USERS][1]
        fs = spec.files[USERS]
        only_11 = set(fs.header("1.1")) - set(fs.header("1.2"))
        only_12 = set(fs.header("1.2")) - set(fs.header("1.1"))
        if only_11 & set(cells):
            found.setdefault("1.1", []).append(USERS)
        if only_12 & set(cells):
            found.setdefault("1.2", []).append(USERS)
    return found


def decide(
    declared: str | None,
    headers: dict[str, tuple[str, list[str]]],
    mpath: str,
    out: Findings,
) -> str | None:
    spec = oneroster()
    ev = evidence(headers)
    for name in ev.get("1.0", []):
        path, all_cells = headers[name]
        cells = [c for c in all_cells if c in spec.v10_fingerprints[name]]
        out.one(
            "oneroster-1-0-columns",
            f"{path} has OneRoster 1.0 columns ({', '.join(cells)}): this looks like a 1.0 "
            "export, which is not 1.1 or 1.2",
            file=path,
            line=1,
            column=cells[0],
        )
    newer = sorted(v for v in ev if v != "1.0")
    if declared is not None and newer and newer != [declared]:
        wrong = [v for v in newer if v != declared]
        files = sorted({headers[n][0] for v in wrong for n in ev[v]})
        out.one(
            "version-mismatch",
            f"{mpath} says OneRoster {declared} but {', '.join(files)} "
            f"{'has' if len(files) == 1 else 'have'} the {'/'.join(wrong)} layout",
            file=files[0],
            line=1,
            value=declared,
        )
    if declared is None and "1.0" in ev:
        return "1.0"  # no manifest and 1.0 headers: an old export through and through
    if len(newer) == 1:
        return newer[0]  # the headers agree with each other
    if declared is not None:
        return declared
    return "1.1" if headers else None
