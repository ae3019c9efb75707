"""Users: who gets an account, with which Summit role, at which schools (SK-A1..A5, A10,
A11, G1, X1..X3, X5)."""

from __future__ import annotations

import numpy as np
import polars as pl

from roster_lint.predict import kernel, roots
from roster_lint.predict.encode import STR, detail, not_documented, pad_grade, piece
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.kernel import chunked_like, local_categorical
from roster_lint.predict.model import ACTION, ACTION_SCHEMA, ENTITY
from roster_lint.predict.profile import Profile
from roster_lint.predict.registry import load_registry
from roster_lint.predict.rules import users as user_rules
from roster_lint.predict.schools import BAD_TYPE, BROKEN, NO_NCES, NOT_SCHOOL, SYNC

MISSING = "missing"


def _org_links(
    users: pl.DataFrame, orgs: pl.DataFrame, is_admin: pl.Expr, district_types: list[str]
) -> pl.DataFrame:
    """Per user row (`_row`): the org ids that sync for them and why the others do not.
    Users with no org have no row.

    Almost every user lists exactly one org: those are decided by a plain lookup of that
    org's status (no explode, no group_by over every user); the few with several
    go the general way.  Both give the same columns for the same user."""
    # SK-A2: only an org whose type is a district makes an administrator a district admin
    # (a department is not a school either, but is no district).
    status = orgs.select(
        "oid", "status", pl.col("type").is_in(district_types).fill_null(False).alias("_district")
    )
    # An administrator at a district-level org is created (SK-A2); anyone else needs a school.
    ok = (pl.col("status") == SYNC) | ((pl.col("status") == NOT_SCHOOL) & pl.col("admin"))
    rows = users.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
        "schools",
        is_admin.alias("admin"),
        pl.col("schools").list.len().fill_null(0).alias("_n"),
    )
    # One org (a null entry counts as none, as in the general path, which drops nulls).
    one = (
        rows.filter(pl.col("_n") == 1)
        .select("_row", "admin", pl.col("schools").list.first().alias("oid"))
        .filter(pl.col("oid").is_not_null())
        .join(status, on="oid", how="left", maintain_order="left")
        .with_columns(pl.col("status").fill_null(MISSING))
    )
    as_list = pl.concat_list(pl.col("oid"))
    no_list = pl.lit([], pl.List(STR))
    single = one.select(
        "_row",
        pl.when(ok).then(as_list).otherwise(no_list).alias("ok_schools"),
        pl.when(ok).then(no_list).otherwise(as_list).alias("bad_schools"),
        pl.when(pl.col("status") == MISSING).then(pl.col("oid")).alias("first_missing"),
        pl.when(pl.col("status").is_in([NO_NCES, NOT_SCHOOL]))
        .then(pl.col("oid"))
        .alias("first_nces"),
        pl.when(pl.col("status") == BAD_TYPE).then(pl.col("oid")).alias("first_bad_type"),
        (pl.col("status") == BROKEN).alias("org_broken"),
        pl.col("_district").fill_null(False).alias("at_district"),
        (~ok & (pl.col("status") == NOT_SCHOOL)).alias("not_at_school"),
    )
    links = (
        rows.filter(pl.col("_n") > 1)
        .select("_row", "schools", "admin")
        .explode("schools")
        .filter(pl.col("schools").is_not_null())
        .rename({"schools": "oid"})
        .join(status, on="oid", how="left", maintain_order="left")
        .with_columns(pl.col("status").fill_null(MISSING))
    )
    several = links.group_by("_row").agg(
        pl.col("oid").filter(ok).unique(maintain_order=True).alias("ok_schools"),
        pl.col("oid").filter(~ok).unique(maintain_order=True).alias("bad_schools"),
        pl.col("oid").filter(pl.col("status") == MISSING).first().alias("first_missing"),
        pl.col("oid")
        .filter(pl.col("status").is_in([NO_NCES, NOT_SCHOOL]))
        .first()
        .alias("first_nces"),
        pl.col("oid").filter(pl.col("status") == BAD_TYPE).first().alias("first_bad_type"),
        (pl.col("status") == BROKEN).any().alias("org_broken"),
        pl.col("_district").fill_null(False).any().alias("at_district"),
        (~ok & (pl.col("status") == NOT_SCHOOL)).any().alias("not_at_school"),
    )
    return pl.concat([single, several.select(single.columns).cast(single.schema)], how="vertical")


def by_row(links: pl.DataFrame, n: int) -> pl.DataFrame:
    """`links`' other columns for each of `n` rows (`_row` 0..n-1; null where a row has
    none): what a left join of the row numbers gives, as slices of `links` (a gather
    where they would be many), and `links` as it is where it already holds every row in
    order.  Its `_row` values are distinct (each row
    at most once) and below `n`, so `n` of them in ascending order are 0..n-1.  That is
    every user with one org that it names (most exports): the gather of two list
    columns, three text columns and three flags for every user (~30k fresh pages at 1M
    users) is then not made."""
    if links.height == n and links["_row"].is_sorted():
        return links.drop("_row")
    # Otherwise each row's place in `links` (-1 where it has none).  A join of 1M row
    # numbers hashed them all (0.3 s CPU and ~42k fresh pages on a 1.2 export at 1M
    # users, where one user with two schools puts the rows out of order).
    body = links.drop("_row")
    at = np.full(n, -1, np.int64)
    at[links["_row"].to_numpy()] = np.arange(links.height)
    # The runs of rows whose places follow each other (or that have none): `links` is the
    # users of one org in order, then the others, so a few runs are most exports'.  Each
    # run is a slice (or null rows), no copy; a gather where the runs are many.
    absent = at < 0
    present = ~absent[1:] & ~absent[:-1]
    joined = (present & (np.diff(at) == 1)) | (absent[1:] & absent[:-1])
    starts = np.concatenate([[0], np.flatnonzero(~joined) + 1]) if n else np.zeros(0, np.int64)
    if len(starts) > RUNS_MAX:
        return body[pl.Series("_at", at).cast(pl.UInt32, strict=False)]  # -1: a null row
    ends = [*starts[1:].tolist(), n]
    return pl.concat(
        [
            body.clear(end - start) if absent[start] else body.slice(at[start], end - start)
            for start, end in zip(starts.tolist(), ends, strict=True)
        ],
        rechunk=False,
    )


# At most this many runs are put together as slices (by_row); more are one gather.
RUNS_MAX = 4096


def decide_users(
    inp: Inputs, orgs: pl.DataFrame, profile: Profile, *, with_sig: bool = True
) -> pl.DataFrame:
    """with_sig: keep `sig`, the hash --previous compares (unread otherwise)."""
    role_map = profile.role_map(inp.version)
    # One chunk per column from the start: the eager steps below add single-chunk columns,
    # and a frame of unevenly chunked columns is copied whole by each of them.
    users = inp.users.rechunk().with_columns(
        pl.col("role")
        .replace_strict(role_map, default=None, return_dtype=STR)
        .alias("summit_role"),
        # The first grade, split once (splitn: no list of every grade per user), and only
        # where there is a comma (most users list one grade).
        pl.when(pl.col("grades").str.contains(",", literal=True))
        .then(pl.col("grades").str.splitn(",", 2).struct.field("field_0"))
        .otherwise(pl.col("grades"))
        .fill_null("")
        .alias("grade_raw"),
        pl.col("schools").list.len().alias("n_schools"),
        # Lowercased once: two flags read it (an expression is evaluated per use).
        pl.col("enabled").str.to_lowercase().alias("_enabled"),
    )
    users = users.with_columns(pad_grade(pl.col("grade_raw")).alias("grade"))
    links = _org_links(
        users, orgs, user_rules.is_admin(profile), profile.accounts.district_org_types
    )
    found = by_row(links, users.height)
    # Cut like the users' chunks so that the frame is not rechunked whole afterwards.
    users = users.hstack([chunked_like(c, users["uid"]) for c in found.get_columns()]).with_columns(
        pl.col("ok_schools").fill_null(pl.lit([], pl.List(STR))),
        pl.col("bad_schools").fill_null(pl.lit([], pl.List(STR))),
        pl.col("org_broken").fill_null(False),
        pl.col("at_district").fill_null(False),
        pl.col("not_at_school").fill_null(False),
    )
    reg = load_registry()
    cond = user_rules.conditions(profile, inp)
    skip_flags = [(n, cond[n]) for n in reg.names("user", "skip")]
    notes = [(n, cond[n]) for n in reg.names("user", "note")]
    gone = cond["user-tobedeleted"]
    district_admin = cond["district-admin-needs-request"]
    # Reasons as bit masks (`_sm`, `_nm`): the reasons text and the first reason are
    # looked up in tables of every combination (no per-row concatenation or split of 1M
    # strings).
    users = users.with_columns(kernel.mask(skip_flags).alias("_sm"))
    in_scope = pl.col("_sm") == 0
    users = users.with_columns(kernel.mask(notes).alias("_nm"))
    skips = kernel.names_table(skip_flags)
    # A note shown with the skips too (SK-X3: the older engine aborted the whole load).
    (shown,) = [e.reason for e in reg.of("user") if e.effect == "note" and e.shown_on_skip]
    skips_x = [f"{r}{kernel.SEP}{shown}" if r else r for r in skips]
    users = users.with_columns(
        pl.when(in_scope)
        .then(kernel.lookup(kernel.names_table(notes), "_nm"))
        .when(cond[shown])
        .then(kernel.lookup(skips_x, "_sm"))
        .otherwise(kernel.lookup(skips, "_sm"))
        .alias("reasons"),
        pl.when(in_scope)
        .then(pl.lit("create", ACTION))
        .otherwise(pl.lit("skip", ACTION))
        .alias("action"),
        district_admin.fill_null(False).alias("district_admin"),
    )
    some_skipped = in_scope & (pl.col("bad_schools").list.len() > 0)
    # The first reason once, read by every branch of the root: the first note of a user
    # in scope, else the first skip (the SK-X3 name is only ever appended to skips).
    users = users.with_columns(
        pl.when(in_scope)
        .then(kernel.lookup(kernel.firsts_table(notes), "_nm"))
        .otherwise(kernel.lookup(kernel.firsts_table(skip_flags), "_sm"))
        .alias("root_reason")
    )
    return (
        users.with_columns(
            _root(inp).alias("_root"),
            # A skipped user still belongs to a school: the first one it names.
            pl.coalesce(
                pl.col("ok_schools").list.first(), pl.col("bad_schools").list.first()
            ).alias("school"),
            some_skipped.alias("some_schools_skipped"),
            # Compared only with the previous export's sig, built the same way; a struct
            # hash builds no joined string per user.
            *(
                [
                    pl.struct(
                        [
                            "username",
                            "given",
                            "family",
                            "email",
                            "grades",
                            "role",
                            "enabled",
                            "password",
                        ]
                    )
                    .hash()
                    .alias("sig")
                ]
                if with_sig
                else []
            ),
            in_scope.alias("_in_scope"),
            (~in_scope & pl.col("not_at_school")).alias("_not_at_school"),
            (~in_scope & pl.col("first_bad_type").is_not_null()).alias("_org_type_case"),
            gone.alias("_gone"),
        )
        .with_columns(
            pl.col("_root").struct.field("e").alias("root_entity"),
            pl.col("_root").struct.field("i").alias("root_id"),
        )
        .select([c for c in KEEP if with_sig or c != "sig"])
    )


# What the later stages read of a decided user (history, actions, enrollments, summary):
# the working columns are dropped (1M rows x 16 bytes each).
KEEP = [
    "uid",
    "given",
    "family",
    "email",
    "role",
    "role_line",
    "line",
    "summit_role",
    "grade",
    "ok_schools",
    "bad_schools",
    "reasons",
    "action",
    "district_admin",
    "school",
    "some_schools_skipped",
    "sig",
    "_in_scope",
    "_not_at_school",
    "_gone",
    "_role_ambiguous",
    "_org_type_case",
    "root_entity",
    "root_id",
    "root_reason",
]


def _root(inp: Inputs) -> pl.Expr:
    """The entity at the root of a skip (registry: the file, the role, the school or the
    user itself)."""
    users_path = inp.paths.get("users.csv", "users.csv")
    orgs_path = inp.paths.get("orgs.csv", "orgs.csv")
    broken = users_path if inp.broken("users.csv") else orgs_path
    entity, ident, _ = roots.root(
        "user",
        pl.col("root_reason"),
        {
            "_broken_file": pl.lit(broken),
            "_missing_school": pl.col("first_missing").fill_null(pl.lit("(no school)")),
        },
    )
    return pl.struct(entity.alias("e"), ident.alias("i"))


def user_actions(users: pl.DataFrame, path: str, *, with_detail: bool = True) -> pl.DataFrame:
    """with_detail=False: a null detail (build_plan's actions_only does not read it)."""
    made = user_details(users) if with_detail else pl.lit(None, STR).alias("detail")
    # The entity and the file in the plan's own types (ACTION_SCHEMA): one byte and four a
    # row, not a 16-byte view each (1M users: ~8k fresh pages, only to be cast).
    return users.with_columns(made).select(
        pl.lit("user", ENTITY).alias("entity"),
        pl.col("uid").alias("id"),
        "action",
        "reasons",
        "detail",
        "school",
        pl.lit(path, STR).cast(ACTION_SCHEMA["file"]).alias("file"),
        "line",
        "root_reason",
        "root_entity",
        "root_id",
    )


def _code(expr: pl.Expr) -> pl.Expr:
    """A number per distinct value (its code in categories of its own), as u64."""
    return expr.cast(local_categorical()).to_physical().cast(pl.UInt64)


def user_details(users: pl.DataFrame) -> pl.Series:
    """`user_detail()` of every user, built once per distinct combination of what it reads.

    At 1M users there are a few thousand combinations (role, school, flags): encoding 1M
    JSON objects (three `json_encode` passes over every row) is replaced by a u64
    key per row, the JSON of each key's first row, and a join back.  The key is
    exact (a category code for the one school and the role, a bit per flag), so every
    row gets the bytes `user_detail()` gives it.  Users with several schools or a previous
    school list (--previous transfers) are not keyed: their JSON is built directly."""
    n_ok = pl.col("ok_schools").list.len().fill_null(0)
    n_bad = pl.col("bad_schools").list.len().fill_null(0)
    # Everything user_detail reads besides the role and the one school, a bit each.
    flags = [
        n_ok > 0,
        n_bad > 0,
        pl.col("_in_scope"),
        pl.col("some_schools_skipped"),
        pl.col("_not_at_school"),
        pl.col("_gone"),
        pl.col("_role_ambiguous"),
        pl.col("_org_type_case"),
        pl.col("_other_district"),
    ]
    bits = pl.sum_horizontal(
        [f.fill_null(False).cast(pl.UInt64) * (1 << i) for i, f in enumerate(flags)]
    )
    one = pl.coalesce(pl.col("ok_schools").list.first(), pl.col("bad_schools").list.first())
    simple = (n_ok + n_bad <= 1) & pl.col("from_schools").is_null()
    parts = users.select(
        _code(one).alias("school"),
        _code(pl.col("summit_role")).alias("role"),
        bits.alias("bits"),
        simple.alias("simple"),
    )
    top = parts["role"].max()
    if isinstance(top, int) and top >= ROLE_NULL:  # 65,535 roles: the key cannot hold them
        return users.select(user_detail().alias("detail")).to_series()
    keys = parts.select(
        pl.when(pl.col("simple"))
        .then(
            pl.col("school").fill_null(SCHOOL_NULL) * (1 << 32)
            + pl.col("role").fill_null(ROLE_NULL) * (1 << 16)
            + pl.col("bits")
        )
        .alias("k"),
        "simple",
    )
    first = keys["k"].arg_unique()
    table = pl.DataFrame(
        [keys["k"].gather(first), users[first].select(user_detail().alias("detail"))["detail"]]
    )
    found = keys.select("k").join(table, on="k", how="left", maintain_order="left")["detail"]
    hard = (~keys["simple"]).arg_true()
    if hard.len():
        found = found.scatter(hard, users[hard].select(user_detail().alias("d"))["d"])
    return found


# The key's fill values for a null school / role: a code never reaches them.
SCHOOL_NULL = 0xFFFF_FFFF
ROLE_NULL = 0xFFFF


def user_detail() -> pl.Expr:
    """detail per contract: summit_role and schools; from/to for a transfer."""
    ok = pl.col("_in_scope")
    some = pl.col("some_schools_skipped")
    moved = pl.col("from_schools").is_not_null()
    n_bad = pl.col("bad_schools").list.len().fill_null(0) > 0
    return detail(
        [
            piece("summit_role", pl.col("summit_role"), ok),
            piece("schools", pl.col("ok_schools"), ok),
            # A user skipped for its school(s) says which: the plan's readers need it.
            piece("schools_not_synced", pl.col("bad_schools"), some | (~ok & n_bad)),
            piece("from", pl.col("from_schools"), moved),
            piece("to", pl.col("ok_schools"), moved),
            not_documented(user_nd()),
        ]
    )


def user_nd() -> list[tuple[str, pl.Expr]]:
    """The not-documented choices a user's detail names."""
    return [
        ("user-some-schools-skipped", pl.col("some_schools_skipped")),
        ("user-not-at-a-school", pl.col("_not_at_school")),
        ("user-tobedeleted", pl.col("_gone")),
        ("several-primary-roles", pl.col("_role_ambiguous")),
        ("org-type-other-case", pl.col("_org_type_case")),
        # Set by history.users_vs_previous (--previous): a move to another district's school.
        ("user-move-other-district", pl.col("_other_district")),
    ]
