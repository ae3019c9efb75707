"""Configuration: roster-lint.toml, or [tool.roster-lint] in pyproject.toml.

Found by walking up from the working directory (the first roster-lint.toml, or the first
pyproject.toml that has a [tool.roster-lint] table); `--config FILE` names one instead.
Keys (docs/configuration.md):

  mode = "full"                      # or "provisioning"
  course_map = "course-map.csv"      # relative to the config file
  select = ["RL1", "RL2"]            # codes, names or prefixes (a list, or "a,b")
  ignore = ["RL305"]
  fail_on = "error"                  # error | warning | info | never
  [severity]                         # per-rule severity overrides
  RL123 = "warning"
  [profile]                          # Summit K12 profile options -> Options.profile
  ...
  [diff]                             # diff thresholds -> Options.profile["diff"]
  max_shrink = 0.2
  redact_key_file = "redact.key"     # --redact's key (roster-lint redact-key init), relative

An unknown key or a bad value is a UsageError that names the file and the key (exit 2).
Command-line options win over the file (cli/check.py merges them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roster_lint.errors import UsageError
from roster_lint.options import FAIL_ON, Options

NAMES = ("roster-lint.toml", "pyproject.toml")
KEYS = (
    "mode",
    "course_map",
    "select",
    "ignore",
    "fail_on",
    "severity",
    "profile",
    "diff",
    "redact_key_file",
)


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # here: a run without a config file does not import it (~4 ms)

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _section(path: Path, doc: dict[str, Any]) -> dict[str, Any] | None:
    """The roster-lint table of a config file, or None when a pyproject has none."""
    if path.name != "pyproject.toml":
        return doc
    tool = doc.get("tool", {})
    section = tool.get("roster-lint") if isinstance(tool, dict) else None
    if section is None:
        return None
    if not isinstance(section, dict):
        raise UsageError(f"{path}: [tool.roster-lint] must be a table")
    return section


def find_config(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config at or above `start` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in NAMES:
            candidate = folder / name
            if candidate.is_file():
                section = _section(candidate, _read(candidate))
                if section is not None:
                    return candidate, section
    return None


def _where(path: Path, key: str) -> str:
    prefix = "tool.roster-lint." if path.name == "pyproject.toml" else ""
    return f"{path}: {prefix}{key}"


def _string(path: Path, key: str, value: Any, choices: tuple[str, ...] | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{_where(path, key)} must be a non-empty string, not {value!r}")
    if choices is not None and value not in choices:
        raise UsageError(f"{_where(path, key)} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _rules(path: Path, key: str, value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise UsageError(f"{_where(path, key)} must be a list of rule codes or names")
    return [v.strip() for v in items if v.strip()]


def _table(path: Path, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UsageError(f"{_where(path, key)} must be a table ([{key}])")
    return value


def options_from_section(path: Path, raw: dict[str, Any]) -> Options:
    """Options from one config table; every problem names the file and the key."""
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise UsageError(f"{_where(path, unknown[0])}: unknown key (known: {', '.join(KEYS)})")
    opts = Options()
    if "mode" in raw:
        opts.mode = _string(path, "mode", raw["mode"], ("full", "provisioning"))
    if "fail_on" in raw:
        opts.fail_on = _string(path, "fail_on", raw["fail_on"], FAIL_ON)
    if "course_map" in raw:  # relative to the config file, not to wherever it is run from
        opts.course_map = str(path.parent / _string(path, "course_map", raw["course_map"]))
    if "redact_key_file" in raw:  # relative to the config file, like course_map
        from roster_lint.report.redact import use_key_file

        use_key_file(str(path.parent / _string(path, "redact_key_file", raw["redact_key_file"])))
    for key in ("select", "ignore"):
        if key in raw:
            setattr(opts, key, _rules(path, key, raw[key]))
    if "severity" in raw:
        sev = _table(path, "severity", raw["severity"])
        for rule, level in sev.items():
            _string(path, f"severity.{rule}", level, ("error", "warning", "info"))
        opts.severity = {str(k): str(v) for k, v in sev.items()}
    if "profile" in raw:
        opts.profile = dict(_table(path, "profile", raw["profile"]))
    if "diff" in raw:
        from roster_lint.diff.settings import settings_from

        diff = _table(path, "diff", raw["diff"])
        try:
            settings_from({"diff": diff})
        except UsageError as exc:
            raise UsageError(f"{path}: {exc}") from None
        opts.profile["diff"] = dict(diff)
    try:
        opts.validate()  # rule tokens in select/ignore/severity must name real rules
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return opts


def options_from_config(path: str | None) -> Options:
    """Options from the config file (searched upward when `path` is None)."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise UsageError(f"--config {path}: no such file")
        section = _section(p, _read(p))
        if section is None:
            raise UsageError(f"--config {path}: has no [tool.roster-lint] table")
        return options_from_section(p.resolve(), section)
    found = find_config()
    if found is None:
        return Options()
    return options_from_section(*found)
