"""What `check` returns: `CheckResult`, the one record every check report renders.

A core type: report modules render it and it imports nothing above the core.  Its JSON
document is a report (`report.json_report.check_document`); `roster_lint.api.CheckResult`,
what `api.check` returns, adds `.to_json()` for Python callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.catalogue import Severity
from roster_lint.findings import summary
from roster_lint.model import Export
from roster_lint.options import Options

if TYPE_CHECKING:
    from roster_lint.predict.model import Plan


@dataclass
class CheckResult:
    export: Export
    findings: pl.DataFrame
    options: Options
    plan: Plan | None = None
    previous: Export | None = None  # the --previous export, as loaded (--redact reads it)

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.findings)

    @property
    def failed(self) -> bool:
        if self.options.fail_on == "never":
            return False
        floor = Severity(self.options.fail_on).rank
        return any(Severity(s).rank >= floor and n for s, n in self.summary.items())
