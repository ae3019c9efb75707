"""Cross-file rules share facts through validate/crossfile/facts.py (and helpers through
common.py, hierarchy.py, bytescan.py, columns.py): no rule module imports another."""

from __future__ import annotations

import ast

import pytest

from roster_lint.validate import crossfile
from tests.conftest import ROOT

RULES = {m.__name__ for m in crossfile.CHECKS}


def imports(module: str) -> set[str]:
    return imports_of((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))


def imports_of(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize("module", sorted(RULES))
def test_a_rule_module_imports_no_other_rule_module(module: str) -> None:
    assert imports(module) & (RULES - {module}) == set()


@pytest.mark.parametrize(
    "source",
    [
        "from roster_lint.validate.crossfile import enrollments\n",
        "from roster_lint.validate.crossfile.enrollments import screens\n",
        "def f():\n    import roster_lint.validate.crossfile.enrollments\n",
    ],
)
def test_a_reach_around_is_seen(source: str) -> None:
    assert "roster_lint.validate.crossfile.enrollments" in imports_of(source) & RULES
