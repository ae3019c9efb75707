"""`rules`, `explain` and docs/rules/: every view of the catalogue is generated from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rich.console import Console
from rich.text import Text

from roster_lint.catalogue import Example, Rule, catalogue
from roster_lint.examples import changed_files
from roster_lint.report.terminal import clean, print_lines, wrapped


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
            {
                "code": k.code,
                "on": k.on,
                **({"file": k.file} if k.file else {}),
                **({"column": k.column} if k.column else {}),
            }
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
        where += f" {k.column}" if k.column else ""
        lines.append(f"- {k.code}{where}, on {k.on}: {LINK_KEYS[k.on]}")
    lines += [
        "",
        "A finding that follows from one of these is shown under it, not as a problem of its "
        "own, and carries `cause` in the JSON.",
        "",
    ]
    return lines


CODE_WIDTH = 5  # RL123
SEVERITY_WIDTH = 7  # warning
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def render_list(console: Console, fmt: str) -> None:
    rules = catalogue().rules
    if fmt == "json":
        console.file.write(json.dumps([rule_dict(r) for r in rules], indent=2) + "\n")
        return
    # One rule per line (code, severity, name, then its title, wrapped under the name):
    # a table cannot give a 39-character rule name and a title room at 80 columns
    # without cutting one of them, and a line per rule stays greppable.
    lines = [Text(f"roster-lint rules ({len(rules)})", style="bold"), Text()]
    hang = CODE_WIDTH + 1 + SEVERITY_WIDTH + 1
    for r in rules:
        line = Text(f"{r.code:<{CODE_WIDTH}} ")
        line.append(
            f"{r.severity.value:<{SEVERITY_WIDTH}} ", style=SEVERITY_STYLE[r.severity.value]
        )
        line.append(r.name, style="bold")
        line.append(f"  {clean(r.title)}")
        lines += wrapped(console, line, hang=hang)
    lines += [Text(), Text("roster-lint explain RULE shows a rule's page.", style="dim")]
    print_lines(console, lines)


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
    print_lines(console, page_lines(console, rule_markdown(rule)))


def _inline(text: str, style: str = "") -> Text:
    """A Markdown line's text: `code` shown without its ticks, **bold** as bold."""
    out = Text(style=style)
    for n, part in enumerate(re.split(r"(`[^`]*`|\*\*[^*]+\*\*)", text)):
        if n % 2 == 0:
            out.append(clean(part))
        elif part.startswith("**"):
            out.append(clean(part[2:-2]), style="bold")
        else:
            out.append(clean(part[1:-1]), style="cyan")
    return out


def page_lines(console: Console, markdown: str) -> list[Text]:
    """The rule page for a terminal, from the Markdown `rule_markdown` writes: paragraphs
    wrapped between words, example files verbatim.  Not rich's Markdown, which pads every
    line to the width and crops an example's CSV at it, cutting off the very column
    "Use instead" is about."""
    out: list[Text] = []
    paragraph: list[str] = []
    code: list[str] | None = None

    def flush() -> None:
        if paragraph:
            text = " ".join(p.strip() for p in paragraph)
            bullet = text.startswith("- ")
            body = _inline("• " + text[2:] if bullet else text)
            out.extend(wrapped(console, body, hang=2 if bullet else 0))
            paragraph.clear()

    for line in markdown.splitlines():
        if code is not None:  # inside ``` ... ```: the file's lines as they are
            if line.startswith("```"):
                out.extend(Text("  " + clean(c)) if c.strip() else Text() for c in code)
                code = None
            else:
                code.append(line)
        elif line.startswith("```"):
            flush()
            code = []
        elif line.startswith("#"):
            flush()
            out.append(_inline(line.lstrip("#").strip(), style="bold"))
        elif not line.strip():
            flush()
            if out and out[-1].plain:
                out.append(Text())
        elif line.startswith("- "):  # one bullet per line
            flush()
            paragraph.append(line)
            flush()
        else:
            paragraph.append(line)
    flush()
    while out and not out[-1].plain:
        out.pop()
    return out


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
