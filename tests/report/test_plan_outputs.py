"""`plan` JSON written as it is made (the same bytes as before), and the actions as CSV/Parquet."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import polars as pl
import pytest

from roster_lint import api
from roster_lint.predict.model import Plan
from roster_lint.report import plan_json, plan_tables
from roster_lint.report.json_report import dumps
from roster_lint.report.plan_json import action_lines, plan_document, write_plan_json
from roster_lint.report.plan_tables import write_actions_csv, write_actions_parquet
from tests.cli_run import run_cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_exports"
CORPUS = ROOT.parent / "shared" / "corpus"


def todays_json(plan: Plan) -> str:
    """The JSON text as `plan --format json` built it before it was streamed (at 14ec864:
    the whole text in memory, one `str.replace` of a mark): the oracle for the bytes."""
    doc = plan_document(plan, with_actions=False)
    doc["actions"] = plan_json.ACTIONS_MARK
    text = dumps(doc)
    mark = json.dumps(plan_json.ACTIONS_MARK)
    n = plan.actions.height
    if n == 0:
        return text.replace(mark, "[]", 1)
    sep = ",\n    "
    chunks = [
        action_lines(plan.actions.slice(i, plan_json.CHUNK)).str.join(sep).item()
        for i in range(0, n, plan_json.CHUNK)
    ]
    return text.replace(mark, "[\n    " + sep.join(chunks) + "\n  ]", 1)


def _with_actions(plan: Plan, actions: pl.DataFrame) -> Plan:
    other = copy.copy(plan)  # the module's plans are shared: never change one in place
    other.actions = actions
    return other


def streamed(plan: Plan) -> bytes:
    buf = io.BytesIO()
    write_plan_json(plan, buf)
    return buf.getvalue()


def _plans() -> list[tuple[str, Plan]]:
    plans = [
        (
            "district-flawed+yesterday",
            api.plan(
                str(SAMPLES / "district-flawed"),
                api.Options(previous=str(SAMPLES / "district-yesterday")),
            ),
        ),
        ("district-v12", api.plan(str(SAMPLES / "district-v12"), api.Options(mode="provisioning"))),
    ]
    for folder in sorted(CORPUS.glob("*/*")) if CORPUS.is_dir() else []:
        if (folder / "manifest.csv").is_file() or any(folder.glob("*.csv")):
            plans.append((f"{folder.parent.name}/{folder.name}", api.plan(str(folder))))
    return plans


@pytest.fixture(scope="module")
def plans() -> list[tuple[str, Plan]]:
    return _plans()


def test_streamed_json_is_byte_identical_to_todays(plans: list[tuple[str, Plan]]) -> None:
    assert len(plans) >= 5  # the samples and the corpus
    for name, plan in plans:
        assert streamed(plan) == todays_json(plan).encode(), name


@pytest.mark.parametrize(("chunk", "rows"), [(1, 101), (2, 101), (7, 100), (1000, None)])
def test_streamed_json_across_chunks(
    chunk: int, rows: int | None, plans: list[tuple[str, Plan]], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = plans[0][1]
    plan = _with_actions(first, first.actions.head(rows) if rows else first.actions)
    expected = todays_json(plan).encode()  # at the real chunk size
    monkeypatch.setattr(plan_json, "CHUNK", chunk)
    assert streamed(plan) == expected


@pytest.mark.parametrize("n", [0, 1, 2])
def test_streamed_json_with_few_actions(n: int, plans: list[tuple[str, Plan]]) -> None:
    plan = _with_actions(plans[0][1], plans[0][1].actions.head(n))
    text = streamed(plan)
    assert text == todays_json(plan).encode()
    assert len(json.loads(text)["actions"]) == n


def test_cli_json_stdout_and_file_are_the_same_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = SAMPLES / "district-flawed"
    out = tmp_path / "plan.json"
    run = run_cli(capsys, "plan", str(export), "--format", "json", f"--output=json:{out}")
    assert run.code in (0, 1), run.err
    expected = todays_json(api.plan(str(export)))
    assert run.out == expected
    assert out.read_bytes() == expected.encode()


def _expected_rows(plan: Plan) -> list[dict[str, object]]:
    """The JSON document's actions: what the tables must hold, column for column."""
    return json.loads(streamed(plan))["actions"]  # type: ignore[no-any-return]


def _csv(plan: Plan) -> pl.DataFrame:
    buf = io.BytesIO()
    write_actions_csv(plan, buf)
    return pl.read_csv(buf.getvalue(), infer_schema=False).fill_null("")


def test_csv_has_the_json_actions(plans: list[tuple[str, Plan]]) -> None:
    for name, plan in plans:
        csv = _csv(plan)
        assert tuple(csv.columns) == plan_tables.COLUMNS, name
        got = [
            {
                "entity": r["entity"],
                "id": r["id"],
                "action": r["action"],
                "reasons": r["reasons"].split(";") if r["reasons"] else [],
                "detail": json.loads(r["detail"]),
            }
            for r in csv.iter_rows(named=True)
        ]
        assert got == _expected_rows(plan), name


def test_parquet_has_the_json_actions(plans: list[tuple[str, Plan]]) -> None:
    for name, plan in plans:
        buf = io.BytesIO()
        write_actions_parquet(plan, buf)
        table = pl.read_parquet(buf.getvalue())
        assert tuple(table.columns) == plan_tables.COLUMNS, name
        assert table.schema["reasons"] == pl.List(pl.String)
        got = [{**r, "detail": json.loads(r["detail"])} for r in table.iter_rows(named=True)]
        assert got == _expected_rows(plan), name


def test_csv_guards_formulas_and_parquet_keeps_values(plans: list[tuple[str, Plan]]) -> None:
    hostile = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "a=b", "plain"]
    first = plans[0][1]
    plan = _with_actions(
        first, first.actions.head(len(hostile)).with_columns(id=pl.Series(hostile))
    )
    csv = _csv(plan)
    assert csv["id"].to_list() == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "plain",
    ]  # fmt: skip
    buf = io.BytesIO()
    write_actions_parquet(plan, buf)
    assert pl.read_parquet(buf.getvalue())["id"].to_list() == hostile


def test_cli_writes_tables_redacted_like_the_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = SAMPLES / "district-flawed"
    outs = {f: tmp_path / f"plan.{f}" for f in ("json", "csv", "parquet")}
    args = [f"--output={f}:{p}" for f, p in outs.items()]
    run = run_cli(capsys, "plan", str(export), "--redact", *args)
    assert run.code in (0, 1), run.err
    doc = json.loads(outs["json"].read_text("utf-8"))
    ids = [a["id"] for a in doc["actions"]]
    assert pl.read_csv(outs["csv"], infer_schema=False)["id"].to_list() == ids
    assert pl.read_parquet(outs["parquet"])["id"].to_list() == ids
    plain = api.plan(str(export)).actions["id"].to_list()
    assert ids != plain  # the users' ids are pseudonyms in every table


@pytest.mark.parametrize("command", ["check", "diff"])
def test_tables_are_for_plan_only(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = str(SAMPLES / "district")
    exports = [export, export] if command == "diff" else [export]
    run = run_cli(capsys, command, *exports, f"--output=csv:{tmp_path / 'x.csv'}")
    assert run.code == 2
    assert "cannot write csv" in run.err
    assert not (tmp_path / "x.csv").exists()
