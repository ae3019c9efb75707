"""Cross-file facts that several rules read, built once per export and kept with it.

Roles and orgs per user, the students, the classes' schools and the masks one pass over
the enrollments' school ids yields: each is built on first use (Export.cached, thread-safe,
under common.CACHE_KEY) and read by every rule that needs it.  The one home for them: a
rule never imports another rule's module to reach a fact (tests/test_layers.py has the
direction of the package; this module is the direction inside crossfile/).  The pipeline
frees them all when the cross-file rules end (pipeline.release_validation_caches).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from roster_lint.model import ID_HASH_SEED, Export
from roster_lint.validate.crossfile.common import (
    CACHE_KEY,
    ID_T,
    PAIR_SEED,
    SID,
    STUDENT_ROLES,
    combined,
    exploded,
    id_hash,
    not_deleted,
    present,
    repeats,
    rows,
    streamed,
    table,
)


def _cached(export: Export, key: str, build: Callable[[Export], pl.DataFrame]) -> pl.DataFrame:
    frame: pl.DataFrame = export.cached(CACHE_KEY + key, lambda: build(export))
    return frame


def user_roles(export: Export) -> pl.DataFrame:
    """(userSourcedId, role) for every user role known: 1.1 users.role, 1.2 roles.csv.

    Rows may repeat (a duplicated user row): callers use semi and anti joins.
    """
    return _cached(export, "user_roles", _user_roles)


def user_role_hashes(export: Export) -> pl.Series:
    """The u64 hashes (ID_HASH_SEED) of user_roles' userSourcedId, row for row.  Those
    from users.csv are its shared sourcedId hashes (Export.id_hash), filtered: a million
    ids are not hashed again; those from roles.csv are hashed."""

    def build() -> pl.Series:
        roles = user_roles(export)
        parts: list[pl.Series] = []
        users = table(export, "users.csv", SID, "role")
        if users is not None:  # user_roles puts users.csv's rows first, in file order
            mask = users.df.select(present("role").fill_null(False)).to_series()
            parts.append(export.id_hash(users.name, SID).filter(mask))
        done = parts[0].len() if parts else 0
        if done < roles.height:  # the rows from roles.csv
            parts.append(
                roles.slice(done)
                .select(pl.col("userSourcedId").hash(seed=ID_HASH_SEED))
                .to_series()
            )
        if not parts:
            return pl.Series("userSourcedId", [], dtype=pl.UInt64())
        return pl.concat(parts).alias("userSourcedId")

    found: pl.Series = export.cached(CACHE_KEY + "user_role_hashes", build)
    return found


def user_orgs(export: Export) -> pl.DataFrame:
    """(userSourcedId, orgSourcedId) for every org a user belongs to, by version."""
    return _cached(export, "user_orgs", _user_orgs)


def student_ids(export: Export) -> pl.DataFrame:
    """(sourcedId) of every user with a student role (may repeat)."""
    return _cached(
        export,
        "students",
        lambda e: (
            user_roles(e)
            .filter(pl.col("role").is_in(STUDENT_ROLES))
            .select(pl.col("userSourcedId").alias(SID))
        ),
    )


def _user_roles(export: Export) -> pl.DataFrame:
    parts: list[pl.DataFrame] = []
    users = table(export, "users.csv", SID, "role")
    if users is not None:
        parts.append(
            rows(users, present("role"), pl.col(SID).alias("userSourcedId"), pl.col("role"))
        )
    roles = table(export, "roles.csv", "userSourcedId", "role")
    if roles is not None:
        parts.append(rows(roles, present("role") & not_deleted(roles), "userSourcedId", "role"))
    if not parts:
        return pl.DataFrame(schema={"userSourcedId": ID_T, "role": ID_T})
    return pl.concat(parts)


def _user_orgs(export: Export) -> pl.DataFrame:
    parts: list[pl.DataFrame] = []
    users = table(export, "users.csv", SID, "orgSourcedIds")
    if users is not None:
        parts.append(
            exploded(users.df.select(SID, "orgSourcedIds"), "orgSourcedIds", "orgSourcedId").select(
                pl.col(SID).alias("userSourcedId"), "orgSourcedId"
            )
        )
    roles = table(export, "roles.csv", "userSourcedId", "orgSourcedId")
    if roles is not None:
        parts.append(
            rows(
                roles, present("orgSourcedId") & not_deleted(roles), "userSourcedId", "orgSourcedId"
            )
        )
    if not parts:
        return pl.DataFrame(schema={"userSourcedId": ID_T, "orgSourcedId": ID_T})
    return pl.concat(parts)


NOT_A_SCHOOL = "not a school"  # screens() key of the RL204 candidates


def pairs_absent(
    export: Export,
    column: str,
    *checks: tuple[str, pl.Series],
    own: pl.Series | None = None,
    among: dict[str, pl.Series] | None = None,
) -> dict[str, pl.Series]:
    """Per (kept, known) check, a mask over enrollments under the kept column's name:
    combined([kept, column]) is not among `known` (so the pair is certainly not there);
    `column`'s share is computed once for every check.  With `own`, also a mask under
    `column`'s name: its hash is not among `own`; per `among` entry, a mask under its
    name: the hash is among its hashes.  Streamed: no 7M-row hash is held."""
    enr = export.tables["enrollments.csv"]
    given = {f"_k{i}": id_hash(export, enr.name, kept) for i, (kept, _) in enumerate(checks)}
    gone = {
        kept: ~(pl.col(f"_k{i}") ^ pl.col("_tag")).is_in(known.implode())
        for i, (kept, known) in enumerate(checks)
    }
    if own is not None:
        gone[column] = ~pl.col("_own").is_in(own.implode())
    for name, hashes in (among or {}).items():
        gone[name] = pl.col("_own").is_in(hashes.implode())
    # combined()'s share of the second column (see common.combined).
    own_hash = pl.col(column).hash(seed=ID_HASH_SEED)
    found = streamed(enr.df, gone, given, _own=own_hash, _tag=pl.col("_own").hash(seed=PAIR_SEED))
    return {name: found[name] for name in gone}


def screens(export: Export) -> dict[str, pl.Series]:
    """Masks over enrollments from one pass over their school ids, kept with the export
    (the reference rules read them too; one bit per enrollment each):

    - "classSourcedId", "userSourcedId": the (class, school) / (user, school) pair is
      certainly not among the classes' schools / the user's orgs (RL220, RL222);
    - "schoolSourcedId": the school is certainly not a sourcedId of orgs.csv (RL200);
    - NOT_A_SCHOOL: the school may be an org of another type (RL204 decides exactly).
    """
    found: dict[str, pl.Series] = export.cached(
        CACHE_KEY + "enrollment_schools", lambda: _screens(export)
    )
    return found


def _screens(export: Export) -> dict[str, pl.Series]:
    enr = table(export, "enrollments.csv", "schoolSourcedId")
    if enr is None:
        return {}
    checks = []
    class_school = class_schools(export)
    if class_school is not None:
        checks.append(("classSourcedId", _known(class_school, ("classSourcedId", "classSchool"))))
    if enr.has("userSourcedId"):
        orgs = user_orgs(export)
        checks.append(("userSourcedId", _known(orgs, ("userSourcedId", "orgSourcedId"))))
    orgs_csv = table(export, "orgs.csv", SID)
    own = export.id_hash(orgs_csv.name, SID) if orgs_csv is not None else None
    among = {}
    if orgs_csv is not None and orgs_csv.has("type"):
        other = present("type") & (pl.col("type") != "school")
        wrong = orgs_csv.df.select(other.fill_null(False)).to_series()
        if wrong.any():
            among[NOT_A_SCHOOL] = export.id_hash(orgs_csv.name, SID).filter(wrong)
    if not checks and own is None:
        return {}
    return pairs_absent(export, "schoolSourcedId", *checks, own=own, among=among)


def resolved_by_school(export: Export) -> set[str]:
    """The enrollment columns whose screens() pair mask can only be False for an id that
    is in its own file: a (class, school) pair is built from classes.csv's ids; a (user,
    org) pair from users.csv's ids unless roles.csv adds users of its own (1.2)."""
    found = {"classSourcedId"}
    if table(export, "roles.csv", "userSourcedId", "orgSourcedId") is None:
        found.add("userSourcedId")
    return found


def _known(ref: pl.DataFrame, cols: tuple[str, str]) -> pl.Series:
    return combined([ref[c].hash(seed=ID_HASH_SEED) for c in cols])


def class_schools(export: Export) -> pl.DataFrame | None:
    """(classSourcedId, classSchool) of every class, when enrollments can be matched."""
    enr = table(export, "enrollments.csv", "classSourcedId", "schoolSourcedId")
    classes = table(export, "classes.csv", SID, "schoolSourcedId")
    if enr is None or classes is None:
        return None
    found = rows(
        classes,
        present("schoolSourcedId"),
        pl.col(SID).alias("classSourcedId"),
        pl.col("schoolSourcedId").alias("classSchool"),
    )
    # Class ids are distinct in most exports (checked on the shared hashes: no repeated
    # hash, no repeated id): then there is nothing to drop, and a unique of 280k strings
    # is spared.
    if repeats(export.id_hash(classes.name, SID)).len() == 0:
        return found
    return found.unique(subset="classSourcedId", keep="first")
