"""Layers import one way (docs/architecture.md): core <- stages <- pipeline <- report <- api
<- cli, and report reads the core only.

Every `import` in roster_lint/ counts, at module level, inside a function or under
TYPE_CHECKING alike: a lower layer never names a higher one.  Stages may use each other
(diff reads the plan); they take what they need as typed parameters (Export, Options...).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "roster_lint"
LAYERS = ("core", "stage", "pipeline", "report", "api", "cli")
# The result records every layer may read, though they live beside their stage, and the
# byte screen of text columns (bytescan) that validate and report both use.
CORE = {
    "roster_lint",
    "roster_lint.errors",
    "roster_lint.paths",
    "roster_lint.model",
    "roster_lint.findings",
    "roster_lint.causes",
    "roster_lint.catalogue",
    "roster_lint.spec",
    "roster_lint.options",
    "roster_lint.results",
    "roster_lint.examples",
    "roster_lint.words",
    "roster_lint.bytescan",
    "roster_lint.predict.model",
    "roster_lint.diff.model",
    "roster_lint.diff.settings",
}
STAGES = ("load", "validate", "predict", "diff", "synth")
TOP = {"pipeline": "pipeline", "report": "report", "api": "api", "cli": "cli", "config": "cli"}
TOP["__main__"] = "cli"
# Report renders records: it reads the core only, never a stage or the pipeline.
ONLY = {"report": ("core", "report")}
# Known edges against the direction, owned by other work; the test below fails when one
# is gone, so that this list only shrinks.  Empty: every edge points down.
KNOWN: set[tuple[str, str]] = set()


def layer(module: str) -> str:
    if module in CORE:
        return "core"
    part = module.split(".")[1]
    if part in STAGES:
        return "stage"
    if part in TOP:
        return TOP[part]
    raise AssertionError(f"{module}: no layer (add it to tests/test_layers.py)")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool) -> set[str]:
    """Every roster_lint module `source` imports (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                up = here[: len(here) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            found.add(base)
            # `from roster_lint import api` imports the module roster_lint.api
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m == "roster_lint" or m.startswith("roster_lint.")}


def known_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (ROOT / rel).with_suffix(".py").is_file() or (ROOT / rel / "__init__.py").is_file()


def violations(
    files: dict[str, str], packages: frozenset[str] = frozenset()
) -> set[tuple[str, str]]:
    """(importer, imported) pairs where a module imports a higher layer."""
    bad = set()
    for module, source in files.items():
        mine = LAYERS.index(layer(module))
        for target in imported(source, module, module in packages):
            if not known_module(target):  # `from roster_lint.x import name`: not a module
                continue
            theirs = layer(target)
            if LAYERS.index(theirs) > mine or theirs not in ONLY.get(LAYERS[mine], LAYERS):
                bad.add((module, target))
    return bad


def package_violations() -> set[tuple[str, str]]:
    files, packages = {}, set()
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        files[name] = path.read_text(encoding="utf-8")
        if path.name == "__init__.py":
            packages.add(name)
    return violations(files, frozenset(packages))


def test_no_layer_imports_a_higher_one() -> None:
    assert package_violations() - KNOWN == set()


def test_the_known_exceptions_still_exist() -> None:
    """When one of KNOWN is fixed, take it off the list."""
    assert package_violations() & KNOWN == KNOWN


@pytest.mark.parametrize(
    ("module", "source", "target"),
    [
        ("roster_lint.predict.engine", "from roster_lint.api import Options\n", "roster_lint.api"),
        (
            "roster_lint.validate.crossfile.common",
            "def f():\n    from roster_lint.report import progress\n",
            "roster_lint.report",
        ),
        (
            "roster_lint.results",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from roster_lint.pipeline import Checked\n",
            "roster_lint.pipeline",
        ),
        ("roster_lint.report.text", "from roster_lint import api\n", "roster_lint.api"),
        ("roster_lint.report.html", "from roster_lint.diff import compare\n", "roster_lint.diff"),
        ("roster_lint.pipeline", "from .cli import app\n", "roster_lint.cli"),
    ],
)
def test_a_deliberate_violation_is_caught(module: str, source: str, target: str) -> None:
    assert (module, target) in violations({module: source})


def test_imports_down_the_layers_pass() -> None:
    ok = "from roster_lint.options import Options\nfrom roster_lint.model import Export\n"
    assert violations({"roster_lint.predict.engine": ok, "roster_lint.api": ok}) == set()
