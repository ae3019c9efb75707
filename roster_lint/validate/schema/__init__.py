"""Per-file value checks built from rules/oneroster/files.toml.

build.py declares, per file, version and manifest mode, each column's checks (CheckDefs:
polars expressions), also available as a pandera.polars.DataFrameSchema; runner.py runs
them as lazy polars queries, every table's collected together (pandera's own backend is
the reference the tests hold it to), and every failure becomes a finding with file,
line, column, sourcedId and value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

from roster_lint.findings import Findings, rows_wanted
from roster_lint.model import Export
from roster_lint.spec import oneroster
from roster_lint.validate import bytefacts


def run(
    export: Export,
    out: Findings,
    engine: str = "polars",
    columns: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Check every readable table whose file OneRoster defines for the export's version.

    columns: only these columns of these files (polars engine; the checks are per column,
    so a run over some columns and one over the rest find what one run over all finds).

    engine "polars" (default): the declared checks as lazy polars queries, every table's
    collected together.  engine "pandera": each table validated by pandera's own polars
    backend from the same declarations (`check --schema-engine pandera`): the reference,
    same findings, minutes instead of seconds on a million-student export.
    """
    from roster_lint.validate.schema.build import schema_for
    from roster_lint.validate.schema.runner import collect_jobs, jobs, run_pandera, with_messages

    spec = oneroster()
    version = export.version if export.version in ("1.1", "1.2") else "1.1"
    todo = []
    # Grouped as found, unless every row is wanted (--output rows:): findings.rows_wanted.
    group = not rows_wanted()
    for name in sorted(export.tables):
        table = export.table(name)
        fs = spec.files.get(name)
        if table is None or fs is None or version not in fs.versions:
            continue
        if columns is not None and name not in columns:
            continue
        schema = schema_for(name, version, table.mode)
        if engine == "pandera":
            if columns is not None:
                raise ValueError("the pandera engine validates whole tables")
            hits = run_pandera(schema, table.df)
            for check, part in with_messages(schema, hits) if hits.height else []:
                out.add(check.rule, part, file=table.path)
            continue
        only = None if columns is None else columns[name]
        quiet = partial(bytefacts.quiet, export, name)  # RL211's byte pass may have said
        todo.append(
            (table, schema, jobs(schema, table.df, only=only, group=group, quiet_test=quiet))
        )
    # Every table's queries in one collect: both cores stay busy across files.
    found = collect_jobs([j for *_, j in todo], group=group)
    for (table, schema, _), hits in zip(todo, found, strict=True):
        for check, part in with_messages(schema, hits) if hits.height else []:
            out.add(check.rule, part, file=table.path)
