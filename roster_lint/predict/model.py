"""What `plan` produces: one action per entity, with reasons, plus the summary people read.

`actions` is a polars frame (a million-student export has ~9M actions):
  entity   user | school | course | class | enrollment (Enum ENTITY)
  id       the sourcedId
  action   see ACTIONS (contract.md) (Enum ACTION)
  reasons  List[String] of reason names (kebab-case, shared/spec/summit-k12-sync.md)
  detail   String: a JSON object (canonical: sorted keys, no spaces) per contract.md
  school   String: the school sourcedId the entity belongs to (null where none), for grouping
  file, line  where the entity's record is (null for entities that have none, e.g. a
              retained user that is gone from the export); file is Categorical
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

ENTITIES = ("school", "user", "course", "class", "enrollment")
ACTIONS: dict[str, tuple[str, ...]] = {
    "user": ("create", "transfer", "update", "unchanged", "skip", "retain"),
    "class": ("create", "split", "update", "unchanged", "skip", "retain"),
    "enrollment": ("enroll", "transfer", "unenroll", "unchanged", "skip", "retain"),
    "course": ("mapped", "needs-mapping", "unverified"),
    "school": ("sync", "skip"),
}
# Categories in sorted order: an Enum sorts by category, so sorted categories sort as the
# text does.  One byte per row instead of a 16-byte string view on ~9M actions.
ENTITY = pl.Enum(sorted(ENTITIES))
ACTION = pl.Enum(sorted({a for acts in ACTIONS.values() for a in acts}))
ACTION_SCHEMA: dict[str, pl.DataType] = {
    "entity": ENTITY,
    "id": pl.String(),
    "action": ACTION,
    "reasons": pl.List(pl.String()),
    "detail": pl.String(),
    "school": pl.String(),
    # A handful of paths per plan: 4 bytes per row instead of 16 (text when written out).
    "file": pl.Categorical(),
    "line": pl.Int64(),
}


# --- (action, reasons) pairs as small integers ---------------------------------
# Each action's (action, reasons) pair as a small integer (`ReasonKeys`): what the plan's
# counts and its JSON writer read instead of the reasons lists (report/counts.py,
# report/plan_json.py).
#
# A plan has a few dozen distinct pairs for millions of actions.  Numbering them from the
# List column (`reason_keys`) reads every list's values: on an export where every
# enrollment is skipped, 16M reason names exploded and hashed (~1-1.5 s at 1M students,
# half of it system time for the fresh arrays).  The engine knows each enrollment's
# reasons as the mask `_m` they were looked up by, so `build_plan` numbers those rows from
# the mask and the action (`masked_keys`: a few hundred values, no list read) and the other
# parts (1M users, classes...) from their lists, and puts them together (`combined`):
# `Plan.reason_keys`.  Which pair a number stands for differs between the two ways;
# the pairs each row gets do not (tests/predict/test_reason_keys.py).

MAX_KEY = 1 << 62  # (action, reasons) keys past this are not made (never seen: ~100)
KEY_BLOCK = 1 << 18  # rows keyed at a time


@dataclass(frozen=True)
class ReasonKeys:
    """Each action's (action, reasons) pair as a small integer: `keys[row]` is the place
    of the row's pair in `pairs` (a few dozen pairs for millions of actions)."""

    keys: np.ndarray  # an unsigned or int64 integer per action
    pairs: list[tuple[str, tuple[str, ...]]]  # (action, reasons), distinct

    def rows(self, offset: int, length: int) -> ReasonKeys:
        """The keys of `length` rows from `offset` (what a slice of the actions has)."""
        return ReasonKeys(self.keys[offset : offset + length], self.pairs)


def reason_keys(actions: pl.DataFrame) -> ReasonKeys | None:
    """`ReasonKeys` of the actions' (action, reasons), or None when a list or a reason
    name is null, or there are too many to number (then group the lists themselves).

    Computed with numpy over the lists' flat values and lengths: the names are numbered
    by one categorical cast of the flat values (a hash pass), and each row's key is its
    action, then each reason's number, in base (names + 1).  Grouping or encoding the
    List column itself hashes or writes every list (~0.5-0.8 s for 9M actions)."""
    reasons = actions["reasons"]
    if reasons.null_count() or actions["action"].null_count():
        return None
    lengths = reasons.list.len().to_numpy().astype(np.int64)
    # The lists' values as they are stored (no filter of the empty lists: a copy of them)
    flat = reasons.list.explode(empty_as_null=False)
    if flat.null_count():
        return None
    # Numbered in order of first appearance: any numbering makes the key one to one.
    coded = flat.cast(pl.Categorical(pl.Categories.random()))
    words = coded.dtype.categories.to_series().to_list()  # type: ignore[attr-defined]
    longest = int(lengths.max()) if len(lengths) else 0
    acts = actions["action"].dtype.categories  # type: ignore[attr-defined]
    if len(acts) * (len(words) + 1) ** longest >= MAX_KEY:
        return None
    codes = coded.to_physical().to_numpy()
    action = actions["action"].to_physical().to_numpy()
    key = np.empty(len(lengths), np.int64)
    start = 0  # the first flat value of the block's first list
    # In blocks: whole-column temporaries of 9M rows cost more in page faults (system
    # time) than the arithmetic.
    for b in range(0, len(key), KEY_BLOCK):
        n = lengths[b : b + KEY_BLOCK]
        starts = np.cumsum(n) - n + start
        start += int(n.sum())
        k = action[b : b + KEY_BLOCK].astype(np.int64)
        last = max(len(codes) - 1, 0)
        for i in range(longest):
            # a gather at clipped places and a choice: no boolean compaction
            at = np.minimum(starts + i, last)
            k = k * (len(words) + 1) + np.where(n > i, codes[at], len(words))
        key[b : b + KEY_BLOCK] = k
    # A few dozen distinct keys: hashed, not sorted (np.unique sorts every row).
    distinct = np.sort(pl.Series(key).unique().to_numpy())
    pairs = []
    for k in distinct.tolist():
        names = []
        for _ in range(longest):
            k, place = divmod(k, len(words) + 1)
            if place < len(words):
                names.append(words[place])
        pairs.append((acts[k], tuple(names[::-1])))
    for b in range(0, len(key), KEY_BLOCK):  # each key its place in `distinct`, in place
        key[b : b + KEY_BLOCK] = np.searchsorted(distinct, key[b : b + KEY_BLOCK])
    return ReasonKeys(key, pairs)


def masked_keys(
    action: pl.Series, mask: pl.Series, reasons: list[tuple[str, ...]]
) -> ReasonKeys | None:
    """`ReasonKeys` of rows whose reasons are `reasons[mask]` (a table looked up by a
    small integer column, e.g. the enrollments' `_m`) and whose action is `action` (an
    Enum), without reading a list: the pair is a function of (action, mask).  None when
    either has a null (then number the lists: `reason_keys`)."""
    if action.null_count() or mask.null_count():
        return None
    acts = action.dtype.categories  # type: ignore[attr-defined]
    n = len(reasons)
    # Two bytes a row where they hold (they do: a dozen actions, a few hundred masks).
    wide = pl.UInt16 if len(acts) * n <= 1 << 16 else pl.UInt32
    local = pl.select(
        (action.to_physical().cast(wide) * n + mask.cast(wide)).alias("k")
    ).to_series()
    present = local.unique().sort().to_numpy()  # a few hundred values at most
    pairs = [(acts[k // n], reasons[k % n]) for k in present.tolist()]
    place = np.zeros(int(present[-1]) + 1 if len(present) else 0, _smallest(len(pairs)))
    place[present] = np.arange(len(present))
    return ReasonKeys(place[local.to_numpy()], pairs)


def _smallest(n: int) -> type[np.unsignedinteger] | type[np.int64]:
    """The smallest integer type that numbers `n` things."""
    return np.uint8 if n <= 1 << 8 else np.uint16 if n <= 1 << 16 else np.int64


def combined(parts: list[ReasonKeys | None]) -> ReasonKeys | None:
    """The keys of frames put one after the other (pl.concat of the parts), numbered anew
    over the union of their pairs: the smallest unsigned integers that hold them (a few
    dozen pairs: one byte a row).  None when a part has none."""
    known: dict[tuple[str, tuple[str, ...]], int] = {}
    places: list[np.ndarray] = []
    for part in parts:
        if part is None:
            return None
        places.append(np.array([known.setdefault(p, len(known)) for p in part.pairs], np.int64))
    dtype = _smallest(len(known))
    out = np.empty(sum(len(p.keys) for p in parts if p is not None), dtype)
    start = 0
    for part, place in zip(parts, places, strict=True):
        assert part is not None
        n = len(part.keys)
        if n:
            # mode="clip": every key is a place (the default mode buffers `out`, a copy)
            np.take(place.astype(dtype), part.keys, out=out[start : start + n], mode="clip")
        start += n
    return ReasonKeys(out, list(known))


def entity_counts(entity: pl.Series, keys: ReasonKeys) -> np.ndarray:
    """How many rows each (entity, pair) has: `counts[e * len(pairs) + k]` for the entity
    code `e` (the Enum's physical value) and pair `k` (no nulls in `entity`).  Counted in
    blocks: two 9M-row int64 temporaries cost more in page faults than the counting."""
    m = len(keys.pairs)
    size = len(entity.dtype.categories) * m  # type: ignore[attr-defined]
    codes = entity.to_physical().to_numpy()
    n = np.zeros(size, np.int64)
    for b in range(0, len(codes), KEY_BLOCK):
        both = codes[b : b + KEY_BLOCK].astype(np.int64) * m + keys.keys[b : b + KEY_BLOCK]
        n += np.bincount(both, minlength=size)
    return n


def first_rows(entity: pl.Series, keys: ReasonKeys, group: np.ndarray, n: int) -> list[list[int]]:
    """The first `n` row positions (in row order) of each group, where the group of a row
    is `group[e * len(pairs) + k]` for its entity code `e` and pair `k` (as entity_counts;
    -1: in none).  Read block by block from the keys, never a filter of the 9M actions;
    stops at the block where every group has its `n`."""
    groups = int(group.max()) + 1 if len(group) else 0
    found: list[list[int]] = [[] for _ in range(max(groups, 0))]
    if groups <= 0:
        return found
    need = np.full(groups, n, np.int64)
    lut = group.astype(np.int64)
    m = len(keys.pairs)
    codes = entity.to_physical().to_numpy()
    for b in range(0, len(codes), KEY_BLOCK):
        if not need.any():
            break
        g = lut[codes[b : b + KEY_BLOCK].astype(np.int64) * m + keys.keys[b : b + KEY_BLOCK]]
        present = np.bincount(g + 1, minlength=groups + 1)[1:]
        for j in np.flatnonzero((present > 0) & (need > 0)).tolist():
            at = np.flatnonzero(g == j)[: need[j]]
            found[j].extend((at + b).tolist())
            need[j] -= len(at)
    return found


@dataclass(frozen=True)
class DetailKeys:
    """The details of the actions' rows `start`.. (`len(index)` of them) as places in a
    small table: row `start + i`'s detail is `table[index[i]]` (the enrollments' details,
    made once per distinct detail by enrollment_actions).  The JSON writer gathers each
    row's `detail":...}` from the table instead of building 7M strings."""

    start: int
    index: pl.Series  # an unsigned integer, the smallest that holds len(table)
    table: pl.Series  # String


@dataclass(frozen=True)
class RootCause:
    """One cause behind many skips: 'school Cedar Academy has no NCES ID' -> its users..."""

    reason: str  # reason name
    entity: str  # the entity at the root (school, course, class, file)
    id: str
    label: str  # human name, e.g. the school's name
    affected: dict[str, int]  # entity -> how many of them this cause skips
    message: str  # one sentence in the user's terms
    file: str | None = None  # where to look first: the root's own row, else the first affected
    line: int | None = None


@dataclass(frozen=True)
class FollowUp:
    """Something the district must do by hand or ask vendor support for."""

    kind: str  # district-admin-request | delete-user | remove-enrollment | map-course | ...
    entity: str
    id: str
    message: str


@dataclass
class Plan:
    profile: str
    mode: str
    actions: pl.DataFrame
    # who gets accounts: school, school_name, summit_role, grade, users (count)
    audience: pl.DataFrame
    root_causes: list[RootCause] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # not-documented choices, nightly timing...
    licences_new: int | None = None  # SK-L1: students who will newly consume a licence
    # Each action's (action, reasons) numbered by build_plan (ReasonKeys above), for
    # the counts and the JSON writer; None: number them from the lists.  Not an init
    # field: a plan made anew from this one's fields (dataclasses.replace, e.g.
    # --redact) starts without it, as its actions may differ.
    reason_keys: ReasonKeys | None = field(default=None, init=False, repr=False, compare=False)
    # True while some rows' reasons lists are still to be made from `reason_keys`
    # (`defer_reasons`); `actions` (a property, below the class) makes them when read.
    _reasons_unmade: bool = field(default=False, init=False, repr=False, compare=False)
    # Some rows' details as places in a table (DetailKeys), set by build_plan.  Like
    # reason_keys, not an init field (a plan made anew, e.g. --redact's, starts without
    # it), and dropped whenever `actions` is set.
    detail_keys: DetailKeys | None = field(default=None, init=False, repr=False, compare=False)

    def defer_reasons(self) -> None:
        """build_plan left some rows' `reasons` as placeholders (the enrollments', whose
        lists its keys stand for): made from `reason_keys` when `actions` is first read.
        What reads the pairs from the keys (the JSON writer, the counts, the totals) reads
        `keyed_actions` and never makes them: 0.4 s CPU and ~330 MB at 1M students on an
        export whose every enrollment is skipped (16M reason names in lists)."""
        assert self.keys_of_actions() is not None, "deferred reasons need their keys"
        self._reasons_unmade = True

    def keyed_actions(self) -> tuple[pl.DataFrame, ReasonKeys | None]:
        """(the actions, their reason keys when they number them).  With keys, the frame's
        `reasons` may be placeholders on some rows (defer_reasons): read each row's pair
        in the keys, never that column; without keys, the actions themselves."""
        keys = self.keys_of_actions()
        return (self.__dict__["_actions"], keys) if keys is not None else (self.actions, None)

    def keys_of_actions(self) -> ReasonKeys | None:
        """`reason_keys` when they still number these actions (one per row)."""
        keys = self.reason_keys
        height = self.__dict__["_actions"].height
        return keys if keys is not None and len(keys.keys) == height else None

    def rows(self, offset: int, length: int) -> pl.DataFrame:
        """`actions.slice(offset, length)` with every reasons list, made for these rows
        alone where they are deferred: what a writer of every action reads chunk by chunk
        (CSV, Parquet) instead of `actions`, which makes all 9M rows' lists at once."""
        frame, keys = self.keyed_actions()
        part = frame.slice(offset, length)
        if keys is None or not self._reasons_unmade:
            return part
        return made_reasons(part, keys.rows(offset, length))

    def rows_at(self, at: pl.Series) -> pl.DataFrame:
        """The actions at row positions `at` (in that order), every reasons list made: what
        a report that shows a few rows reads (the text's examples, the HTML's capped tables)
        instead of `actions`."""
        frame, keys = self.keyed_actions()
        part = frame.select(pl.all().gather(at))
        if keys is None or not self._reasons_unmade:
            return part
        return made_reasons(part, ReasonKeys(keys.keys[at.to_numpy()], keys.pairs))

    def totals(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for entity, action, n in self._entity_action_counts():
            out.setdefault(entity, {})[action] = n
        return {e: out[e] for e in ENTITIES if e in out}

    def _entity_action_counts(self) -> list[tuple[str, str, int]]:
        """(entity, action, rows) sorted by entity and action, none with no rows.  From
        the reason keys when build_plan made them (counted in numpy, no group_by of the
        9M actions), else a group_by."""
        actions, keys = self.keyed_actions()
        entity = actions["entity"]
        if keys is None or entity.null_count() or entity.dtype != ENTITY:
            counts = actions.group_by(["entity", "action"]).len().sort(["entity", "action"])
            return [(e, a, n) for e, a, n in counts.iter_rows()]
        per_pair = entity_counts(entity, keys).reshape(len(ENTITY.categories), len(keys.pairs))
        acts = ACTION.categories.to_list()
        per_action = np.zeros((per_pair.shape[0], len(acts)), np.int64)
        for k, (action, _) in enumerate(keys.pairs):
            per_action[:, acts.index(action)] += per_pair[:, k]
        # Both Enums' categories are sorted: their order is the text's (the group_by's sort).
        return [
            (e, a, int(per_action[i, j]))
            for i, e in enumerate(ENTITY.categories.to_list())
            for j, a in enumerate(acts)
            if per_action[i, j]
        ]


def _read_actions(plan: Plan) -> pl.DataFrame:
    """`Plan.actions`: the frame, its deferred reasons made first (defer_reasons)."""
    frame: pl.DataFrame = plan.__dict__["_actions"]
    if plan._reasons_unmade:
        keys = plan.reason_keys
        assert keys is not None and len(keys.keys) == frame.height
        frame = made_reasons(frame, keys)
        plan.__dict__["_actions"] = frame
        plan._reasons_unmade = False
    return frame


def _write_actions(plan: Plan, frame: pl.DataFrame) -> None:
    plan.__dict__["_actions"] = frame
    plan._reasons_unmade = False
    plan.detail_keys = None  # they described the frame replaced


# A property over the dataclass field (set after the class: a class attribute would be
# taken for the field's default): `plan.actions` always has every reasons list.
setattr(Plan, "actions", property(_read_actions, _write_actions))  # noqa: B010


def made_reasons(frame: pl.DataFrame, keys: ReasonKeys) -> pl.DataFrame:
    """`frame` with its `reasons` made from `keys` (each row the reasons of its pair),
    cut into the chunks of `id` (a column chunked unlike the others is copied whole by
    the next eager step that reads them together)."""
    table = pl.Series("reasons", [list(r) for _, r in keys.pairs], dtype=pl.List(pl.String()))
    reasons = table.gather(pl.Series(keys.keys.astype(np.uint32, copy=False)))
    lengths = frame["id"].chunk_lengths()
    if len(lengths) > 1:
        parts, start = [], 0
        for n in lengths:
            parts.append(reasons.slice(start, n))
            start += n
        reasons = pl.concat(parts, rechunk=False)
    return frame.with_columns(reasons.alias("reasons"))


@dataclass
class WhyResult:
    """`why`: one entity's action and the steps that decided it, read from the plan
    (predict/why.py builds it; report renders it)."""

    entity: str
    id: str
    action: str
    reasons: list[str]
    trace: list[dict[str, Any]]  # step, ok (True/False/None), detail and data (its values)
    detail: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "id": self.id,
            "action": self.action,
            "reasons": list(self.reasons),
            "trace": [{k: s[k] for k in ("step", "ok", "detail")} for s in self.trace],
        }

    def step(self, name: str) -> dict[str, Any]:
        """The trace step called `name` (tests and callers read its `data`)."""
        return next(s for s in self.trace if s["step"] == name)
