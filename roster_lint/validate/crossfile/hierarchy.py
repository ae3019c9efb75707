"""Parent walks over orgs and academic sessions (thousands of rows at most: plain Python)."""

from __future__ import annotations

import polars as pl

from roster_lint.model import LINE, Table
from roster_lint.validate.crossfile.common import SID, present

PARENT = "parentSourcedId"


def parents(df: pl.DataFrame) -> dict[str, str]:
    """sourcedId -> parentSourcedId (first row wins for a duplicated id; blanks left out)."""
    if PARENT not in df.columns or SID not in df.columns:
        return {}
    rows = df.filter(present(SID) & present(PARENT)).select(SID, PARENT)
    out: dict[str, str] = {}
    for sid, parent in rows.iter_rows():
        out.setdefault(sid, parent)
    return out


def cycles(parent: dict[str, str]) -> dict[str, list[str]]:
    """Every id that lies on a parent cycle -> the cycle, starting from that id."""
    on_cycle: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in parent:
        path: list[str] = []
        index: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in index:
            index[node] = len(path)
            path.append(node)
            node = parent.get(node)
        if node is not None and node in index:  # walked back into this path: a cycle
            loop = path[index[node] :]
            for i, member in enumerate(loop):
                on_cycle[member] = loop[i:] + loop[:i]
        done.update(path)
    return on_cycle


def ancestors(df: pl.DataFrame) -> dict[str, list[str]]:
    """sourcedId -> its ancestors, nearest first (a cycle stops the walk)."""
    parent = parents(df)
    out: dict[str, list[str]] = {}
    for start in parent:
        seen = {start}
        chain: list[str] = []
        node = parent.get(start)
        while node is not None and node not in seen:
            chain.append(node)
            seen.add(node)
            node = parent.get(node)
        out[start] = chain
    return out


def cycle_hits(t: Table, noun: str) -> pl.DataFrame:
    """One hit per row whose id lies on a parentSourcedId cycle, naming the loop."""
    found = cycles(parents(t.df))
    if not found:
        return pl.DataFrame()
    loops = pl.DataFrame(
        {SID: list(found), "loop": [" -> ".join([*c, c[0]]) for c in found.values()]},
        schema={SID: pl.String(), "loop": pl.String()},
    )
    return (
        t.df.select(LINE, SID, PARENT)
        .join(loops, on=SID, how="inner")
        .select(
            pl.col(LINE).alias("line"),
            pl.col(SID).alias("sourced_id"),
            pl.col(PARENT).alias("value"),
            pl.col(PARENT).alias("related_value"),
            pl.format(noun + " '{}' is its own ancestor: {}.", SID, "loop").alias("message"),
        )
    )
