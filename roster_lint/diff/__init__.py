"""diff: what changed between two exports, and what the Summit K12 sync does about it.

`compare` matches rows per file (vectorised joins), reads the plan's actions for the
changed entities, and runs the export-to-export checks (RL4xx, `diff_findings`), which
`check --previous` runs too.
"""

from roster_lint.diff.compare import compare, compare_without_plan
from roster_lint.diff.model import DiffResult, FileDiff, SyncGroup

__all__ = ["DiffResult", "FileDiff", "SyncGroup", "compare", "compare_without_plan"]
