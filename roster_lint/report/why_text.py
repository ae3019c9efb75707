"""`why` for a person: the decision, then each step of the trace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from roster_lint.report.terminal import markup_safe as escape

if TYPE_CHECKING:
    from roster_lint.predict.model import WhyResult


def render_why(why: WhyResult, console: Console) -> None:
    reasons = ", ".join(why.reasons) or "none"
    console.print(
        f"[bold]{why.entity} {escape(why.id)}[/]: [bold]{why.action}[/]  (reasons: {reasons})"
    )
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("", width=2)
    table.add_column("check")
    table.add_column("what the data says", overflow="fold")
    for step in why.trace:
        # ✓ passed, ✗ blocks, ? could not be judged (its data could not be read); a passed
        # step can still carry a warning (no e-mail: created, cannot sign in)
        warn = "warning" in step.get("data", {})
        mark = (
            "[dim]?[/]"
            if step["ok"] is None
            else "[red]✗[/]"
            if not step["ok"]
            else "[yellow]![/]"
            if warn
            else "[green]✓[/]"
        )
        table.add_row(mark, escape(step["step"]), escape(str(step["detail"])))
    console.print(table)
    for note in why.notes:
        console.print(f"[dim]{escape(note)}[/]")
