"""Fingerprints of `plan` over many exports and options, to prove an engine change keeps
the plan's content identical (every action, reason, detail, school, file, line, root cause,
follow-up, note and count).

    .venv/bin/python benchmarks/plan_compare.py save /tmp/before.json [--big]
    .venv/bin/python benchmarks/plan_compare.py check /tmp/before.json [--big]

`--big` adds the 100k-student benchmark export (benchmarks/data, made by run.py).
`check ... --ignore-schema` compares content only (text, school/file/line as CSV, rows),
for changes to the actions frame's dtypes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import polars as pl

from roster_lint import api
from roster_lint.report.plan_json import plan_json_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_exports"
CORPUS = Path("/work/shared/corpus")
BIG = ROOT / "benchmarks" / "data" / "students-100000-seed-1"
SMALL = ROOT / "benchmarks" / "data" / "students-20000-seed-1"


def cases(big: bool) -> list[tuple[str, str, api.Options]]:
    out: list[tuple[str, str, api.Options]] = []
    yesterday = str(SAMPLES / "district-yesterday")
    exports = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
    exports += sorted(p for p in CORPUS.glob("*/*") if p.is_dir() and any(p.glob("*.csv")))
    for p in exports:
        out.append((f"{p.name}", str(p), api.Options()))
        out.append((f"{p.name} provisioning", str(p), api.Options(mode="provisioning")))
        out.append((f"{p.name} previous", str(p), api.Options(previous=yesterday)))
        out.append(
            (
                f"{p.name} previous provisioning",
                str(p),
                api.Options(previous=yesterday, mode="provisioning"),
            )
        )
    if big:
        out.append(("100k", str(BIG), api.Options()))
        out.append(("100k previous 20k", str(BIG), api.Options(previous=str(SMALL))))
    return out


def fingerprint(plan_: object) -> dict[str, str]:
    """sha256 of the JSON document and of the columns the document leaves out."""
    assert isinstance(plan_, api.Plan)
    text = plan_json_text(plan_)
    extra = plan_.actions.select("school", "file", "line").write_csv()
    schema = str(plan_.actions.schema)
    return {
        "json": hashlib.sha256(text.encode()).hexdigest(),
        "school_file_line": hashlib.sha256(extra.encode()).hexdigest(),
        "schema": schema,
        "rows": str(plan_.actions.height),
    }


def run(big: bool) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, path, opts in cases(big):
        try:
            out[name] = fingerprint(api.plan(path, opts))
        except Exception as exc:  # a usage error is part of the fingerprint too
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


def main() -> int:
    cmd, file = sys.argv[1], Path(sys.argv[2])
    got = run("--big" in sys.argv)
    if cmd == "save":
        file.write_text(json.dumps(got, indent=1, sort_keys=True))
        print(f"{len(got)} plans fingerprinted -> {file}")
        return 0
    want = json.loads(file.read_text())
    if "--ignore-schema" in sys.argv:  # a dtype change (e.g. Enum columns) keeps the content
        for fp in [*want.values(), *got.values()]:
            fp.pop("schema", None)
    bad = [k for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]
    for k in bad:
        print(f"DIFFERENT: {k}: {want.get(k)} != {got.get(k)}")
    print(f"{len(got)} plans compared, {len(bad)} different")
    return 1 if bad else 0


if __name__ == "__main__":
    pl.Config.set_tbl_rows(5)
    raise SystemExit(main())
