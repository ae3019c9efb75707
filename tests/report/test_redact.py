"""--redact: no name, username, e-mail, phone or user id survives in any output."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.console import Console

from roster_lint import api
from roster_lint.load import load_export
from roster_lint.report.outputs import FORMATS, emit_plan
from roster_lint.report.redact import Redactor
from tests.cli_run import run_cli
from tests.report.test_outputs_support import export_path, finding, findings_frame, plan_of

PERSONAL = (
    "sourcedId",
    "username",
    "givenName",
    "familyName",
    "email",
    "phone",
    "sms",
    "identifier",
)


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / name).read_text("utf-8"))))


def _leaky(folder: Path) -> list[dict[str, Any]]:
    """Findings whose every text field quotes personal data, as real checks would."""
    out = []
    for i, u in enumerate(_rows(folder, "users.csv")):
        ids = u["userIds"]
        out.append(
            finding(
                "RL400",
                "error",
                file="users.csv",
                line=i + 2,
                column="email",
                sourced_id=u["sourcedId"],
                value=u["email"],
                related_value=u["sourcedId"],
                message=(
                    f"User {u['sourcedId']} {u['username']} "
                    f"({u['givenName']} {u['familyName']}) at Example "
                    f"Middle School has e-mail {u['email']} ({u['email'].lower()}), phone "
                    f"{u['phone']}, sms {u['sms']}, identifier {u['identifier']}, ids {ids}."
                ),
            )
        )
        out.append(
            finding(
                "RL401",
                "warning",
                file="users.csv",
                line=i + 2,
                column="givenName",
                value=u["givenName"],
            )
        )
    for i, e in enumerate(_rows(folder, "enrollments.csv")):
        out.append(
            finding(
                "RL402",
                "info",
                file="enrollments.csv",
                line=i + 2,
                sourced_id=e["sourcedId"],
                related_file="users.csv",
                related_column="sourcedId",
                related_value=e["userSourcedId"],
                message=f"Enrollment '{e['sourcedId']}' names user '{e['userSourcedId']}'.",
            )
        )
    return out


def _secrets(folder: Path) -> set[str]:
    found = set()
    for u in _rows(folder, "users.csv"):
        found |= {u[c] for c in PERSONAL if len(u[c]) > 1}
        found |= {
            part.split(":", 1)[1].rstrip("}") for part in u["userIds"].split(",") if ":" in part
        }
    found |= {e["sourcedId"] for e in _rows(folder, "enrollments.csv")}
    return {s for s in found if s}


def _big_export(tmp_path: Path, n: int) -> Path:
    """The base export with n users whose data has spaces, accents, apostrophes, cases."""
    folder = export_path(tmp_path)
    users = [
        {
            "sourcedId": f"P{i:05d}Q",
            "enabledUser": "true",
            "orgSourcedIds": "sch1",
            "role": "student",
            "username": f"zq.user{i:05d}",
            "userIds": f"{{SIS:X{i:06d}}}",
            "givenName": f"Zoë Marqa{i}",
            "familyName": f"O'Quarrix{i}",
            "middleName": "K",
            "identifier": f"ID{i:06d}",
            "email": f"Zq.User{i:05d}@District.example.org",
            "sms": f"555-8{i:05d}",
            "phone": f"+1 (555) 7{i:05d}",
            "grades": "07",
        }
        for i in range(n)
    ]
    header = next(csv.reader(io.StringIO((folder / "users.csv").read_text("utf-8"))))
    with (folder / "users.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, header, restval="", lineterminator="\n")
        w.writeheader()
        w.writerows(users)
    with (folder / "enrollments.csv").open("w", encoding="utf-8", newline="") as fh:
        ew = csv.writer(fh, lineterminator="\n")
        ew.writerow(
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "classSourcedId",
                "schoolSourcedId",
                "userSourcedId",
                "role",
                "primary",
                "beginDate",
                "endDate",
            ]
        )
        ew.writerows(
            [
                f"enr-{u['sourcedId']}",
                "",
                "",
                "k1",
                "sch1",
                u["sourcedId"],
                "student",
                "false",
                "",
                "",
            ]
            for u in users
        )
    return folder


@pytest.fixture
def leaky_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def check(path: str, opts: api.Options | None = None, **_: object) -> api.CheckResult:
        frame = findings_frame(_leaky(Path(path)))
        return api.CheckResult(load_export(path), frame, opts or api.Options())

    monkeypatch.setattr(api, "check", check)


def _every_output(folder: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    out.mkdir()
    args = [f"--output={f}:{out / ('r.' + f)}" for f in FORMATS]
    texts = {}
    for fmt in ("json", "text"):  # files once; stdout in both formats
        more = args if fmt == "json" else []
        run = run_cli(capsys, "check", str(folder), "--redact", "--format", fmt, *more)
        assert run.code != 2, run.err
        texts[f"stdout.{fmt}"] = run.out
    texts.update({p.name: p.read_text("utf-8") for p in out.iterdir()})
    assert len(texts) == 2 + len(FORMATS)
    return texts


@pytest.mark.parametrize("users", [0, 300], ids=["base", "300-users"])
def test_nothing_personal_in_any_output(
    users: int, leaky_check: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _big_export(tmp_path, users) if users else export_path(tmp_path)
    secrets = _secrets(folder)
    assert len(secrets) >= 10
    outputs = _every_output(folder, tmp_path / "out", capsys)
    for name, text in outputs.items():
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{name} leaks {leaked[:5]}"
    doc = json.loads(outputs["r.json"])
    # the report is still useful: same findings, places, codes; schools and files kept
    assert len(doc["findings"]) == len(_leaky(folder))
    assert {f["file"] for f in doc["findings"]} == {"users.csv", "enrollments.csv"}
    first = next(f for f in doc["findings"] if f["code"] == "RL400")
    assert first["sourced_id"].startswith("user-") and first["sourced_id"] in first["message"]
    assert "Example Middle School" in first["message"]
    assert doc["export"]["path"] == "export"


def test_pseudonyms_are_keyed_by_the_districts_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same key, same pseudonyms in every run (support can link tickets); no key, a random
    key per run (unlinkable); class and school ids are not personal."""
    folder = export_path(tmp_path)
    monkeypatch.setenv("ROSTER_LINT_REDACT_KEY", "district secret")
    a = Redactor([load_export(str(folder))]).text("alan.turing 'Alan' stu1 k1 sch1")
    words = a.split()
    assert [w.split("-")[0] for w in words[:3]] == ["username", "'name", "user"]
    assert words[3:] == ["k1", "sch1"]
    code = (
        "import sys; from roster_lint.load import load_export; "
        "from roster_lint.report.redact import Redactor; "
        "print(Redactor([load_export(sys.argv[1])]).text(sys.argv[2]))"
    )

    def other_run(env_key: str | None) -> str:
        env = {k: v for k, v in os.environ.items() if k != "ROSTER_LINT_REDACT_KEY"}
        if env_key is not None:
            env["ROSTER_LINT_REDACT_KEY"] = env_key
        done = subprocess.run(
            [sys.executable, "-c", code, str(folder), "alan.turing 'Alan' stu1 k1 sch1"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        return done.stdout.strip()

    assert other_run("district secret") == a  # across runs, with the district's key
    assert other_run("another district") != a
    assert other_run(None) != other_run(None)  # no key: a random key per run


def test_case_and_short_tokens(tmp_path: Path) -> None:
    r = Redactor([load_export(str(export_path(tmp_path)))])
    upper = r.text("ALAN.TURING@EXAMPLE.ORG")
    assert upper == r.text("alan.turing@example.org") and upper.startswith("email-")
    # "Ada" (3 letters) matches case-sensitively only: the word "ada" inside prose stays
    assert r.text("ada") == "ada" and r.text("Ada").startswith("name-")


def test_plan_ids_details_and_rendered_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = export_path(tmp_path)
    plan = plan_of(
        [
            {
                "entity": "user",
                "id": "stu1",
                "action": "create",
                "school": "sch1",
                "detail": json.dumps({"username": "alan.turing", "schools": ["sch1"]}),
            },
            {"entity": "enrollment", "id": "k1_stu1", "action": "enroll", "school": "sch1"},
            {"entity": "class", "id": "k1", "action": "create", "school": "sch1"},
        ]
    )
    red = Redactor([load_export(str(folder))]).apply(plan)
    acts = red.actions.select("entity", "id", "school").rows()
    assert [a[0] for a in acts] == ["user", "enrollment", "class"]
    assert acts[0][1].startswith("user-") and acts[1][1].startswith("enrollment-")
    assert acts[2][1:] == ("k1", "sch1")
    assert "alan.turing" not in red.actions["detail"][0]
    assert json.loads(red.actions["detail"][0])["schools"] == ["sch1"]
    assert plan.actions["id"][0] == "stu1"  # the original is untouched
    out = tmp_path / "p.sarif"
    emit_plan(
        plan,
        fmt="markdown",
        outputs=[f"sarif:{out}"],
        redact=True,
        console=Console(),
        export=load_export(str(folder)),
    )
    assert "stu1" not in out.read_text("utf-8") + capsys.readouterr().out


def test_frame_redaction_is_one_lookup_per_distinct_value(tmp_path: Path) -> None:
    r = Redactor([load_export(str(export_path(tmp_path)))])
    df = pl.DataFrame({"a": ["stu1", None, "x stu1", ""], "b": ["stu1", "k1", None, "Grace"]})
    red = r.frame(df, ["a", "b"])
    ps = red["a"][0]
    assert red["a"].to_list() == [ps, None, f"x {ps}", ""]
    assert red["b"][0] == ps and red["b"][1] == "k1" and red["b"][3].startswith("name-")


def test_apply_redacts_loose_strings_as_text_does(tmp_path: Path) -> None:
    """apply gathers every loose string and redacts them in one lookup: each must come out
    as redacting it alone does (one-token values, sentences, paths, unchanged words)."""
    r = Redactor([load_export(str(export_path(tmp_path)))])
    obj = {
        "a": "stu1",
        "b": ["x stu1 and Grace", ("Grace", "k1", "")],
        "path": "/home/someone/stu1 Grace.zip",
        "code": "stu1",  # vocabulary: kept
    }
    red = r.apply(obj)
    assert red["a"] == r.text("stu1") != "stu1"
    assert red["b"] == [r.text("x stu1 and Grace"), (r.text("Grace"), "k1", "")]
    assert red["b"][1][0].startswith("name-")
    assert red["path"] == "stu1 Grace.zip"  # an absolute path: its bare name, never rewritten
    assert "someone" not in red["path"]
    assert red["code"] == "stu1"
