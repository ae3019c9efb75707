"""What the sync reads: the export's tables reduced to the columns the profile uses.

Every frame has a fixed schema whatever the damage (missing file, missing column, broken
header): a missing column reads as blank, a missing file as no rows.  `state` says, per
file, whether the sync reads it (`ok`), cannot process it (`broken`: header not exact or
unreadable, SK-F1), does not find it (`missing`) or ignores it in this mode (`ignored`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from roster_lint.model import LINE, Export, Table
from roster_lint.predict.kernel import first_rows
from roster_lint.predict.profile import Profile
from roster_lint.spec import oneroster

STR = pl.String()


def _cols(
    df: pl.DataFrame | None, wanted: dict[str, str], empty: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Select source columns under new names; absent columns become blank text."""
    if df is None:
        return pl.DataFrame(schema={**{k: STR for k in wanted}, "line": pl.Int64(), **empty})
    exprs = [
        (pl.col(src) if src in df.columns else pl.lit("", STR)).fill_null("").alias(dst)
        for dst, src in wanted.items()
    ]
    line = pl.col(LINE).cast(pl.Int64) if LINE in df.columns else pl.int_range(2, df.height + 2)
    return df.select([*exprs, line.cast(pl.Int64).alias("line")])


@dataclass
class Inputs:
    version: str | None
    mode: str
    orgs: pl.DataFrame
    users: pl.DataFrame
    courses: pl.DataFrame
    classes: pl.DataFrame
    enrollments: pl.DataFrame
    state: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)  # file -> line it was cut off at (RL028)
    primary_role_ambiguous: int = 0  # 1.2 users whose primary role had to be chosen

    def broken(self, name: str) -> bool:
        return self.state.get(name) == "broken"

    @cached_property
    def class_rows(self) -> pl.DataFrame:
        """Each class id's first row, in file order (kernel.first_rows): the rows
        with_users numbers `_crow` by, and that class_counts and decide_classes read.
        Made once (`classes` is set once, by read_inputs)."""
        return first_rows(self.classes, "cid")


def _frame(export: Export, name: str, reads: list[str], inp: Inputs) -> pl.DataFrame | None:
    t = export.tables.get(name)
    inp.paths[name] = t.path if t is not None else name
    if name not in reads:
        # Not read in this mode, but listed so that every entity still gets an action.
        inp.state[name] = "ignored"
        return t.df if t is not None and t.readable else None
    if t is None:
        inp.state[name] = "missing"
        return None
    if not t.readable:
        inp.state[name] = "broken"
        return None
    inp.state[name] = "ok" if header_ok(t, export.version) else "broken"
    if t.cut_line is not None:
        inp.cut[name] = t.cut_line
    return t.df


def header_ok(t: Table, version: str | None) -> bool:
    """SK-F1: every standard column present, exact and in order (the loader's verdict, and
    our own check on the header cells so that a lenient loader cannot hide a break)."""
    if not t.header_ok:
        return False
    spec = oneroster().files.get(t.name)
    if spec is None:
        return True
    cols = [c for c in spec.columns(version) if not (c.optional_column and c.name not in t.header)]
    return t.header[: len(cols)] == [c.name for c in cols]


def _split(expr: pl.Expr) -> pl.Expr:
    """A comma-separated list, exactly as written (SK-F2: no trimming); blank = []."""
    return pl.when(expr == "").then(pl.lit([], pl.List(STR))).otherwise(expr.str.split(","))


# What the sync reads of each file: plan name -> source column.  One source of truth for
# read_inputs and for `columns_read` (api.py frees every other column before the plan).
ORG_COLS = {
    "oid": "sourcedId",
    "status": "status",
    "name": "name",
    "type": "type",
    "parent": "parentSourcedId",
}
COURSE_COLS = {
    "course": "sourcedId",
    "status": "status",
    "title": "title",
    "code": "courseCode",
    "org": "orgSourcedId",
}
CLASS_COLS = {
    "cid": "sourcedId",
    "status": "status",
    "title": "title",
    "grades": "grades",
    "course": "courseSourcedId",
    "school": "schoolSourcedId",
}
ENROLLMENT_COLS = {
    "eid": "sourcedId",
    "status": "status",
    "cid": "classSourcedId",
    "school": "schoolSourcedId",
    "uid": "userSourcedId",
    "role": "role",
    "primary": "primary",
}
ROLE_COLS = {"uid": "userSourcedId", "role_type": "roleType", "role": "role", "org": "orgSourcedId"}


def _org_cols(profile: Profile) -> dict[str, str]:
    return {**ORG_COLS, **{f"nces_{i}": src for i, src in enumerate(profile.nces.sources)}}


def columns_read(profile: Profile) -> dict[str, set[str]]:
    """Every source column the plan reads, per file (whatever the mode or version)."""
    return {
        "orgs.csv": set(_org_cols(profile).values()),
        "users.csv": set(_user_cols().values()),
        "courses.csv": set(COURSE_COLS.values()),
        "classes.csv": set(CLASS_COLS.values()),
        "enrollments.csv": set(ENROLLMENT_COLS.values()),
        "roles.csv": set(ROLE_COLS.values()),
    }


def read_inputs(export: Export, mode: str, profile: Profile) -> Inputs:
    version = export.version
    reads = profile.mode_files(mode, version)
    empty = pl.DataFrame()
    inp = Inputs(version, mode, empty, empty, empty, empty, empty)
    inp.orgs = _cols(_frame(export, "orgs.csv", reads, inp), _org_cols(profile), {})
    inp.users = _users(export, reads, inp, profile)
    inp.courses = _cols(_frame(export, "courses.csv", reads, inp), COURSE_COLS, {})
    inp.classes = _cols(_frame(export, "classes.csv", reads, inp), CLASS_COLS, {})
    inp.enrollments = _cols(_frame(export, "enrollments.csv", reads, inp), ENROLLMENT_COLS, {})
    return inp


USER_COLS = {
    "uid": "sourcedId",
    "status": "status",
    "enabled": "enabledUser",
    "username": "username",
    "given": "givenName",
    "family": "familyName",
    "email": "email",
    "grades": "grades",
    "password": "password",
}


def _user_cols() -> dict[str, str]:
    return {
        **USER_COLS,
        "role": "role",
        "orgs": "orgSourcedIds",
        "primary_org": "primaryOrgSourcedId",
    }


def _by_rank(roles: pl.DataFrame) -> pl.DataFrame:
    """The role rows in (_rank, line) order: grouped by user (maintain_order), each user's
    rows then come primary first, by line, as a sort by (uid, _rank, line) gave them; the
    groups' own order does not matter (joined on uid).  Rows come in line order from the
    loader and most exports give only primary roles, so the sort is mostly none at all:
    sorting 1M 36-character user ids first cost ~0.6 s CPU (docs/performance.md)."""
    if roles["line"].is_sorted():
        if roles["_rank"].max() in (None, 0) or _primary_first(roles):
            return roles
        return roles.sort("_rank", maintain_order=True)
    return roles.sort(["_rank", "line"], maintain_order=True)


def _primary_first(roles: pl.DataFrame) -> bool:
    """Whether every user's primary rows come before its other rows in `roles` (in line
    order): each user's rows are then already in (_rank, line) order, and the sort (a
    copy of every column of the 1M role rows, ~37k fresh pages, for the few users with
    a secondary role) is not needed.  Read for the users with a row of rank 1 alone."""
    later = (
        roles.filter(pl.col("_rank") != 0).group_by("uid").agg(pl.col("line").min().alias("_l1"))
    )
    primary = (
        roles.filter((pl.col("_rank") == 0) & pl.col("uid").is_in(later["uid"].implode()))
        .group_by("uid")
        .agg(pl.col("line").max().alias("_l0"))
    )
    both = primary.join(later, on="uid", how="inner")
    return bool(both.select((pl.col("_l0") < pl.col("_l1")).all()).item())


def per_user_roles(roles: pl.DataFrame, provisioned: list[str], primary_type: str) -> pl.DataFrame:
    """One row per user id of roles.csv (_cols' ROLE_COLS): its role (the first primary
    row's, else its first row's), how many primary rows it has, and its schools (the orgs
    of its provisioned roles, else of all its roles, in that order, each once).  The rows'
    order is not the ids' (callers join on uid)."""
    return grouped_roles(_by_rank(roles.with_columns(role_rank(primary_type))), provisioned)


def role_rank(primary_type: str) -> pl.Expr:
    """`_rank`: 0 for a primary role row, 1 for any other."""
    return (pl.col("role_type") != primary_type).cast(pl.Int8).alias("_rank")


# At most this many rows of repeated user ids are grouped apart from the rest (above it,
# every row is grouped: the pieces the rest is cut into would be as many).
SEVERAL_MAX = 4096


def grouped_roles(ranked: pl.DataFrame, provisioned: list[str]) -> pl.DataFrame:
    """per_user_roles' rows from `ranked` (with `_rank`), each user's rows primary first,
    by line: `grouped_by_uid`'s rows, in its order (each user where its first row is).

    Most users have one role row: theirs is that row's values (`_one_row`), and only the
    rows of the users with several are grouped.  A group_by of 1M user ids with two list
    aggregations cost ~0.3 s CPU and ~72k fresh pages at 1M users (a 1.2 export with one
    secondary role; docs/performance.md, "Branch planbuild11").  The repeated ids are
    found by their hashes: distinct hashes are distinct ids, and a row whose hash repeats
    (a repeated id, or two ids of one hash) is grouped, which is exact either way."""
    n = ranked.height
    hashes = ranked["uid"].hash()
    if hashes.n_unique() == n:
        return _one_row(ranked, provisioned)
    rows = hashes.is_duplicated().arg_true()
    del hashes
    if rows.len() > SEVERAL_MAX:
        return grouped_by_uid(ranked, provisioned)
    at = rows.to_list()
    grouped = grouped_by_uid(
        ranked[rows].with_columns(rows.alias("_pos")), provisioned, firsts=["_pos"]
    )
    group_at = {p: i for i, p in enumerate(grouped["_pos"].to_list())}
    grouped = grouped.drop("_pos")
    # Every row's own values, cut around the grouped rows: each group's row goes where
    # its first row is, its other rows are left out.
    one = _one_row(ranked, provisioned)
    pieces, start = [], 0
    for p in at:
        pieces.append(one.slice(start, p - start))
        if p in group_at:
            pieces.append(grouped.slice(group_at[p], 1))
        start = p + 1
    pieces.append(one.slice(start, n - start))
    return pl.concat([p for p in pieces if p.height], rechunk=False)


def _one_row(ranked: pl.DataFrame, provisioned: list[str]) -> pl.DataFrame:
    """grouped_by_uid's values for users of one row each (every row taken as one user):
    the schools are its org where the role is provisioned, else where the org is not
    blank (the fallback to every org)."""
    org = pl.col("org")
    schools = (
        pl.when(pl.col("role").is_in(provisioned) | (org != ""))
        .then(pl.concat_list(org))
        .otherwise(pl.lit([], pl.List(STR)))
    )
    return ranked.select(
        "uid",
        "role",
        pl.col("line").alias("role_line"),
        (pl.col("_rank") == 0).cast(pl.UInt32).alias("_primaries"),
        schools.alias("schools"),
    )


def grouped_by_uid(
    ranked: pl.DataFrame, provisioned: list[str], firsts: list[str] | None = None
) -> pl.DataFrame:
    """per_user_roles' rows by one group_by of every row (grouped_roles for the users
    with several rows; the oracle of its tests).  firsts: more columns, each group's
    first (before the others)."""
    per_user = ranked.group_by("uid", maintain_order=True).agg(
        *[pl.col(c).first() for c in firsts or []],
        pl.col("role").first().alias("role"),
        # where the role is written (roles.csv): a role no account is made for is told there
        pl.col("line").first().alias("role_line"),
        (pl.col("_rank") == 0).sum().alias("_primaries"),
        pl.col("org")
        .filter(pl.col("role").is_in(provisioned))
        .unique(maintain_order=True)
        .alias("schools"),
        pl.col("org").filter(pl.col("org") != "").unique(maintain_order=True).alias("_all_orgs"),
    )
    # A user whose roles get no account (aide, parent) still belongs to the schools of its
    # roles: without this they would read as having no school at all (RL330).
    return per_user.with_columns(
        pl.when(pl.col("schools").list.len() == 0)
        .then(pl.col("_all_orgs"))
        .otherwise(pl.col("schools"))
        .alias("schools")
    ).drop("_all_orgs")


def _with_per_user(users: pl.DataFrame, per_user: pl.DataFrame) -> pl.DataFrame:
    """`users` left-joined to `per_user` (one row per id) on uid, in `users`' order.  Where
    roles.csv lists the users in users.csv's order (one group per user, in order: most
    exports), the join is `per_user`'s columns beside the users' (each row's id equal to
    its own, `per_user`'s ids distinct): no hash join of 1M 36-character ids."""
    if per_user.height == users.height and users.height > 0:
        same = users.select((pl.col("uid") == per_user["uid"]).all()).item()
        if same:
            # One chunk per column, as decide_users works on them (it rechunks the users
            # first: a no-op then).  Roles come in roles.csv's chunks: cut like the
            # users', they were copied once here and again there.
            return users.hstack(per_user.drop("uid").get_columns()).rechunk()
    return users.join(per_user, on="uid", how="left", maintain_order="left")


def _users(export: Export, reads: list[str], inp: Inputs, profile: Profile) -> pl.DataFrame:
    df = _frame(export, "users.csv", reads, inp)
    use_roles = export.version == "1.2" and (df is None or "role" not in df.columns)
    users = _cols(df, _user_cols(), {})
    if not use_roles:
        return users.with_columns(
            _split(pl.col("orgs")).alias("schools"),
            pl.lit(False).alias("_role_ambiguous"),
            pl.lit(None, pl.Int64).alias("role_line"),  # the role is users.csv's own
        ).drop("orgs", "primary_org")
    roles_df = _frame(export, "roles.csv", reads, inp)
    roles = _cols(roles_df, ROLE_COLS, {})
    if inp.broken("roles.csv"):  # SK-F1: the roles file is not processed
        roles = roles.clear()
    per_user = per_user_roles(
        roles, list(profile.role_map("1.2")), profile.accounts.primary_role_type
    )
    inp.primary_role_ambiguous = per_user.filter(pl.col("_primaries") != 1).height
    out = _with_per_user(users.drop("role", "orgs"), per_user)
    # A user with no role row at all: no role (SK-A3); schools from primaryOrgSourcedId.
    return out.with_columns(
        pl.col("role").fill_null(""),
        pl.when(pl.col("schools").is_null())
        .then(_split(pl.col("primary_org")))
        .otherwise(pl.col("schools"))
        .alias("schools"),
        # Not documented (several-primary-roles): the role was chosen among none or several
        # primary rows.  A user with no role row at all has no role to choose.
        (pl.col("_primaries").fill_null(1) != 1).alias("_role_ambiguous"),
    ).drop("primary_org", "_primaries")
