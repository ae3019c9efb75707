"""JUnit XML for CI test tabs: one <testsuite> per rule run, passing ones included.

"Rules run" (`rules_run`) are the catalogue's rules this run checked: those --select and
--ignore keep, the RL4xx comparison rules only with --previous (`diff`: only those).  So a
dashboard sees a rule go from failing to passing: its suite is there on every run.

Inside a rule's suite every error-level finding is one <testcase> holding one <failure>
(named `file:line`; contract: one failure per error-level finding); a rule without error
findings has one passing testcase named after the rule.  Warning and info findings are
listed in the suite's <system-out>, where CI tabs show non-failing notes.
Capped at MAX_CASES failing testcases per rule: past that a single failure says how many
more there are (a million identical testcases help nobody; the JSON report lists every one).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.catalogue import Rule, catalogue, kept_codes

if TYPE_CHECKING:
    from roster_lint.options import Options
    from roster_lint.results import CheckResult

MAX_CASES = 1_000
MAX_NOTES = 200


def _where(file: str | None, line: int | None) -> str:
    if file is None:
        return "export"
    return f"{file}:{line}" if line is not None else file


def _rows_and_cause(r: dict[str, object]) -> str:
    """How many rows a grouped finding stands for, and the root it follows from."""
    out = ""
    count = r.get("count")
    if isinstance(count, int) and count > 1:
        out += f"\nrows: {count:,}, first lines {r.get('lines')}"
    if r.get("cause_code") is not None:
        where = _where(r.get("cause_file"), r.get("cause_line"))  # type: ignore[arg-type]
        out += f"\nfollows from: {r['cause_code']} at {where}"
    return out


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped, nor U+FFFE, U+FFFF or
    lone surrogates: replace them with U+FFFD so the file stays XML."""
    return "".join(ch if _xml_char(ord(ch)) else "\ufffd" for ch in text)


def _xml_char(c: int) -> bool:
    """XML 1.0's Char production."""
    return (
        c in (0x9, 0xA, 0xD)
        or 0x20 <= c <= 0xD7FF
        or 0xE000 <= c <= 0xFFFD
        or 0x10000 <= c <= 0x10FFFF
    )


DIFF_GROUP = "diff"  # the catalogue file of the rules that compare with --previous


def rules_run(opts: Options, groups: tuple[str, ...] | None = None) -> list[Rule]:
    """The catalogue rules a run with these options checks, in code order: kept by
    --select/--ignore, the comparison rules only with --previous.  `groups` limits them to
    those catalogue files (diff: ("diff",))."""
    keep = kept_codes(opts.select, opts.ignore)
    return [
        r
        for r in catalogue().rules
        if keep(r.code)
        and (groups is None or r.group in groups)
        and (r.group != DIFF_GROUP or opts.previous is not None or groups is not None)
    ]


def check_junit(
    result: CheckResult,
    max_cases: int = MAX_CASES,
    rules: list[Rule] | None = None,
    command: str = "check",
) -> str:
    """`rules`: the rules run (default `rules_run(result.options)`); a code among the
    findings that is not one of them still gets its suite."""
    df = result.findings
    run = rules if rules is not None else rules_run(result.options)
    parts = {
        str(code): part
        for (code,), part in df.partition_by("code", as_dict=True, maintain_order=True).items()
    }
    codes = sorted({r.code for r in run} | set(parts))
    empty = df.clear()
    root = ET.Element("testsuites", name="roster-lint", tests="0", failures="0", errors="0")
    total_tests = total_failures = 0
    for code in codes:
        part = parts.get(code, empty)
        rule = catalogue().get(code)
        name = rule.name if rule else str(part["name"][0])
        errors = part.filter(pl.col("severity") == "error")
        others = part.filter(pl.col("severity") != "error")
        suite = ET.SubElement(root, "testsuite", name=f"{code} {name}")
        cases = 0
        for r in errors.head(max_cases).iter_rows(named=True):
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"roster-lint.{code}",
                name=_clean(_where(r["file"], r["line"])),
            )
            fail = ET.SubElement(
                case, "failure", message=_clean(r["message"] or name), type=f"{code} {name}"
            )
            fail.text = _clean(
                f"{r['message']}\nfile: {r['file']}  line: {r['line']}  column: {r['column']}"
                f"  sourcedId: {r['sourced_id']}  value: {r['value']!r}"
                + _rows_and_cause(r)
                + (f"\nfix: {rule.fix}" if rule else "")
            )
            cases += 1
        if errors.height > max_cases:
            more = errors.height - max_cases
            case = ET.SubElement(suite, "testcase", classname=f"roster-lint.{code}", name="capped")
            ET.SubElement(
                case,
                "failure",
                message=f"{more} more error findings of {code} not listed (output capped)",
                type=f"{code} {name}",
            )
            cases += 1
        if cases == 0:  # no error finding: one passing case (notes, if any, in system-out)
            ET.SubElement(suite, "testcase", classname=f"roster-lint.{code}", name=f"{code} {name}")
            cases = 1
        if others.height:
            lines = [
                f"{r['severity']}: {_where(r['file'], r['line'])}: {r['message']}"
                for r in others.head(MAX_NOTES).iter_rows(named=True)
            ]
            if others.height > MAX_NOTES:
                lines.append(f"... {others.height - MAX_NOTES} more (output capped)")
            ET.SubElement(suite, "system-out").text = _clean("\n".join(lines))
        failures = cases if errors.height else 0
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += cases
        total_failures += failures
    if total_tests == 0:  # --select named nothing that runs: still say the command ran
        suite = ET.SubElement(root, "testsuite", name="roster-lint", tests="1", failures="0")
        suite.set("errors", "0")
        suite.set("skipped", "0")
        ET.SubElement(suite, "testcase", classname="roster-lint", name=f"roster-lint {command}")
        total_tests = 1
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
