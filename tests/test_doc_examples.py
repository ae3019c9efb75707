"""The example outputs in README.md and docs/*.md are what the commands print today
(scripts/doc_examples.py regenerates them)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from tests.conftest import ROOT


def doc_examples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("doc_examples", ROOT / "scripts/doc_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_examples_are_current() -> None:
    mod = doc_examples()
    marked = [d for d in mod.DOCS if mod.MARKER.search(d.read_text(encoding="utf-8"))]
    # the README's first screen and the reports page carry generated examples
    assert {p.name for p in marked} >= {"README.md", "reports.md"}
    stale = mod.stale()
    assert not stale, f"stale examples in {stale}: run python scripts/doc_examples.py"


def test_readme_opens_with_the_check_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_fence = readme.index("```")
    assert readme[first_fence:].startswith("```text\n$ roster-lint check sample_exports/")
    assert "Fix first" in readme[first_fence : first_fence + 200]
