"""The Markdown step summary: totals, top rules, escaping, plan totals."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from roster_lint.report.markdown import check_markdown, esc, plan_markdown
from tests.report.test_outputs_support import finding, plan_of, result_with


def _table_rows(md: str, header: str) -> list[list[str]]:
    lines = md.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return rows


def test_totals_and_top_rules(tmp_path: Path) -> None:
    rows = [finding("RL400", "error", file="users.csv", line=i) for i in range(2, 5)]
    rows += [finding("RL401", "warning", file="orgs.csv", message="<script>x</script> | y")]
    md = check_markdown(result_with(tmp_path, rows))
    assert md.startswith("## roster-lint check: failed")
    assert _table_rows(md, "| errors | warnings | info |") == [["3", "1", "0"]]
    top = _table_rows(md, "| rule | severity | findings | title |")
    assert [(r[0].split()[0], r[2]) for r in top] == [("`RL400`", "3"), ("`RL401`", "1")]
    assert "<script>" not in md


def test_escape_neutralises_markup() -> None:
    assert esc("a|b") == "a\\|b"
    assert esc("<img src=x>") == "&lt;img src=x&gt;"
    assert esc("[x](http://e)") == "\\[x\\](http://e)"  # no link without its brackets
    assert esc("`code` *b* ~s~ _em_ a\\b") == "\\`code\\` \\*b\\* \\~s\\~ \\_em\\_ a\\\\b"
    assert "\n" not in esc("a\nb")


def test_escape_leaves_alone_what_markdown_does_not_act_on() -> None:
    """A ticket system that shows Markdown as text must not show \\( and \\#."""
    text = "3 rows (12%) #4 + more! snake_case_id first.last@x.org"
    assert esc(text) == text


def test_rules_are_severity_first_not_by_count(tmp_path: Path) -> None:
    rows = [finding("RL302", "info", file="users.csv", line=i) for i in range(2, 12)]
    rows += [finding("RL401", "warning", file="orgs.csv", line=i) for i in range(2, 5)]
    rows += [finding("RL400", "error", file="users.csv", line=40)]
    top = _table_rows(
        check_markdown(result_with(tmp_path, rows)), "| rule | severity | findings | title |"
    )
    assert [(r[1], r[2]) for r in top] == [("error", "1"), ("warning", "3"), ("info", "10")]


def test_plan_totals_in_check_and_plan_summaries(tmp_path: Path) -> None:
    plan = plan_of(
        [
            {"entity": "user", "id": "u1", "action": "create"},
            {"entity": "user", "id": "u2", "action": "create"},
            {"entity": "user", "id": "u3", "action": "skip", "reasons": ["role-not-provisioned"]},
        ]
    )
    result = dataclasses.replace(result_with(tmp_path, []), plan=plan)
    for md in (check_markdown(result), plan_markdown(plan)):
        rows = _table_rows(md, "| entity | action | count |")
        assert rows == [["user", "create", "2"], ["user", "skip", "1"]]
