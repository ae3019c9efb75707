"""`rules`, `explain` and docs/rules/: every view of the catalogue is generated from it."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from roster_lint.catalogue import Example, Rule, catalogue
from roster_lint.examples import changed_files


def rule_dict(rule: Rule) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "title": rule.title,
        "severity": rule.severity.value,
        "group": rule.group,
        "source": rule.source,
        "rationale": rule.rationale,
        "fix": rule.fix,
        "sync": rule.sync,
        "follows": [
            {"code": k.code, "on": k.on, **({"file": k.file} if k.file else {})}
            for k in rule.follows
        ],
    }


def _follows_md(rule: Rule) -> list[str]:
    """Which findings this rule's findings are shown under (catalogue `follows`)."""
    if not rule.follows:
        return []
    from roster_lint.catalogue import LINK_KEYS

    lines = ["## Follows from", ""]
    for k in rule.follows:
        where = f" in {k.file}" if k.file else ""
        lines.append(f"- {k.code}{where}, on {k.on}: {LINK_KEYS[k.on]}")
    lines += [
        "",
        "A finding that follows from one of these is shown under it, not as a problem of its "
        "own, and carries `cause` in the JSON.",
        "",
    ]
    return lines


def render_list(console: Console, fmt: str) -> None:
    rules = catalogue().rules
    if fmt == "json":
        console.file.write(json.dumps([rule_dict(r) for r in rules], indent=2) + "\n")
        return
    table = Table(title="roster-lint rules", show_lines=False)
    for col in ("code", "name", "severity", "source", "title"):
        table.add_column(col, overflow="fold")
    for r in rules:
        table.add_row(r.code, r.name, r.severity.value, r.source, escape(r.title))
    console.print(table)


def _expectation(item: dict[str, object]) -> str:
    where = ", ".join(f"{k} `{v}`" for k, v in item.items())
    return f"- {where}"


def _example_md(ex: Example) -> str:
    parts = []
    if ex.description:
        parts.append(ex.description)
    if ex.args:
        parts.append(f"Run with `{' '.join(ex.args)}`.")
    if ex.previous is not None:
        parts.append("With `--previous` pointing at an earlier export of the same district.")
    changed = changed_files(ex.base, ex.patch)
    if not changed:
        parts.append(f"The unchanged example export (`rules/examples/{ex.base}/`).")
    for name, text in changed.items():
        # a limit's example holds a huge line: show its start
        lines = [ln if len(ln) <= 1000 else ln[:200] + "…" for ln in text.splitlines()]
        shown = "\n".join(lines[:8]) + ("\n…" if len(lines) > 8 else "")
        parts.append(f"`{name}`:\n\n```csv\n{shown}\n```")
    if ex.expect:
        parts.append("roster-lint reports:\n\n" + "\n".join(_expectation(e) for e in ex.expect))
    if ex.expect_plan:
        parts.append("The plan predicts:\n\n" + "\n".join(_expectation(e) for e in ex.expect_plan))
    return "\n\n".join(parts)


def _retired_note(rule: Rule) -> list[str]:
    if not rule.retired:
        return []
    codes = ", ".join(rule.retired)
    return [
        "",
        f"Replaces the retired {codes} (never reused: `explain`, `--select` and `--ignore` "
        f"still accept it and mean {rule.code}).",
    ]


def rule_markdown(rule: Rule) -> str:
    """The rule page (ruff's sections), used by `explain` and docs/rules/."""
    return "\n".join(
        [
            f"# {rule.code} {rule.name}",
            "",
            f"**{rule.title}**",
            "",
            f"Default severity: `{rule.severity.value}` · Source: {rule.source} "
            f"· Group: {rule.group}",
            *_retired_note(rule),
            "",
            "## Why is this bad?",
            "",
            rule.rationale,
            "",
            "## What the Summit K12 sync does",
            "",
            rule.sync,
            "",
            "## How to fix it",
            "",
            rule.fix,
            "",
            *_follows_md(rule),
            "## Example",
            "",
            _example_md(rule.failing),
            "",
            "## Use instead",
            "",
            _example_md(rule.passing),
            "",
        ]
    )


def render_rule(console: Console, rule: Rule, fmt: str) -> None:
    if fmt == "json":
        console.file.write(json.dumps(rule_dict(rule), indent=2) + "\n")
        return
    from rich.markdown import Markdown

    console.print(Markdown(rule_markdown(rule)))


def docs_pages() -> dict[str, str]:
    """Every generated page under docs/rules/, by file name."""
    rules = catalogue().rules
    pages = {f"{r.code}-{r.name}.md": rule_markdown(r) for r in rules}
    index = [
        "# Rule catalogue",
        "",
        "Generated from `rules/catalogue/*.toml` by",
        "`python -m roster_lint.report.catalogue_view`; do not edit by hand.",
        "",
        "| code | name | severity | source | title |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        index.append(
            f"| [{r.code}]({r.code}-{r.name}.md) | `{r.name}` | {r.severity.value} "
            f"| {r.source} | {r.title.replace('|', '/')} |"
        )
    retired = catalogue().retired
    if retired:
        index += [
            "",
            "## Retired codes",
            "",
            "Codes are never reused; a retired one still works in `explain`, `--select` and",
            "`--ignore`, and means the rule that replaced it.",
            "",
            "| retired code | now |",
            "|---|---|",
        ]
        by_code = catalogue().by_code
        for old, new in sorted(retired.items()):
            r = by_code[new]
            index.append(f"| {old} | [{new}]({new}-{r.name}.md) `{r.name}` |")
    pages["README.md"] = "\n".join(index) + "\n"
    return pages


def write_docs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pages = docs_pages()
    for stale in folder.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_docs(Path(__file__).resolve().parents[2] / "docs" / "rules")
