"""Enrollments: enroll, unenroll or skip (SK-E1, E3, E5, SK-C4 grade classes, SK-P1).

7M rows at district scale: only narrow columns are joined on (no root-cause structs, no
list columns), reasons stay one string per row, and root causes are worked out for the
skipped rows alone (`enrollment_roots`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import polars as pl

from roster_lint.bytescan import is_json_plain
from roster_lint.predict import kernel, roots
from roster_lint.predict.encode import STR, detail, not_documented, piece
from roster_lint.predict.inputs import Inputs
from roster_lint.predict.kernel import aligned, chunked_like, local_categorical, row_of
from roster_lint.predict.model import ACTION, ENTITY, ReasonKeys, masked_keys
from roster_lint.predict.profile import Profile
from roster_lint.predict.registry import load_registry
from roster_lint.predict.roots import grouped_id
from roster_lint.predict.rules import enrollments as enrollment_rules

# The enrollments' input columns with_users carries (only those the decision and the later
# stages read; `primary` for the classes' teacher test, SK-C3); it adds the rest.
WITH_USERS_COLS = ["eid", "status", "cid", "school", "uid", "role", "primary", "line"]


def with_users(inp: Inputs, users: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """The narrow enrollments joined to their user once (7M rows, one hash join), for both
    the classes' student grade counts and the enrollment decisions.

    user_action/user_grade come from the first row of the user id (as enrollments see
    users); _in/_in_grade from its first row that gets an account (the grade counts).
    What it adds reads the enrollments' columns but `eid`, the classes' `cid` (`_crow`),
    the users and the profile (`with_users_added` / `with_users_taken`)."""
    cols = WITH_USERS_COLS
    # Grades as Categorical: 4 bytes a row on the 7M joined rows instead of a 16-byte view
    # (a few dozen distinct values); read back as text where they are used.
    # The plan's own categories, not polars' global ones: a process that plans many
    # exports would otherwise keep every class id it ever saw.
    cats = local_categorical()
    grade = pl.col("grade").cast(cats)
    # One row per user id in one pass: user_action/user_grade from its first row, _in and
    # _in_grade from its first row that gets an account (_in false and no grade when none
    # does).  _urow numbers the ids, so that counting distinct users over 7M enrollments
    # (licences) counts u32s, not 36-character ids.
    in_scope = pl.col("action") != "skip"
    # The user's account is a Student one: a student enrolled as a class's primary teacher
    # is no teacher for it (the profile's [not_documented] primary-teacher-is-student).
    student = (pl.col("summit_role") == profile.accounts.student_summit_role).fill_null(False)
    # Each user row as its id's first row, joined as it is: no group_by over 1M
    # 36-character ids and no check that the ids are distinct.  A
    # repeated id that an enrollment names gives that enrollment one row per copy: the
    # join is then redone on one row per id.  (A repeated id no enrollment names is never
    # looked up, so its copies do not matter.)
    side = users.select(
        "uid",
        pl.col("action").alias("user_action"),
        grade.alias("user_grade"),
        pl.when(in_scope).then(grade).alias("_in_grade"),
        in_scope.alias("_in"),
        student.alias("_u_student"),
    ).with_row_index("_urow")
    narrow = inp.enrollments.select(cols)
    # A plain string join: polars 2.1 joins the loader's id columns faster than the u64
    # hash join this used to be (docs/performance.md).
    found = narrow.select("uid").join(side, on="uid", how="left", maintain_order="left")
    if found.height != narrow.height:
        # _urow stays the id's first row in `users` (enrollment_roots gathers by it).
        side = (
            users.lazy()
            .select("uid", "action", "grade", "summit_role")
            .with_row_index("_urow")
            .group_by("uid")
            .agg(
                pl.col("action").first().alias("user_action"),
                grade.first().alias("user_grade"),
                grade.filter(in_scope).first().alias("_in_grade"),
                in_scope.any().alias("_in"),
                student.first().alias("_u_student"),
                pl.col("_urow").first(),
            )
            .select("_urow", pl.exclude("_urow"))
            .collect(engine="in-memory")
        )
        found = narrow.select("uid").join(side, on="uid", how="left", maintain_order="left")
    # The join's own columns, read one by one: `found.drop("uid")` is a lazy query over
    # a frame whose `uid` (the loader's chunks) is chunked unlike the rest (one chunk),
    # and it rechunked that 7M-row column (117 MB of views, ~28k fresh pages) only to
    # drop it.
    added = [c for c in found.get_columns() if c.name != "uid"]
    narrow = narrow.hstack([chunked_like(c, narrow["uid"]) for c in added])
    # The role and status tests every later stage makes (the decision, grade counts,
    # teacher test, licences, notes), made once: a boolean read is free, a comparison
    # of every enrollment's text each time.
    narrow = narrow.hstack(
        aligned(
            narrow,
            [
                (pl.col("role") == profile.classes.student_role).alias("_is_student"),
                (pl.col("role") == profile.classes.teacher_role).alias("_is_teacher"),
                (pl.col("status") == profile.enrollments.unenroll_status).alias("_unenroll"),
            ],
        )
    )
    # The class as its row in decide_classes' frame (rows.py): the grade counts key on
    # it, the teacher test marks it, and the enrollments gather their class's decision
    # by it (no 36-character key hashed for 7M rows after this).
    crow = row_of(narrow["cid"], inp.class_rows["cid"]).alias("_crow")
    return narrow.hstack([chunked_like(crow, narrow["cid"])])


def with_users_added(with_user: pl.DataFrame) -> pl.DataFrame:
    """The columns with_users added to the enrollments' own (no copy: made while the
    whole decision is alive, they are put in the other enrollments' chunks when taken,
    with_users_taken)."""
    return with_user.drop(WITH_USERS_COLS)


def with_users_taken(inp: Inputs, added: pl.DataFrame) -> pl.DataFrame:
    """with_users(inp, users, profile) from the columns it added for other inputs
    (with_users_added) whose enrollments but `eid`, classes' `cid`, users and profile are
    these: `diff` of an export whose enrollment ids were regenerated, the rest unchanged
    (diff/previous.py).  The added columns are cut like `inp`'s enrollments (see
    chunked_like)."""
    narrow = inp.enrollments.select(WITH_USERS_COLS)
    like = narrow["uid"]
    # In one chunk first where the chunks differ: a slice across two chunks is two.
    lengths = like.chunk_lengths()
    return narrow.hstack(
        [
            chunked_like(c if c.chunk_lengths() == lengths else c.rechunk(), like)
            for c in added.get_columns()
        ]
    )


# The skip reasons by precedence (registry), then the unenroll bit: `_m`'s bits.
SKIPS = tuple(load_registry().names("enrollment", "skip"))
(UNENROLL,) = load_registry().names("enrollment", "unenroll")


def _reason_table(classes_on: bool) -> list[str]:
    """The joined reasons of every `_m` value: the skip flags' names (bit i = SKIPS[i]),
    else enrollment-tobedeleted when the tobedeleted bit (the next one) is set."""
    k = len(SKIPS) if classes_on else 1
    names = kernel.names_table([(n, pl.lit(False)) for n in SKIPS[:k]])
    out = []
    for m in range(1 << (k + 1)):
        skip = m & ((1 << k) - 1)
        out.append(names[skip] if skip else UNENROLL if m >> k else "")
    return out


def reasons_text(e: pl.DataFrame, classes_on: bool) -> pl.Expr:
    """The reasons as one joined string (the `reasons` column once history has made it)."""
    if "reasons" in e.columns:
        return pl.col("reasons")
    return pl.lit(pl.Series(_reason_table(classes_on), dtype=STR)).gather("_m")


def first_reason(e: pl.DataFrame, classes_on: bool) -> pl.Expr:
    """The first reason name (null when none), looked up per `_m`: `kernel.first` of
    `reasons_text` without a joined string per row and its split (the skipped shape skips
    every enrollment: 0.8M rows at 100k)."""
    if "reasons" in e.columns:
        return kernel.first(pl.col("reasons"))
    table = [r.split(kernel.SEP, 1)[0] if r else None for r in _reason_table(classes_on)]
    return pl.lit(pl.Series(table, dtype=STR)).gather("_m")


def reason_names(classes_on: bool) -> list[tuple[str, ...]]:
    """The reason names of every `_m` value (index = `_m`)."""
    return [tuple(r.split(kernel.SEP)) if r else () for r in _reason_table(classes_on)]


def reasons_list(e: pl.DataFrame, classes_on: bool) -> pl.Expr:
    """The reasons as the plan's List[String], looked up per `_m` (no string per row)."""
    if "reasons" in e.columns:
        return kernel.as_list(pl.col("reasons"))
    table = [list(names) for names in reason_names(classes_on)]
    return pl.lit(pl.Series(table, dtype=kernel.LISTS)).gather("_m")


def mask_keys(made: pl.DataFrame, classes_on: bool) -> ReasonKeys | None:
    """The `ReasonKeys` of enrollment_actions' rows from their action and `_m` (its
    reasons, when looked up by the mask: no list read), else None (number the lists)."""
    if "_m" not in made.columns:
        return None
    return masked_keys(made["action"], made["_m"], reason_names(classes_on))


def decide_enrollments(
    inp: Inputs,
    with_user: pl.DataFrame,
    classes: pl.DataFrame,
    profile: Profile,
    classes_on: bool,
    *,
    with_course: bool = True,
) -> tuple[pl.DataFrame, pl.Series]:
    """with_user: `with_users(inp, users, profile)`.  with_course: carry the class's course (only
    the --previous comparison reads it: 16 bytes a row at 7M rows otherwise).

    Returns the decided enrollments and the grade classes they name: each row's `_gc`
    is its grade class's place in that table (0, the table's null: none; see
    `_grade_classes`)."""
    class_info = classes.select(
        pl.col("action").alias("class_action"),
        *(["course"] if with_course else []),
        "is_split",
    )
    e = with_user.drop("_in", "_in_grade")
    # `classes` are decide_classes' rows, in the order `_crow` numbers them: a gather.
    found = class_info[e["_crow"]]
    e = e.hstack([chunked_like(s, e["cid"]) for s in found.get_columns()])
    cond = enrollment_rules.conditions(inp, profile, classes_on)
    flags = [(n, cond[n]) for n in SKIPS]
    if not classes_on:
        flags = flags[:1]
    assert [n for n, _ in flags] == list(SKIPS[: len(flags)])
    # One bit per skip flag plus one for tobedeleted; reasons and action are looked up
    # from that mask (a few hundred combinations), so no per-flag or per-branch string
    # column is built on 7M rows.
    k = len(flags)
    gone = cond[UNENROLL]
    e = e.hstack(
        aligned(
            e,
            [kernel.mask([*flags, (UNENROLL, gone)]).alias("_m")],
        )
    )
    low = pl.col("_m") & ((1 << k) - 1)
    in_scope = low == 0
    is_teacher = pl.col("_is_teacher")
    # In scope and not tobedeleted: no bit of the mask set.
    in_split = (pl.col("_m") == 0) & pl.col("is_split").fill_null(False) & ~is_teacher
    ungraded = pl.col("user_grade").is_null() | (pl.col("user_grade") == "")
    actions = []
    for m in range(1 << (k + 1)):
        skip = m & ((1 << k) - 1)
        actions.append("skip" if skip else "unenroll" if m >> k else "enroll")
    made = aligned(
        e,
        [
            pl.lit(pl.Series(actions, dtype=ACTION)).gather("_m").alias("action"),
            in_split.alias("_split"),
            (in_split & ungraded).alias("_ungraded"),
            (in_scope & is_teacher).alias("_teacher"),
            # The role flag (the last) is the first reason only when no other flag holds.
            (pl.lit(classes_on) & (low == 1 << (k - 1))).alias("_odd_role"),
        ],
    )
    e = e.hstack(made)
    gc, grade_classes = _grade_classes(e, classes)
    gc = chunked_like(gc, e["cid"])
    # The column order of the two joins made classes-first (nothing depends on it, but
    # `why` and the history step print frames in tests).
    first = ["eid", "cid", "school", "uid", "role", "line", "class_action"]
    first += ["course"] if with_course else []
    # `_m` stands for the reasons (2 bytes a row, not a 16-byte string): `reasons_text`
    # and `reasons_list` turn it into text where it is read.
    rest = ["_m", "action", "_ungraded", "_teacher", "_odd_role", "_urow", "_is_student"]
    # `_crow`: the class's row in `classes`, which enrollment_roots gathers its root by.
    rest += ["_is_teacher", "_crow"]
    return e.select(*first, *rest).hstack([gc]), grade_classes


def by_key(key: np.ndarray, make: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """`make(rows)` for each row, made once per distinct `key` (`keyed_table`)."""
    values, spread = keyed_table(key, make)
    return values[spread]


def keyed_table(
    key: np.ndarray, make: Callable[[pl.Series], pl.Series]
) -> tuple[pl.Series, np.ndarray]:
    """(`make(rows)` once per distinct `key`, each row's place in it): `key` is a
    non-negative integer standing for everything `make` reads of the row (e.g. made
    from `codes`); `make` is given the first row of each key, in row order, and
    `values[spread]` is every row's value (by_key).  Millions of rows with a few
    hundred thousand distinct values build a few hundred thousand strings.

    Keys up to a few times the rows are looked up in a table indexed by the key (no hash
    join: a join of 6.5M u64 keys and the filter of their first rows cost ~0.9 s at 1M
    students on a ClassLink export); sparser keys are sorted (np.unique)."""
    n = len(key)
    if n == 0:
        return make(pl.Series("_i", [], dtype=pl.UInt32)), np.zeros(0, np.int64)
    rows: np.ndarray
    spread: np.ndarray
    top = int(key.max()) + 1
    if top <= 2 * n + (1 << 20):  # the tables: 4 bytes a key, at most ~8 bytes a row
        first = np.full(top, n, np.int32)
        np.minimum.at(first, key, np.arange(n, dtype=np.int32))
        rows = np.sort(first[first < n])
        place = first  # reused: only the keys that occur are read back
        place[key[rows]] = np.arange(len(rows), dtype=np.int32)
        spread = place[key]
        del first, place
    else:
        _, rows, spread = np.unique(key, return_index=True, return_inverse=True)
        order = np.argsort(rows)  # the first rows in row order, as above
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order))
        rows, spread = rows[order], rank[spread]
    del key  # the caller passes a temporary: its memory goes before the values are made
    return make(pl.Series("_i", rows, dtype=pl.UInt32)), spread


def codes(s: pl.Series, dtype: type[np.integer] = np.int64) -> tuple[np.ndarray, int]:
    """A column's integer code (a categorical's physical value, a row number) as `dtype`
    (int64, or uint32 where the caller knows the codes fit), null as one past the
    largest, and how many codes there can be: `a * nb + b` of two such codes is one key
    for both (by_key, pair_key)."""
    v = s.to_physical()
    end = _code_count(v) - 1
    t = pl.UInt32() if dtype is np.uint32 else pl.Int64()
    return v.cast(t).fill_null(end).to_numpy(writable=True), end + 1


def _code_count(s: pl.Series) -> int:
    """How many codes `codes(s)` can give (the largest, plus one for null, plus one)."""
    top = s.to_physical().max()
    return (int(top) + 1 if top is not None else 0) + 1  # type: ignore[arg-type]


def pair_key(a: pl.Series, b: pl.Series) -> np.ndarray:
    """`a`'s code times `b`'s count of codes plus `b`'s code (codes): one key for both, as
    uint32 where every key fits (ClassLink's 6.5M split rows at 1M students: two int64
    copies of each column cost ~0.2 s), else int64."""
    nb = _code_count(b)
    dtype: type[np.integer] = np.uint32 if _code_count(a) * nb < 1 << 32 else np.int64
    key, _ = codes(a, dtype)
    low, _ = codes(b, dtype)
    key *= nb
    key += low
    return key


def _class_grade_key(split: pl.DataFrame) -> np.ndarray:
    """(class row, grade) as one integer (by_key)."""
    return pair_key(split["_crow"], split["user_grade"])


def _grade_classes(e: pl.DataFrame, classes: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """SK-C4: the grade class of each student enrollment in a split class, as (`_gc`, a
    u32 per row, the table, String): row i's grade class is `table[_gc[i]]`, and
    `table[0]` is null (not a student in a split class).
    Built for the split rows alone: `cid-grade` on all 7M rows would make a new string
    per row only to keep a few.  And made once per (class, grade) (`keyed_table`): every
    student of a mixed-grade class is in a split class (ClassLink exports).  The table is
    not cast to a Categorical (which costs 0.6-0.7 s CPU for ClassLink's 1.3M grade
    classes at 1M students, against 0.02 s to hash them): the u32 place is as small a
    column, and a place stands for its text where details are keyed (two places may
    hold the same text; a detail made twice is the same detail).  The keys of the split
    rows are taken from the whole columns' codes (no gather of the split rows' columns
    first)."""
    rows = e.select(pl.arg_where(pl.col("_split")).cast(pl.UInt32).alias("i"))["i"]
    if rows.len() == 0:
        none = pl.Series("grade_class", [None], dtype=STR)
        return pl.repeat(0, e.height, dtype=pl.UInt32, eager=True).alias("_gc"), none
    at = rows.to_numpy()
    both = e.select("_crow", "user_grade")
    info = classes.select("cid", "main_grade")

    def make(first: pl.Series) -> pl.Series:
        some = both[pl.Series("i", at[first.to_numpy()], dtype=pl.UInt32)]
        some = some.hstack(info[some["_crow"]].get_columns())
        grade = pl.col("user_grade").cast(STR)
        grade = pl.when(grade.fill_null("") != "").then(grade)
        made = some.select(pl.col("cid") + pl.lit("-", STR) + pl.coalesce(grade, "main_grade"))
        return made.to_series().cast(STR)

    key = _class_grade_key(both)
    made, spread = keyed_table(key if len(at) == len(key) else key[at], make)
    del key
    index = np.zeros(e.height, np.uint32)
    index[at] = spread + 1
    del spread
    table = pl.concat([pl.Series([None], dtype=STR), made], rechunk=True)
    return pl.Series("_gc", index), table.alias("grade_class")


def first_users(users: pl.DataFrame) -> pl.DataFrame:
    """One row per user id (the first one), as enrollments see users."""
    return users.unique("uid", keep="first")


ROOT_KEYS = ["root_reason", "root_entity", "root_id"]


def _root_codes(root: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """(a u32 per row of `root` numbering its distinct ROOT_KEYS, the keys of each
    number): a few hundred roots for a million users or classes."""
    keys = root.unique(maintain_order=True).with_row_index("_code")
    codes = root.join(keys, on=ROOT_KEYS, how="left", maintain_order="left", nulls_equal=True)
    return codes["_code"], keys


def enrollment_roots(
    e: pl.DataFrame, users: pl.DataFrame, classes: pl.DataFrame, inp: Inputs, classes_on: bool
) -> pl.DataFrame:
    """The root causes of the skipped enrollments, counted: one row per root (root_reason,
    root_entity, root_id as summary.root_causes groups them, roots.grouped_id) with the
    enrollments it skips (`n`) and the first one's line.

    Every enrollment is skipped when every school is (7M rows at 1M students): the roots
    are grouped on integers, never a string per row.  The first reason is a function of
    `_m`; a class's and a user's root are numbered once per class and user and gathered by
    `_crow` / `_urow` (their rows in `classes` / `users`, which keep the rows and order
    that enrollments.with_users and decide_classes numbered); only a root id that is the
    row's own value and that root causes keep (the role) is read per row."""
    out = {**{k: STR for k in ROOT_KEYS}, "line": pl.Int64(), "n": pl.UInt32()}
    skip = pl.col("action") == "skip"
    if e.height == 0 or not e.select(skip.any()).item():
        return pl.DataFrame(schema=out)
    firsts = [r.split(kernel.SEP, 1)[0] if r else None for r in _reason_table(classes_on)]
    by_mask = "reasons" not in e.columns  # --previous: the history step wrote the text

    def first_is(names: list[str]) -> pl.Expr:
        if not by_mask:
            return first_reason(e, classes_on).is_in(names)
        return pl.col("_m").is_in([m for m, r in enumerate(firsts) if r in names])

    constants = {"_mode": pl.lit(inp.mode, STR)}
    constants["_file"] = pl.lit(inp.paths.get("enrollments.csv", "enrollments.csv"), STR)
    per_row = roots.read_per_row("enrollment", set(constants))
    inherited = roots.inherited("enrollment")
    keys: list[pl.Expr] = [pl.col("_m") if by_mask else first_reason(e, classes_on).alias("_first")]
    tables: dict[str, pl.DataFrame] = {}
    coded: dict[str, pl.Expr] = {}  # the inherited roots' codes (u32, null: none)
    for name, src in inherited.items():
        if not e.select((skip & first_is([name])).any()).item():
            continue
        if src == "class":
            root = classes.select(
                pl.col("_root").struct.field("r").alias("root_reason"),
                pl.col("_root").struct.field("e").alias("root_entity"),
                pl.col("_root").struct.field("i").alias("root_id"),
            )
            row = pl.col("_crow")
        else:
            root = users.select(ROOT_KEYS)
            row = pl.col("_urow")
        root = root.with_columns(
            grouped_id(pl.col("root_entity"), pl.col("root_id")).alias("root_id")
        )
        codes, tables[name] = _root_codes(root)
        code = pl.when(first_is([name])).then(pl.lit(codes).gather(row))
        coded[name] = code
        keys.append(code.alias(name))
    # A column read per row only where some skipped row's first reason reads it: when
    # every school is skipped no row is skipped for its role, and a 7M-row null key
    # column of text cost ~0.4 s in the group_by (it reads as null below).
    absent = [
        c for c, names in per_row.items() if not e.select((skip & first_is(names)).any()).item()
    ]
    keys += [
        pl.when(first_is(names)).then(pl.col(c)).alias(c)
        for c, names in per_row.items()
        if c not in absent
    ]
    if by_mask and len(absent) == len(per_row):
        counted = _counted_by_code(e, skip, len(firsts), coded, tables)
    else:
        counted = counted_in_blocks(e, skip, keys)
    # The columns a root names that no kept root reads per row: their ids become "*".
    unread = roots.columns_named("enrollment") - set(per_row) - set(constants)
    if by_mask:
        counted = counted.with_columns(
            pl.lit(pl.Series(firsts, dtype=STR)).gather("_m").alias("_first")
        )
    nulls = sorted(unread | set(absent))
    counted = counted.with_columns(*[pl.lit(None, STR).alias(c) for c in nulls])
    first = pl.col("_first")
    ent, ident, reason = roots.root("enrollment", first, constants)
    ent, ident, reason = ent.cast(STR), ident.cast(STR), reason.cast(STR)
    # Skips that come from the class or the user share that entity's root cause.
    for name, table in tables.items():
        found = counted.select(pl.col(name).alias("_code")).join(
            table, on="_code", how="left", maintain_order="left"
        )
        counted = counted.with_columns(*[found[k].alias(f"{name}:{k}") for k in ROOT_KEYS])
        hit = first == name
        reason = pl.when(hit).then(pl.col(f"{name}:root_reason")).otherwise(reason)
        ent = pl.when(hit).then(pl.col(f"{name}:root_entity")).otherwise(ent)
        ident = pl.when(hit).then(pl.col(f"{name}:root_id")).otherwise(ident)
    return (
        counted.select(
            reason.alias("root_reason"),
            ent.alias("root_entity"),
            grouped_id(ent, ident).alias("root_id"),
            "line",
            "n",
        )
        .group_by(ROOT_KEYS)
        .agg(pl.col("line").min(), pl.col("n").sum())
        .sort(ROOT_KEYS, nulls_last=True)
        .cast(pl.Schema(out))
    )


def key_type(top: int) -> pl.DataType | None:
    """The unsigned integer type that holds every key below `top` (None: none does, past
    2^63): u32 where it fits (a few hundred roots a side, every real export), half the
    bytes of each step of a key over 7M rows (Excel at 1M students: enrollment_roots'
    minor faults 61-77k -> 30-39k, docs/performance.md, "Branch planfast5")."""
    if top >= 1 << 63:
        return None
    return pl.UInt32() if top <= 1 << 32 else pl.UInt64()


def _counted_by_code(
    e: pl.DataFrame,
    skip: pl.Expr,
    masks: int,
    coded: dict[str, pl.Expr],
    tables: dict[str, pl.DataFrame],
) -> pl.DataFrame:
    """enrollment_roots' group_by of the rows of `e` where `skip` holds on `_m` and the
    inherited roots' codes (`coded`, each below its table's height, null where the root
    is not inherited), as one integer: the mixed-radix number of `_m` and the codes (null
    as the table's height).  A group_by on one u64 column instead of several costs about
    half (0.3 vs 0.55 s on 7M skipped rows at 1M students); the same groups, decoded
    into the same columns (row order differs: enrollment_roots sorts its result)."""
    bases = {name: tables[name].height + 1 for name in coded}
    t = key_type(masks * math.prod(bases.values()))
    if t is None:  # never at any real size
        keys = [pl.col("_m"), *[code.alias(name) for name, code in coded.items()]]
        return counted_in_blocks(e, skip, keys)
    key = pl.col("_m").cast(t)
    for name, code in coded.items():
        key = key * pl.lit(bases[name], t) + code.fill_null(bases[name] - 1).cast(t)
    counted = counted_in_blocks(e, skip, [key.alias("_k")])
    rest = counted["_k"]
    out: dict[str, pl.Series] = {}
    for name in reversed(list(coded)):
        base = bases[name]
        part = rest % base
        out[name] = pl.select(pl.when(part != base - 1).then(part).cast(pl.UInt32)).to_series()
        rest = rest // base
    cols = [rest.cast(pl.UInt16).alias("_m"), *[out[n].alias(n) for n in coded]]
    return pl.DataFrame([*cols, counted["n"], counted["line"]])


# Rows grouped at a time by counted_in_blocks: each block's temporaries (the key and its
# steps, the filtered rows, the groups' row lists) are freed before the next block's
# are made, so the allocator hands the same pages back instead of faulting new ones.
GROUP_BLOCK = 1 << 20


def counted_in_blocks(e: pl.DataFrame, where: pl.Expr, keys: list[pl.Expr]) -> pl.DataFrame:
    """The rows of `e` where `where` holds, grouped by `keys` (a null is a value of its
    own): the keys' columns, how many rows (`n`, u32) and their least `line`, in no
    particular order.

    Grouped block by block (GROUP_BLOCK rows, zero-copy slices of `e`), the blocks'
    groups (a few hundred each) then added up: grouping 7M rows at once made every
    temporary 7M rows long, each in pages never touched before (Excel at 1M students,
    every enrollment skipped: ~67k minor faults; docs/performance.md, "Branch
    planmem10")."""
    per_block = [
        e.slice(start, GROUP_BLOCK)
        .lazy()
        .filter(where)
        .group_by(keys)
        .agg(pl.len().alias("n"), pl.col("line").min())
        .collect(engine="in-memory")
        for start in range(0, max(e.height, 1), GROUP_BLOCK)
    ]
    blocks = pl.concat(per_block)
    names = [c for c in blocks.columns if c not in ("n", "line")]
    return blocks.group_by(names).agg(pl.col("n").sum().cast(pl.UInt32), pl.col("line").min())


def nd_flags() -> list[tuple[str, pl.Expr]]:
    """The not-documented choices an enrollment's detail names."""
    return [
        ("split-class-ungraded-students", pl.col("_ungraded")),
        ("teacher-enrollment", pl.col("_teacher")),
        ("enrollment-of-non-student", pl.col("_odd_role")),
        # --previous: in an existing class kept without its primary teacher (predict/history/)
        ("existing-class-without-primary-teacher", pl.col("_nd_existing")),
    ]


def _detail_key(flags: pl.Series, grade_class: pl.Series) -> np.ndarray:
    """(grade class, not-documented flags) as one small integer (by_key): the flag
    combinations that occur are numbered 0.. (a few of 16), so the keys stay few."""
    combo = flags.to_numpy()
    present = np.flatnonzero(np.bincount(combo, minlength=int(combo.max(initial=0)) + 1))
    wide = _code_count(grade_class) * max(len(present), 1) >= 1 << 32
    dtype: type[np.integer] = np.int64 if wide else np.uint32
    number = np.zeros(len(present) and int(present[-1]) + 1, dtype)
    number[present] = np.arange(len(present))
    code, _ = codes(grade_class, dtype)
    code *= len(present)
    code += number[combo]
    return code


def _nd_texts() -> list[str | None]:
    """The `not_documented` member of every combination of nd_flags (bit i: flag i),
    made by the detail's own expression on one row per combination."""
    flags = nd_flags()
    combos = pl.DataFrame({"m": range(1 << len(flags))})
    columns = [(pl.col("m") & (1 << i) != 0).alias(name) for i, name in enumerate(_ND_COLUMNS)]
    _, member = not_documented(flags)
    return combos.with_columns(columns).select(member.alias("t"))["t"].to_list()


# The columns nd_flags reads, in its order (each flag is its column: no other test).
_ND_COLUMNS = ["_ungraded", "_teacher", "_odd_role", "_nd_existing"]


def plain_details(some: pl.DataFrame) -> pl.Series | None:
    """enrollment_actions' detail of rows with no previous class (`grade_class` as text
    and the nd_flags columns), or None where a grade class needs JSON escaping.  What
    `detail(pieces)` gives, without its JSON encoder per row: a grade class of printable
    ASCII without `"` or `\\` (bytescan.is_json_plain) is its own JSON between quotes, and
    the not-documented member is looked up per flag combination (a ClassLink export at
    1M students has 1.3M distinct details: 0.76 s through the encoder)."""
    assert [str(f) for _, f in nd_flags()] == [str(pl.col(c)) for c in _ND_COLUMNS]
    grade_class = some["grade_class"]
    if not is_json_plain(grade_class.drop_nulls()):
        return None
    # Each row is one concatenation of three pieces: what comes before the grade class
    # and what comes after it are gathered from small tables (views of a few strings, no
    # text copied), so no intermediate column of text is made (five per row before).
    has = pl.col("grade_class").is_not_null().cast(pl.UInt8)
    bits = pl.sum_horizontal(
        pl.col(c).fill_null(False).cast(pl.UInt8) * (1 << i) for i, c in enumerate(_ND_COLUMNS)
    )
    before = pl.lit(pl.Series(["{", '{"grade_class":"'], dtype=STR)).gather(has)
    after = [
        f'"{"," if nd else ""}{nd or ""}}}' if with_class else f"{nd or ''}}}"
        for nd in _nd_texts()
        for with_class in (False, True)
    ]
    tail = pl.lit(pl.Series(after, dtype=STR)).gather(bits.cast(pl.UInt32) * 2 + has)
    made = pl.concat_str([before, pl.col("grade_class"), tail], ignore_nulls=True)
    return some.select(made.alias("detail"))["detail"]


def _nd_bits() -> pl.Expr:
    """The nd_flags of a row as one u8, bit i flag i (null as unset)."""
    return pl.sum_horizontal(
        flag.fill_null(False).cast(pl.UInt8) * (1 << i) for i, (_, flag) in enumerate(nd_flags())
    )


def _grade_class_details(grade_classes: pl.Series) -> pl.Series | None:
    """The detail of a row whose only member is its grade class, for each place in
    decide_enrollments' table of grade classes (place 0, no grade class: `{}`), made by
    plain_details; None where a grade class needs JSON escaping."""
    alone = pl.DataFrame([grade_classes.alias("grade_class")]).with_columns(
        pl.lit(False).alias(c) for c in _ND_COLUMNS
    )
    made = plain_details(alone)
    return None if made is None else made.cast(STR)


def _detail_places(
    e: pl.DataFrame,
    cols: list[str],
    by_class: pl.Series,
    make_of: Callable[[pl.DataFrame], Callable[[pl.Series], pl.Series]],
) -> tuple[np.ndarray, pl.Series]:
    """(each row's place in a table of the details, the table), without --previous: the
    table is `by_class` (`_grade_class_details`), then the details of the rows with a
    not-documented flag, once per distinct (grade class, flags) (keyed_table).  A row
    with no flag set has its grade class's detail: its place is its `_gc`, so the rows
    of split classes (every student's on a ClassLink export, 6.5M at 1M students) are
    neither keyed nor gathered.  `make_of(frame of cols)` makes the flagged rows'."""
    bits = e.select(_nd_bits().alias("b"))["b"]
    flagged = (bits != 0).arg_true()
    index = e["_gc"].to_numpy(writable=True).astype(np.uint32, copy=False)
    table = by_class
    if flagged.len():
        needed = e.select(cols)[flagged]
        key = _detail_key(bits.gather(flagged), needed["_gc"])
        del bits
        made, spread = keyed_table(key, make_of(needed))
        del key
        index[flagged.to_numpy()] = spread + by_class.len()
        table = pl.concat([by_class, made.cast(STR)], rechunk=True)
    return index, table


def placeholder_lists(n: int) -> pl.Series:
    """`n` null reasons lists, the placeholders enrollment_actions leaves for the lists
    made from the plan's keys (Plan.defer_reasons): their offsets and validity are zeroed
    memory no one writes (a null list column appended to an empty one), so their pages
    are never touched unless read.  A `pl.repeat(None)` column is filled when it is made
    (~15k fresh pages for 7M rows, the offsets alone: 8 bytes a row)."""
    return pl.Series("reasons", dtype=kernel.LISTS).extend_constant(None, n)


def enrollment_actions(
    e: pl.DataFrame,
    inp: Inputs,
    classes_on: bool,
    grade_classes: pl.Series,
    *,
    with_detail: bool = True,
    lists: bool = True,
    detail_table: list[pl.Series] | None = None,
) -> pl.DataFrame:
    """ACTION_SCHEMA columns (reasons already the List), and `_m` (mask_keys); with_detail=False,
    only entity, id, action, reasons and line (build_plan's actions_only reads no more).
    grade_classes: decide_enrollments' table of grade classes, which `_gc` indexes.
    lists=False: where the reasons are looked up by `_m` (kept beside them), `reasons` is
    a placeholder of nulls, the lists left to be made from the plan's keys when read
    (Plan.defer_reasons).
    detail_table: where every detail is a place in a table of the distinct ones (no
    --previous), that table is appended to it and the frame carries each row's place as
    `_d` (model.DetailKeys, read by the JSON writer).

    Almost every enrollment's detail is `{}`: the JSON is built for the few rows that have
    a member (a grade class, a previous class, a not-documented choice) and scattered into
    a column of `{}`, instead of encoding 7M mostly-empty objects (docs/performance.md)."""
    if not with_detail:
        entity, reasons = aligned(
            e,
            [
                pl.lit("enrollment", ENTITY).alias("entity"),
                reasons_list(e, classes_on).alias("reasons"),
            ],
        )
        return pl.DataFrame([entity, e["eid"].alias("id"), e["action"], reasons, e["line"]])
    path = inp.paths.get("enrollments.csv", "enrollments.csv")
    pieces = [
        piece("grade_class", pl.col("grade_class"), pl.col("grade_class").is_not_null()),
        piece("from", pl.col("from_class"), pl.col("from_class").is_not_null()),
        not_documented(nd_flags()),
    ]
    no_from = e["from_class"].null_count() == e.height
    # Without --previous no row has a previous class: not gathered for millions of rows.
    cols = ["_gc", "_ungraded", "_teacher", "_odd_role", "_nd_existing"]

    def make_of(needed: pl.DataFrame) -> Callable[[pl.Series], pl.Series]:
        """The details of rows `first` of `needed` (a frame of `cols`, and `from_class`
        where some row has one)."""

        def make(first: pl.Series) -> pl.Series:
            some = needed[first]
            # The grade class as text, from its place in the table (rows without one: 0).
            text = grade_classes.gather(some["_gc"]).alias("grade_class")
            some = some.select(text, *some.columns[1:])
            if no_from:
                plain = plain_details(some)
                if plain is not None:
                    return plain
                some = some.with_columns(pl.lit(None, STR).alias("from_class"))
            return some.select(detail(pieces).alias("detail"))["detail"]

        return make

    places: list[pl.Series] = []  # `_d`, with detail_table
    by_class = _grade_class_details(grade_classes) if no_from else None
    if by_class is not None:
        index, table = _detail_places(e, cols, by_class, make_of)
    else:
        has = pl.any_horizontal(
            pl.col("_gc") != 0,
            pl.col("from_class").is_not_null(),
            *[flag.fill_null(False) for _, flag in nd_flags()],
        )
        rows = e.select(pl.arg_where(has).cast(pl.UInt32).alias("i"))["i"]
        every = rows.len() == e.height
        needed = e.select(cols if no_from else [*cols, "from_class"])
        if not every:  # a gather of every row would copy 7M rows to the same rows
            needed = needed[rows]
        make = make_of(needed)
    if by_class is None and no_from:
        # Made once per (grade class, flags): a split class's students share one detail.
        # Every row's detail is one gather from ["{}", *made]: no column of `{}` to
        # scatter into and no column of the made values per row beside it.
        key = _detail_key(needed.select(_nd_bits()).to_series(), needed["_gc"])
        made, spread = keyed_table(key, make)
        del key
        if every:
            index = spread.astype(np.uint32)
            index += 1
        else:
            index = np.zeros(e.height, np.uint32)
            index[rows.to_numpy()] = spread + 1
        del spread
        table = pl.concat([pl.Series(["{}"], dtype=STR), made.cast(STR)], rechunk=True)
    if no_from:
        details = table[index].alias("detail")
        if detail_table is not None:
            detail_table.append(table)
            # The smallest integer that holds a place: `check` keeps the plan too (1 byte
            # a row when the details are a few, as on most exports, not 4).
            small = np.min_scalar_type(table.len())
            places = [chunked_like(pl.Series("_d", index.astype(small, copy=False)), e["eid"])]
    else:  # --previous: the previous class is a string per row
        some = make(pl.Series("i", range(needed.height), dtype=pl.UInt32))
        details = pl.repeat("{}", e.height, dtype=STR, eager=True).alias("detail")
        if rows.len():
            details = details.scatter(rows, some)
    details = chunked_like(details, e["eid"])
    # Every column chunked like the loader's (chunks.py): the looked-up reasons and the
    # details come out in one chunk.
    listed = lists or "reasons" in e.columns
    entity, *lists_made, file = aligned(
        e,
        [
            # repeated to the frame's height (a frame of literals alone has one row)
            pl.repeat(pl.lit("enrollment", ENTITY), pl.len()).alias("entity"),
            *([reasons_list(e, classes_on).alias("reasons")] if listed else []),
            pl.lit(path, STR).cast(pl.Categorical()).alias("file"),
        ],
    )
    if not listed:
        lists_made = [chunked_like(placeholder_lists(e.height), e["eid"])]
    # `_m` as well where the reasons were looked up by it (mask_keys numbers them by it;
    # the plan's actions do not keep it).
    mask = [] if "reasons" in e.columns else [e["_m"]]
    return pl.DataFrame(
        [
            entity,
            e["eid"].alias("id"),
            e["action"],
            *lists_made,
            details,
            e["school"],
            file,
            e["line"],
            *mask,
            *places,
        ]
    )
