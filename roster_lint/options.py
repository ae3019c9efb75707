"""What a run is asked to do: `Options`, shared by every stage, the pipeline, report and cli.

A core type: it imports nothing above the catalogue, so that load, validate, predict and
diff can take it as a typed parameter without importing the API (docs/architecture.md).
`from roster_lint.api import Options` still works for Python callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.util import find_spec
from typing import Any

from roster_lint.catalogue import Severity, catalogue
from roster_lint.errors import UsageError

MODES = ("full", "provisioning")  # the first is the default
FAIL_ON = ("error", "warning", "info", "never")
# How the per-file schemas run: polars queries (default) or pandera's own backend (the
# reference the polars runner is tested against; slow on large files).  pandera is an
# optional extra: only that engine imports it.
ENGINES = ("polars", "pandera")
PANDERA_MISSING = (
    "--schema-engine pandera needs pandera, which is not installed: "
    "pip install 'roster-lint[pandera]'"
)


@dataclass
class Options:
    mode: str = "full"
    previous: str | None = None
    course_map: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule -> severity override
    fail_on: str = "error"
    schema_engine: str = "polars"  # or "pandera": pandera's own backend (the reference, slow)
    profile: dict[str, Any] = field(default_factory=dict)  # profile options from config

    def validate(self) -> None:
        if self.mode not in MODES:
            raise UsageError(f"--mode must be {' or '.join(MODES)}, not {self.mode!r}")
        if self.fail_on not in FAIL_ON:
            raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        if self.schema_engine not in ENGINES:
            raise UsageError(
                f"--schema-engine must be {' or '.join(ENGINES)}, not {self.schema_engine!r}"
            )
        if self.schema_engine == "pandera" and find_spec("pandera") is None:
            raise UsageError(PANDERA_MISSING)
        cat = catalogue()
        for token in [*self.select, *self.ignore, *self.severity]:
            if not cat.matching(token):
                raise UsageError(f"no rule matches {token!r} (see `roster-lint rules`)")
        for token, sev in self.severity.items():
            if sev not in [s.value for s in Severity]:
                raise UsageError(f"severity for {token!r} must be error, warning or info")
