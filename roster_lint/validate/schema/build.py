"""Per-file schemas generated from rules/oneroster/files.toml (via roster_lint.spec).

`column_checks` turns one ColumnSpec into CheckDefs; `schema_for` collects them per file,
OneRoster version and manifest mode into a `Schema`, whose `pandera` property is the same
declaration as a `pandera.polars.DataFrameSchema` whose Checks are those polars
expressions.  It is built on first use (pandera's runner, the tests): pandera is imported
then, lazily and once (its import is slow), and never by `check`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint.spec import ColumnSpec, FileSpec, oneroster
from roster_lint.validate.schema import checks as C
from roster_lint.validate.schema import typed as Y
from roster_lint.validate.schema.grades import grade_checks

if TYPE_CHECKING:
    import pandera.polars as pa

METADATA = r"^metadata\..+$"
# Strings that are matched against other systems (SSO, NCES, SCED): padding breaks them.
KEY_STRINGS = frozenset(
    {
        "username",
        "identifier",
        "courseCode",
        "classCode",
        "userMasterIdentifier",
        "vendorResourceId",
    }
)
# Numeric-looking codes that Excel damages (scientific notation, lost leading zeros).
CODE_STRINGS = frozenset(
    {"identifier", "courseCode", "classCode", "userMasterIdentifier", "publicSchoolResidenceStatus"}
)
CLOSED_TYPES = frozenset({"status", "datetime", "date", "year", "bool", "enum", "grades", "float"})
# Values never copied into a finding (the report may be shared with vendor support).
PRIVATE = frozenset({"password"})
# In a file whose column list is [verify] (§5.8), definition-based errors are warnings.
_UNCONFIRMED = {"RL102": "RL104"} | dict.fromkeys(
    ("RL100", "RL101", "RL103", "RL120", "RL121", "RL122", "RL130", "RL131", "RL132", "RL160"),
    "RL105",
)


def column_checks(
    fs: FileSpec, col: ColumnSpec, version: str, mode: str | None
) -> list[C.CheckDef]:
    """Every check for one standard column, in declaration order."""
    spec = oneroster()
    name, verify = col.name, col.verify
    # Closed vocabularies (tokens, dates, numbers) reject any stray character themselves, with
    # a more specific message; free text, ids and codes get the hygiene checks.
    out = [] if col.type in CLOSED_TYPES else C.text_checks(name)
    t = col.type
    if col.required:
        # Ids and key/code strings are screened by space_or_exponent for padding and
        # scientific notation: only-spaces shares that one pass instead of its own.
        shared = t in ("id", "idref") or name in KEY_STRINGS | CODE_STRINGS | {"email"}
        out += C.required_checks(name, C.space_or_exponent if shared else C.starts_with_space)
    if t == "id" or (t == "idref" and not col.list):
        out += [C.padded_check(name, name), C.scientific_check(name), C.leading_zero_check(name)]
    elif t == "idref":
        out += [C.list_damage_check(name), C.scientific_check(name)]
    elif t == "status":
        out += Y.status_checks(name, mode, verify)
    elif t == "datetime":
        out += Y.datetime_checks(name, mode, verify)
    elif t == "date":
        out.append(Y.date_check(name, verify))
    elif t == "year":
        out.append(Y.year_check(name, verify))
    elif t == "float":
        out.append(Y.float_check(name))
    elif t == "bool":
        out += Y.enum_checks(name, spec.enums["bool"], ext=False, verify=verify, label="boolean")
    elif t == "enum":
        assert col.enum is not None
        ext = version == "1.2" and col.enum in spec.extensible_v12
        out += Y.enum_checks(name, spec.enums[col.enum], ext=ext, verify=verify)
    elif t == "grades":
        out += [
            *grade_checks(name, spec.enums["grades"], version == "1.2"),
            C.list_damage_check(name),
        ]
    elif t == "userids":
        # A value that is a userIds list as it stands has no list damage (its items start
        # with "{" and end with "}": no space or empty item touches a comma or an end), so
        # the userIds screen, computed once for both, screens the damage too: the damage's
        # own four passes are spared (docs/performance.md, branch checkfast6).
        out += [
            Y.userids_check(name, verify),
            C.list_damage_check(name, Y.userids_screen),
        ]
    elif t == "string":
        out += _string_checks(name, nces=fs.name == "orgs.csv")
    if fs.verify:
        out = [dataclasses.replace(d, rule=_UNCONFIRMED.get(d.rule, d.rule)) for d in out]
    return out


def _string_checks(name: str, nces: bool = False) -> list[C.CheckDef]:
    out: list[C.CheckDef] = []
    if name in KEY_STRINGS:
        out.append(C.padded_check(name, name))
    if name in CODE_STRINGS:
        out += [C.scientific_check(name), C.leading_zero_check(name, nces=nces)]
    if name == "email":
        out += [C.padded_check(name, name), Y.email_check(name)]
    if name == "password":
        out.append(Y.password_check(name))
    return out


@dataclass(frozen=True)
class Schema:
    """One file's declared checks: per column (or column-name regex), its CheckDefs.

    `pandera` is the same declaration as a `pandera.polars.DataFrameSchema` (one
    pandera.Check per CheckDef).  It is built on first use: the fast runner reads the
    CheckDefs directly, so `check` never pays pandera's import.
    """

    file: str
    version: str
    mode: str | None
    columns: tuple[tuple[str, bool, tuple[str, ...]], ...]  # (name or regex, is regex, checks)
    defs: dict[str, C.CheckDef]

    def column_defs(self, columns: list[str]) -> list[tuple[str, C.CheckDef]]:
        """(column, check) pairs for the columns a table actually has, in schema order."""
        import re

        out: list[tuple[str, C.CheckDef]] = []
        for key, regex, checks in self.columns:
            names = [c for c in columns if re.match(key, c)] if regex else [key]
            for col in names:
                if col in columns:
                    out += [(col, self.defs[name]) for name in checks]
        return out

    @cached_property
    def pandera(self) -> pa.DataFrameSchema:
        import pandera.polars as pa

        columns = {
            key: pa.Column(
                pl.String,
                checks=[_pandera_check(pa, self.defs[name]) for name in checks],
                nullable=True,
                required=False,  # missing headers are the loader's findings
                regex=regex,
            )
            for key, regex, checks in self.columns
        }
        name = f"{self.file} {self.version} {self.mode or ''}"
        return pa.DataFrameSchema(columns, strict=False, name=name)


def _pandera_check(pa: Any, d: C.CheckDef) -> Any:
    def fn(data: Any) -> pl.LazyFrame:
        return data.lazyframe.select(~d.bad_expr(pl.col(data.key)))

    return pa.Check(fn, name=d.name, ignore_na=False)


@cache
def schema_for(file_name: str, version: str | None, mode: str | None) -> Schema:
    """The schema of one OneRoster file for a version ("1.1"/"1.2") and manifest mode."""
    v = version if version in ("1.1", "1.2") else "1.1"
    fs = oneroster().files[file_name]
    defs: dict[str, C.CheckDef] = {}
    columns: list[tuple[str, bool, tuple[str, ...]]] = []
    for col in fs.columns(v):
        col_defs = column_checks(fs, col, v, mode)
        defs.update((d.name, d) for d in col_defs)
        columns.append((col.name, False, tuple(d.name for d in col_defs)))
    # metadata.* extension columns (§9): only text hygiene, names vary per export.
    meta_defs = [
        dataclasses.replace(d, name="metadata:" + d.name.split(":")[1])
        for d in C.text_checks("metadata column")
    ]
    defs.update((d.name, d) for d in meta_defs)
    columns.append((METADATA, True, tuple(d.name for d in meta_defs)))
    return Schema(file_name, v, mode, tuple(columns), defs)
