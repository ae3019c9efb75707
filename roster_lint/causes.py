"""Link findings to the finding they follow from (contract: "Findings that follow from
another").  Which rule follows from which, on which key, is declared in the catalogue
(`follows` on the consequence's rule, keys in catalogue.LINK_KEYS); this module only joins.

A consequence's `cause_*` columns name the ROOT of its chain (RL303 follows RL200, which
follows RL152: RL303's cause is the RL152), so every consequence sits directly under one
root and a finding without a cause is a root.  Where several links or several findings of
the cause's rule match, the first declared link and the first finding in report order win.

A grouped cause (contract: "Findings that stand for many rows") stands for more rows than
its first: on a key with a line (`cell`, `row`) it matches a consequence on any of the
lines it lists (the first 20).  A grouped consequence is matched by its first line.  So
155 schools whose NCES IDs lost their leading zero read as one RL252 (first at the
district's line 2) with the one RL304 (first at line 3) under it, as one school does.  A
consequence past the listed lines stays a root: which rows past them the cause counts is
not kept (a school with a blank identifier there is not one of them), and a root shown on
its own misleads less than a consequence filed under the wrong root.
"""

from __future__ import annotations

import polars as pl

from roster_lint.catalogue import Catalogue
from roster_lint.findings import listed_lines

# consequence columns -> cause columns, per key
_KEYS: dict[str, tuple[list[str], list[str]]] = {
    "cell": (["file", "line", "column"], ["file", "line", "column"]),
    "row": (["file", "line"], ["file", "line"]),
    "record": (["file", "sourced_id"], ["file", "sourced_id"]),
    "column": (["file", "column"], ["file", "column"]),
    "related": (["related_file", "related_value"], ["file", "sourced_id"]),
    "file": (["file"], ["file"]),
    "related-file": (["related_file"], ["file"]),
    "export": (["_any"], ["_any"]),  # every consequence matches the first cause
}
_MAX_DEPTH = 16  # chains are a few links long; the catalogue forbids cycles


def link_causes(df: pl.DataFrame, cat: Catalogue) -> pl.DataFrame:
    """`df` (sorted findings) with cause_* filled for every finding that follows another."""
    present = set(df["code"].unique().to_list()) if df.height else set()
    pairs: list[pl.DataFrame] = []
    idx = df.with_row_index("_i").with_columns(pl.lit(True).alias("_any"))
    for rule in cat.rules:
        if rule.code not in present:
            continue
        for link in rule.follows:
            if link.code not in present:
                continue
            left, right = _KEYS[link.on]
            cons = idx.filter(pl.col("code") == rule.code).select("_i", *left)
            is_cause = pl.col("code") == link.code
            if link.file is not None:
                is_cause &= pl.col("file") == link.file
            if link.column is not None:
                is_cause &= pl.col("column") == link.column
            causes = idx.filter(is_cause)
            roots = _by_line(causes, right).unique(
                subset=[f"_k{n}" for n in range(len(right))], keep="first", maintain_order=True
            )
            keys = [f"_k{n}" for n in range(len(right))]
            pairs.append(
                cons.join(roots, left_on=left, right_on=keys, how="inner").select("_i", "_r")
            )
            if link.on == "record":  # a grouped cause keeps its first sourcedId, and its lines
                pairs.append(_record_by_line(idx, rule.code, causes))
    if not pairs:
        return df
    # first declared link wins for each consequence
    direct = pl.concat(pairs).unique(subset="_i", keep="first", maintain_order=True)
    root = direct
    for _ in range(_MAX_DEPTH):  # follow each cause to its root
        step = root.join(direct.rename({"_i": "_r", "_r": "_rr"}), on="_r", how="left")
        if step["_rr"].null_count() == step.height:
            break
        root = step.select("_i", pl.coalesce("_rr", "_r").alias("_r"))
    causes = idx.select(
        pl.col("_i").alias("_r"),
        pl.col("code").alias("cause_code"),
        pl.col("file").alias("cause_file"),
        pl.col("line").alias("cause_line"),
        pl.col("sourced_id").alias("cause_sourced_id"),
    )
    linked = root.join(causes, on="_r", how="left").drop("_r")
    cols = ["cause_code", "cause_file", "cause_line", "cause_sourced_id"]
    out = idx.drop([*cols, "_any"]).join(linked, on="_i", how="left").sort("_i").drop("_i")
    return out.select(df.columns)


def _by_line(causes: pl.DataFrame, right: list[str]) -> pl.DataFrame:
    """`_r` (the cause's row) and `_k0..` (its key), one row per listed line of a grouped
    cause when the key has a line (at most 20 a finding: bounded by findings, not rows)."""
    out = causes.select(
        pl.col("_i").alias("_r"),
        *[
            (listed_lines(causes.columns) if c == "line" else pl.col(c)).alias(f"_k{n}")
            for n, c in enumerate(right)
        ],
    )
    if "line" in right:
        out = out.explode(f"_k{right.index('line')}")
    return out


def _record_by_line(idx: pl.DataFrame, code: str, causes: pl.DataFrame) -> pl.DataFrame:
    """(_i, _r): findings of `code` on a line a grouped cause lists, in the cause's file."""
    grouped = causes.filter(pl.col("count").fill_null(1) > 1) if "count" in causes.columns else None
    if grouped is None or grouped.height == 0:
        return pl.DataFrame(schema={"_i": pl.UInt32, "_r": pl.UInt32})
    cons = idx.filter(pl.col("code") == code).select("_i", "file", "line")
    roots = _by_line(grouped, ["file", "line"]).unique(
        subset=["_k0", "_k1"], keep="first", maintain_order=True
    )
    return cons.join(roots, left_on=["file", "line"], right_on=["_k0", "_k1"], how="inner").select(
        "_i", "_r"
    )
