"""The one order every `check` report uses (text, Markdown, HTML).

1. "Fix first" (report/fix_first.py): the roots of one rule in one column of one file
   folded into one line (in one file, where the sync loses nothing by them), ranked by
   what the sync loses (users, classes and enrollments not made, from the plan's root
   causes), then by severity and by rows.
2. The findings grouped by rule, consequences folded under their root (contract: "Findings
   that follow from another"): errors before warnings before info, then what the sync
   loses, then most rows first; never by rule code alone.

Whole-frame polars work only: a damaged export can carry millions of findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from roster_lint.catalogue import Rule, Severity, catalogue
from roster_lint.findings import listed_lines

if TYPE_CHECKING:
    from roster_lint.predict.model import Plan, RootCause

CONSEQUENCES_SHOWN = 5  # per root, in text and HTML; every one is in the JSON
CAUSE_KEY = ["cause_code", "cause_file", "cause_line", "cause_sourced_id"]
LOST = ("user", "class", "enrollment")  # what the sync does not make, in this order
RANK = {s.value: s.rank for s in Severity}  # severity -> rank (shared with fix_first)
NAMES = {v: k for k, v in RANK.items()}  # rank -> severity


@dataclass(frozen=True)
class RuleGroup:
    """One rule's findings: the counts and the first few rows (shared with the HTML)."""

    code: str
    name: str
    severity: str
    count: int
    rule: Rule | None  # None when the code is not in the catalogue (should not happen)
    examples: list[dict[str, Any]]  # each with `consequences` (first few) and `more_consequences`
    rows: int = 0  # rows the findings stand for (a grouped finding counts its rows)

    @property
    def more(self) -> int:
        return self.count - len(self.examples)


def loss(cause: RootCause) -> int:
    """What the sync does not make by `cause`: its users, classes and enrollments."""
    return sum(cause.affected.get(e, 0) for e in LOST)


def fold_causes(findings: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(roots, consequences), both with `_i` (row in `findings`); consequences carry
    `_root`, the `_i` of the root they sit under, and roots `severity` raised to the
    highest among them and their consequences (contract: "Findings that follow from
    another").  A consequence whose cause is not in the frame (--ignore'd, baselined) is
    shown as a root."""
    idx = findings.with_row_index("_i")
    if not set(CAUSE_KEY) <= set(idx.columns) or idx["cause_code"].null_count() == idx.height:
        return idx, idx.clear().with_columns(pl.lit(None, pl.UInt32).alias("_root"))
    keyed = idx.select(
        pl.col("_i").alias("_root"),
        *[pl.col(c.removeprefix("cause_")).alias(c) for c in CAUSE_KEY],
    ).unique(subset=CAUSE_KEY, keep="first", maintain_order=True)
    linked = idx.filter(pl.col("cause_code").is_not_null()).join(
        keyed, on=CAUSE_KEY, how="left", nulls_equal=True
    )
    cons = linked.filter(pl.col("_root").is_not_null())
    orphans = linked.filter(pl.col("_root").is_null()).drop("_root")
    roots = pl.concat([idx.filter(pl.col("cause_code").is_null()), orphans]).sort("_i")
    worst = cons.group_by("_root").agg(
        pl.col("severity").replace_strict(RANK, default=0).max().alias("_worst")
    )
    roots = (
        roots.join(worst, left_on="_i", right_on="_root", how="left")
        .with_columns(
            pl.max_horizontal(
                pl.col("severity").replace_strict(RANK, default=0), pl.col("_worst").fill_null(0)
            )
            .replace_strict(NAMES, default=None, return_dtype=pl.String)
            .fill_null(pl.col("severity"))
            .alias("severity")
        )
        .drop("_worst")
        .sort("_i")
    )
    return roots, cons


def _plan_losses(plan: Plan | None) -> pl.DataFrame:
    """(name, file, line) of each plan root cause's finding -> what the sync loses by it."""
    rows = [
        {
            "name": c.reason,
            "file": c.file,
            "line": c.line,
            **{f"_lost_{e}": c.affected.get(e, 0) for e in LOST},
        }
        for c in (plan.root_causes if plan is not None else [])
        if loss(c) > 0
    ]
    schema = {"name": pl.String, "file": pl.String, "line": pl.Int64}
    schema.update({f"_lost_{e}": pl.Int64 for e in LOST})
    frame = pl.DataFrame(rows, schema=schema)
    return frame.group_by("name", "file", "line", maintain_order=True).agg(
        pl.col(f"_lost_{e}").sum() for e in LOST
    )


def attribute_losses(idx: pl.DataFrame, plan: Plan | None) -> pl.DataFrame:
    """Each plan root cause's losses (`_plan_losses`) with `_i`, the finding of `idx`
    (findings with `_i`) it belongs to, null when no finding stands for it.

    A root cause names the rule (its reason), file and line of its finding.  A grouped
    finding stands for many lines and lists the first 20 (contract: "Findings that stand
    for many rows"): a cause on a listed line is its; a cause past the last listed line of
    a grouped finding of the same rule and file that has more rows than it lists is the
    one whose listed lines end last before it (155 schools without an NCES ID are one
    grouped RL304, and the sync's loss by each of them is that finding's).  A few rows per
    cause and per finding, never per affected row."""
    losses = _plan_losses(plan).with_row_index("_c")
    if idx.height == 0 or losses.height == 0:
        return losses.with_columns(pl.lit(None, pl.UInt32).alias("_i")).drop("_c")
    keys = idx.select(
        "_i",
        "name",
        pl.col("file").cast(pl.String),
        listed_lines(idx.columns).alias("_ls"),
        (pl.col("count").fill_null(1) if "count" in idx.columns else pl.lit(1)).alias("_n"),
    )
    lines = keys.select("_i", "name", "file", pl.col("_ls").alias("line")).explode("line")
    exact = losses.join(
        lines.unique(subset=["name", "file", "line"], keep="first", maintain_order=True),
        on=["name", "file", "line"],
        how="left",
        nulls_equal=True,
    )
    missing = exact.filter(pl.col("_i").is_null() & pl.col("line").is_not_null()).drop("_i")
    tails = keys.filter(pl.col("_n") > pl.col("_ls").list.len()).select(
        "_i", "name", "file", pl.col("_ls").list.max().alias("_last")
    )
    if missing.height and tails.height:
        past = (
            missing.join(tails, on=["name", "file"], how="inner")
            .filter(pl.col("line") > pl.col("_last"))
            .sort("_c", "_last", descending=[False, True])
            .unique(subset="_c", keep="first", maintain_order=True)
            .select("_c", pl.col("_i").alias("_past"))
        )
        exact = (
            exact.join(past, on="_c", how="left")
            .with_columns(pl.coalesce("_i", "_past").alias("_i"))
            .drop("_past")
        )
    return exact.sort("_c").drop("_c")


def weigh(
    findings: pl.DataFrame, plan: Plan | None, attributed: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(roots, consequences) as fold_causes, roots with `_rows` (their rows and those of
    their consequences), `_lost_*` (what the sync loses by them and their consequences)
    and `_loss` (the sum), and `_rank` (severity rank).  attributed: attribute_losses'
    result when the caller made it (fix_first reads it too)."""
    roots, cons = fold_causes(findings)
    weight = pl.col("count").fill_null(1) if "count" in roots.columns else pl.lit(1)
    lost_cols = [f"_lost_{e}" for e in LOST]
    if attributed is None:
        attributed = attribute_losses(findings.with_row_index("_i"), plan)
    by_finding = (
        attributed.filter(pl.col("_i").is_not_null())
        .group_by("_i")
        .agg(pl.col(c).sum() for c in lost_cols)
    )

    def with_loss(df: pl.DataFrame) -> pl.DataFrame:
        out = df.join(by_finding, on="_i", how="left")
        return out.with_columns(pl.col(c).fill_null(0) for c in lost_cols)

    roots, cons = with_loss(roots), with_loss(cons)
    per_root = cons.group_by("_root").agg(
        weight.sum().alias("_crows"), *[pl.col(c).sum().alias(f"_c{c}") for c in lost_cols]
    )
    roots = (
        roots.join(per_root, left_on="_i", right_on="_root", how="left")
        .with_columns(
            (weight + pl.col("_crows").fill_null(0)).alias("_rows"),
            *[(pl.col(c) + pl.col(f"_c{c}").fill_null(0)).alias(c) for c in lost_cols],
            pl.col("severity").replace_strict(RANK, default=0).alias("_rank"),
        )
        .drop("_crows", *[f"_c{c}" for c in lost_cols])
        .with_columns(pl.sum_horizontal(lost_cols).alias("_loss"))
    )
    return roots, cons


def group_findings(
    findings: pl.DataFrame, per_rule: int | None, plan: Plan | None = None
) -> list[RuleGroup]:
    """Rules with root findings -- errors, then warnings, then info; within a severity what
    the sync loses, then most rows, then code -- each with its first `per_rule` roots (all
    when None; the heaviest first) and, under each, its first consequences."""
    if findings.height == 0:
        return []
    roots, cons = weigh(findings, plan)
    counts = (
        roots.group_by(["code", "name", "severity"])
        .agg(
            pl.len().alias("_n"),
            (pl.col("count").fill_null(1) if "count" in roots.columns else pl.lit(1))
            .sum()
            .alias("_own"),
            pl.col("_rows").sum(),
            pl.col("_loss").sum(),
            pl.col("_rank").first(),
        )
        .sort(
            ["_rank", "_loss", "_rows", "code", "severity"],
            descending=[True, True, True, False, False],
        )
    )
    ordered = roots.sort(["_loss", "_rows", "_i"], descending=[True, True, False])
    firsts = ordered.group_by(["code", "severity"], maintain_order=True)
    firsts_df = firsts.head(per_rule) if per_rule is not None else ordered
    # the worst consequences first (RL303, an error, before a dozen RL222 warnings)
    shown = cons.filter(pl.col("_root").is_in(firsts_df["_i"].implode())).sort(
        [pl.col("severity").replace_strict(RANK, default=0), "_i"], descending=[True, False]
    )
    under: dict[int, list[dict[str, Any]]] = {}
    for row in shown.group_by("_root", maintain_order=True).head(CONSEQUENCES_SHOWN).to_dicts():
        under.setdefault(row["_root"], []).append(row)
    total = dict(shown.group_by("_root").len().iter_rows())
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in firsts_df.to_dicts():
        row["consequences"] = under.get(row["_i"], [])
        row["more_consequences"] = total.get(row["_i"], 0) - len(row["consequences"])
        by_key.setdefault((row["code"], row["severity"]), []).append(row)
    cat = catalogue()
    return [
        RuleGroup(code, name, sev, n, cat.get(code), by_key.get((code, sev), []), int(own))
        for code, name, sev, n, own, *_ in counts.iter_rows()
    ]
