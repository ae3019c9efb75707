"""Redaction (issue 13 items 14-16, issue 15): no raw personal value from the sample
exports in any output under --redact, the tool's words and numbers untouched, pseudonyms
keyed by the district's key."""

from __future__ import annotations

import base64
import csv
import gzip
import json
import re
from pathlib import Path

import pytest

from roster_lint.examples import materialise
from roster_lint.report.formats import ALLOWED
from tests.cli_run import run_cli
from tests.hostile.helpers import ROOT

DISTRICT = ROOT / "sample_exports" / "district-flawed"
YESTERDAY = ROOT / "sample_exports" / "district-yesterday"
PSEUDONYM = re.compile(r"[a-z]+-[bcdfghkmpt]{14}")
# every report format (rows refuses --redact; csv/parquet are covered by the plan tests)
FORMATS = {
    cmd: [f for f in fmts if f not in ("rows", "csv", "parquet")] for cmd, fmts in ALLOWED.items()
}


def _personal(folder: Path) -> tuple[set[str], set[str]]:
    """(words, numeric ids) of the users' personal columns, longer than 3 characters."""
    words: set[str] = set()
    numbers: set[str] = set()
    cols = ("sourcedId", "username", "givenName", "familyName", "middleName", "identifier")
    with (folder / "users.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            values = [r.get(c) or "" for c in (*cols, "email", "sms", "phone")]
            values += re.findall(r":([^{},]+)", r.get("userIds") or "")
            for v in values:
                for part in re.findall(r"[\w@.+-]+", v):
                    if len(part) > 3:
                        (numbers if part.isdigit() else words).add(part)
    return words, numbers


PACKED = re.compile(
    r'(<script type="application/json" id="plan-data" data-encoding="gzip-base64">)([^<]*)(<)'
)


def _unpacked(page: str) -> str:
    """The HTML page with its gzipped plan data (html_plan.encode) unpacked in place: the
    base64 text hid whatever the data holds, and its fragments between slashes read as
    random words (one matched a first name)."""

    def unpack(m: re.Match[str]) -> str:
        data = gzip.decompress(base64.b64decode(m.group(2))).decode("utf-8")
        return m.group(1) + data + m.group(3)

    return PACKED.sub(unpack, page)


def _strings(doc: object) -> list[str]:
    if isinstance(doc, str):
        return [doc]
    if isinstance(doc, dict):
        return [s for k, v in doc.items() for s in [str(k), *_strings(v)]]
    if isinstance(doc, list):
        return [s for v in doc for s in _strings(v)]
    return []


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from roster_lint.cli import main

    tmp = tmp_path_factory.mktemp("redacted")
    out: dict[str, str] = {}
    import contextlib
    import io

    for cmd, fmts in FORMATS.items():
        where = [str(YESTERDAY), str(DISTRICT)] if cmd == "diff" else [str(DISTRICT)]
        prev = [] if cmd == "diff" else ["--previous", str(YESTERDAY)]
        targets = [f"--output={f}:{tmp / f'{cmd}.{f}'}" for f in fmts]
        buf, err = io.StringIO(), io.StringIO()
        with (
            contextlib.redirect_stdout(buf),
            contextlib.redirect_stderr(err),
            pytest.raises(SystemExit),
        ):
            main([cmd, *where, *prev, "--redact", "--format", "json", *targets])
        out[f"{cmd}.stdout"] = buf.getvalue()
        for f in fmts:
            text = (tmp / f"{cmd}.{f}").read_text(encoding="utf-8")
            out[f"{cmd}.{f}"] = _unpacked(text) if f == "html" else text
    return out


def test_no_raw_personal_value_in_any_output(outputs: dict[str, str]) -> None:
    words, numbers = set(), set()
    for folder in (DISTRICT, YESTERDAY):
        w, n = _personal(folder)
        words |= w
        numbers |= n
    assert len(words) > 1000 and len(numbers) > 1000
    for name, text in outputs.items():
        tokens = set(re.findall(r"[\w@.+-]+", text))
        leaked = sorted(words & tokens)
        assert not leaked, f"{name} leaks {leaked[:5]}"
        # numeric ids: never as a string value (line numbers and counts are numbers)
        if name.endswith((".json", ".stdout", ".sarif")):
            strings = set(_strings(json.loads(text)))
            quoted = sorted(numbers & strings)
            assert not quoted, f"{name} quotes ids {quoted[:5]}"
        near = set(re.findall(r"""(?:["'(]|user )(\d+)\b""", text))
        assert not near & numbers, f"{name} leaks {sorted(near & numbers)[:5]}"


def test_tool_words_and_line_numbers_untouched(
    outputs: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    plain = json.loads(
        run_cli(
            capsys, "check", str(DISTRICT), "--previous", str(YESTERDAY), "--format", "json"
        ).out
    )
    red = json.loads(outputs["check.json"])
    keys = ("code", "name", "severity", "file", "line", "column")
    assert [[f[k] for k in keys] for f in plain["findings"]] == [
        [f[k] for k in keys] for f in red["findings"]
    ]
    assert plain["summary"] == red["summary"]
    for a, b in zip(plain["findings"], red["findings"], strict=True):
        wa, wb = a["message"].split(), b["message"].split()
        assert len(wa) == len(wb), (a["message"], b["message"])
        for x, y in zip(wa, wb, strict=True):
            assert x == y or PSEUDONYM.search(y), (a["message"], b["message"])
        # every number the tool wrote (line numbers, counts) is still there
        assert re.findall(r"\b\d+\b", re.sub(PSEUDONYM, "", b["message"])) == [
            n for n in re.findall(r"\b\d+\b", a["message"]) if n in b["message"]
        ]


def _user_ids(folder: Path) -> list[str]:
    with (folder / "users.csv").open(encoding="utf-8") as fh:
        return [r["sourcedId"] for r in csv.DictReader(fh)]


def test_same_pseudonym_across_exports_with_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two days' exports, the district's key: the same person, the same pseudonym."""
    import polars as pl

    from roster_lint.load import load_export
    from roster_lint.report.redact import Redactor

    monkeypatch.setenv("ROSTER_LINT_REDACT_KEY", "willow bend district key")
    both = sorted(set(_user_ids(DISTRICT)) & set(_user_ids(YESTERDAY)))
    assert len(both) > 1000
    ids = pl.Series(both, dtype=pl.String)
    today = Redactor([load_export(str(DISTRICT))]).series(ids).to_list()
    yday = Redactor([load_export(str(YESTERDAY))]).series(ids).to_list()
    assert today == yday and all(PSEUDONYM.fullmatch(p) for p in today)
    monkeypatch.setenv("ROSTER_LINT_REDACT_KEY", "another district")
    other = Redactor([load_export(str(DISTRICT))]).series(ids).to_list()
    assert not set(other) & set(today)


def test_different_pseudonyms_across_runs_without_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    export = materialise("base-1.1", [], tmp_path / "in")
    code = (
        "import sys; from roster_lint.load import load_export; "
        "from roster_lint.report.redact import Redactor; "
        "print(Redactor([load_export(sys.argv[1])]).text('stu1'))"
    )
    monkeypatch.delenv("ROSTER_LINT_REDACT_KEY", raising=False)
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, str(export)], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert all(PSEUDONYM.fullmatch(r) for r in runs) and runs[0] != runs[1]


def test_email_keeps_its_domain(outputs: dict[str, str]) -> None:
    assert re.search(
        r"email-[bcdfghkmpt]{14}@students\.willowbend\.k12\.example", outputs["plan.json"]
    )


def test_annotations_and_sarif_keep_relative_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under --redact the export folder was cut to its bare name: annotations attached to
    nothing.  A relative path is not personal; it is kept."""
    materialise(
        "base-1.1",
        [{"op": "set", "file": "users.csv", "line": 3, "column": "role", "value": "pupil"}],
        tmp_path / "exports" / "nightly",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    rel = "exports/nightly/export"
    run = run_cli(
        capsys, "check", rel, "--redact", "--output", "sarif:r.sarif", "--output", "github:r.txt"
    )
    assert run.code == 1, run.err
    assert f"file={rel}/users.csv," in (tmp_path / "r.txt").read_text()
    doc = json.loads((tmp_path / "r.sarif").read_text())["runs"][0]
    # not in a repository: paths inside the export, against a base with no absolute path
    assert "uri" not in doc["originalUriBaseIds"]["EXPORTROOT"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["results"]
    }
    assert "users.csv" in uris


def test_vocabulary_is_never_personal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A phone `#ERROR!` made "error" personal (check --redact failed: "not a valid
    Severity"); users named "Test Student" turned every summit_role into a pseudonym."""
    export = materialise(
        "base-1.1",
        [
            {"op": "set", "file": "users.csv", "line": 3, "column": "phone", "value": "#ERROR!"},
            {"op": "set", "file": "users.csv", "line": 4, "column": "givenName", "value": "Test"},
            {
                "op": "set",
                "file": "users.csv",
                "line": 4,
                "column": "familyName",
                "value": "Student",
            },
        ],
        tmp_path / "in",
    )
    check = run_cli(capsys, "check", str(export), "--format", "json", "--redact")
    assert check.code in (0, 1), check.err
    sev = {f["severity"] for f in json.loads(check.out)["findings"]}
    assert sev <= {"error", "warning", "info"}
    plan = json.loads(run_cli(capsys, "plan", str(export), "--format", "json", "--redact").out)
    roles = {a["detail"].get("summit_role") for a in plan["actions"] if a["entity"] == "user"}
    assert roles - {None} <= {"Student", "Teacher", "School Admin"} and "Student" in roles


def test_rl160_raw_user_ids_are_redacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = materialise(
        "base-1.1",
        [{"op": "set", "file": "users.csv", "line": 3, "column": "userIds", "value": "SSN9876543"}],
        tmp_path / "in",
    )
    plain = run_cli(capsys, "check", str(export), "--format", "json")
    assert "SSN9876543" in plain.out  # the rule does quote it
    red = run_cli(capsys, "check", str(export), "--format", "json", "--redact")
    assert "SSN9876543" not in red.out


def test_baseline_under_redact_holds_pseudonyms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROSTER_LINT_REDACT_KEY", "willow bend district key")
    export = materialise(
        "base-1.1",
        [{"op": "set", "file": "users.csv", "line": 3, "column": "role", "value": "pupil"}],
        tmp_path / "in",
    )
    base = tmp_path / "baseline.json"
    plain = json.loads(run_cli(capsys, "check", str(export), "--format", "json").out)
    raw_ids = {f["sourced_id"] for f in plain["findings"] if f["file"] == "users.csv"}
    assert raw_ids - {None}
    run = run_cli(capsys, "check", str(export), "--redact", "--write-baseline", str(base))
    assert run.code == 0  # accepting today's findings succeeds (issue 11)
    ids = {e["sourced_id"] for e in json.loads(base.read_text())["entries"]}
    assert not (ids & raw_ids) - {None} and any(i and PSEUDONYM.fullmatch(i) for i in ids)
    # applied to a later --redact run with the same key, it accepts everything
    again = run_cli(
        capsys, "check", str(export), "--redact", "--baseline", str(base), "--format", "json"
    )
    assert again.code == 0 and json.loads(again.out)["findings"] == []


def test_why_under_redact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`why --previous` named a departed user raw; a not-found id was echoed raw; with the
    key, a pseudonym from a report is accepted."""
    monkeypatch.setenv("ROSTER_LINT_REDACT_KEY", "willow bend district key")
    previous = materialise("base-1.1", [], tmp_path / "prev")
    today = materialise(
        "base-1.1", [{"op": "delete", "file": "users.csv", "line": 3}], tmp_path / "now"
    )
    missing = run_cli(capsys, "why", str(today), "user", "stu1x", "--redact")
    assert missing.code == 2 and "stu1" not in missing.err
    plan = json.loads(
        run_cli(
            capsys, "plan", str(today), "--previous", str(previous), "--format", "json", "--redact"
        ).out
    )
    gone = [a for a in plan["actions"] if a["entity"] == "user" and a["action"] == "retain"]
    assert len(gone) == 1 and PSEUDONYM.fullmatch(gone[0]["id"])
    why = run_cli(
        capsys,
        "why",
        str(today),
        "user",
        gone[0]["id"],
        "--previous",
        str(previous),
        "--redact",
        "--format",
        "json",
    )
    assert why.code == 0, why.err
    doc = json.loads(why.out)
    assert doc["id"] == gone[0]["id"] and doc["action"] == "retain"
    raw = run_cli(
        capsys,
        "why",
        str(today),
        "user",
        gone[0]["id"],
        "--previous",
        str(previous),
        "--format",
        "json",
    )
    departed = json.loads(raw.out)["id"]  # the key resolves the pseudonym to the real id
    assert departed != gone[0]["id"] and departed not in why.out
