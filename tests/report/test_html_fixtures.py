"""Builders shared by the text and HTML report tests (no tests here).

Results are built from a real base export (loaded with the project's loader) plus
hand-made findings and a hand-made Plan, so the renderers are tested on their own,
whatever the validators and the plan engine produce today.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from roster_lint import api
from roster_lint.examples import materialise
from roster_lint.findings import FINDING_SCHEMA, sort_findings
from roster_lint.load import load_export
from roster_lint.predict.model import ACTION_SCHEMA, FollowUp, Plan, RootCause

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "{{ 7*7 }}",
    "[red]x[/red]",
    "[bold]",
    "[/]",
    "http://evil.example/x.png",
]


def finding(code: str, severity: str, line: int | None, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c: None for c in FINDING_SCHEMA}
    row.update(code=code, name=kw.pop("name", f"rule-{code.lower()}"), severity=severity, line=line)
    row.update(file=kw.pop("file", "users.csv"), message=kw.pop("message", "Something is off."))
    row.update(kw)
    return row


def findings_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return sort_findings(pl.DataFrame(rows, schema=FINDING_SCHEMA))


def action(entity: str, ident: str, act: str, reasons: list[str], **kw: Any) -> dict[str, Any]:
    return {
        "entity": entity,
        "id": ident,
        "action": act,
        "reasons": reasons,
        "detail": json.dumps(kw.get("detail", {}), sort_keys=True, separators=(",", ":")),
        "school": kw.get("school", "sch1"),
        "file": kw.get("file", f"{entity}s.csv"),
        "line": kw.get("line", 2),
    }


def make_plan(extra_users: int = 0, hostile: bool = True) -> Plan:
    rows = [
        action("school", "sch1", "sync", []),
        action("school", "sch2", "skip", ["school-missing-nces-id"], school="sch2"),
        action("user", "tch1", "create", [], detail={"summit_role": "Teacher"}),
        action("user", "stu1", "create", [], detail={"summit_role": "Student"}),
        action("user", "stu2", "skip", ["school-missing-nces-id"], school="sch2"),
        action("user", "par1", "skip", ["role-not-provisioned"]),
        action("class", "k1", "split", ["mixed-grade-class"], detail={"grades": {"07": 2}}),
        action("course", "c1", "unverified", ["course-mapping-unverified"]),
        action("enrollment", "k1_stu1", "enroll", []),
        action("enrollment", "k1_stu2", "skip", ["enrollment-user-not-provisioned"]),
    ]
    if hostile:
        rows += [action("user", h, "skip", ["role-not-provisioned"]) for h in HOSTILE]
    rows += [action("user", f"bulk{i:06d}", "create", []) for i in range(extra_users)]
    actions = pl.DataFrame(rows, schema=ACTION_SCHEMA)
    audience = pl.DataFrame(
        {
            "school": ["sch1", "sch1", "sch1", "sch3"],
            "school_name": ["Example Middle School", "Example Middle School", "<b>Oak</b>", "Elm"],
            "summit_role": ["Student", "Student", "Teacher", "Student"],
            "grade": ["07", "KG", None, "12"],
            "users": [120, 30, 12, 7],
        }
    )
    return Plan(
        profile="summit-k12",
        mode="full",
        actions=actions,
        audience=audience,
        root_causes=[
            RootCause(
                "school-missing-nces-id",
                "school",
                "sch2",
                "Cedar <Academy>",
                {"user": 1},
                "School Cedar <Academy> has no NCES ID.",
            )
        ],
        followups=[FollowUp("map-course", "course", "c1", "Ask support to map <course> c1.")],
        notes=["The nightly sync starts around 10 pm Central."],
        licences_new=1,
    )


def base_export(tmp: Path, patch: list[dict[str, Any]] | None = None) -> str:
    return str(materialise("base-1.1", patch or [], tmp / "now"))


def make_result(
    tmp: Path,
    rows: list[dict[str, Any]] | None = None,
    plan: Plan | None = None,
    fail_on: str = "error",
) -> api.CheckResult:
    path = base_export(tmp)
    export = load_export(path)
    opts = api.Options(fail_on=fail_on)
    return api.CheckResult(
        export=export, findings=findings_frame(rows or []), options=opts, plan=plan
    )


def hostile_rows() -> list[dict[str, Any]]:
    """One rule per hostile value, so the text report (5 examples a rule) shows them all."""
    rows = [
        finding(
            f"RL{901 + i}",
            "error",
            3 + i,
            column="givenName",
            value=h,
            sourced_id=h,
            message=f"Bad {h}.",
        )
        for i, h in enumerate(HOSTILE)
    ]
    rows.append(finding("RL950", "warning", None, file=None, message="Export-level [b]note[/b]."))
    rows.append(finding("RL951", "info", 2, file="orgs.csv", value="\x1b[31mred\u202e"))
    return rows


class Node:
    """A tiny DOM from html.parser, enough to assert on elements and their text."""

    VOID = frozenset(
        [
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        ]
    )

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> list[Node]:
        out: list[Node] = [self]
        for c in self.children:
            if isinstance(c, Node):
                out.extend(c.iter())
        return out

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        def ok(n: Node) -> bool:
            if tag is not None and n.tag != tag:
                return False
            for k, v in attrs.items():
                have = n.attrs.get(k.rstrip("_"))
                if k.rstrip("_") == "class":
                    if v not in (have or "").split():
                        return False
                elif have != v:
                    return False
            return True

        return [n for n in self.iter()[1:] if ok(n)]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]


def parse_html(text: str) -> Node:
    from html.parser import HTMLParser

    root = Node("#root", {}, None)

    class P(HTMLParser):
        cur = root

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            node = Node(tag, dict(attrs), self.cur)
            self.cur.children.append(node)
            if tag not in Node.VOID:
                self.cur = node

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.cur.children.append(Node(tag, dict(attrs), self.cur))

        def handle_endtag(self, tag: str) -> None:
            n: Node | None = self.cur
            while n is not None and n.tag != tag:
                n = n.parent
            if n is not None and n.parent is not None:
                self.cur = n.parent

        def handle_data(self, data: str) -> None:
            self.cur.children.append(data)

    p = P(convert_charrefs=True)
    p.feed(text)
    p.close()
    return root
