"""Small builders for hostile exports; every test writes under its own tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from roster_lint.load import load_export
from roster_lint.model import Export
from roster_lint.paths import rules_dir

BASE = rules_dir() / "examples" / "base-1.1"


def base_folder(tmp: Path, name: str = "export") -> Path:
    dest = tmp / name
    shutil.copytree(BASE, dest)
    return dest


def base_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(BASE.glob("*.csv"))}


def findings(export: Export, code: str) -> list[dict[str, object]]:
    f = export.findings.frame()
    return f.filter(pl.col("code") == code).to_dicts()


def load(path: Path) -> Export:
    return load_export(str(path))
