"""`why` for a person: the decision, then each step of the trace, one mark per step.

Laid out as lines, not a table: a step's detail holds e-mails and file:line references
that a support ticket needs whole, and a table column at 80 columns (CI logs, pipes) would
cut them.  Each step is `✓ step: what the data says`, wrapped between words with the
continuation indented, and no line ends in a space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from roster_lint.report.terminal import clean, print_lines, wrapped

if TYPE_CHECKING:
    from roster_lint.predict.model import WhyResult

HANG = 4  # indent of a step's wrapped lines, under its text rather than its mark


def _mark(step: dict[str, Any]) -> Text:
    # ✓ passed, ✗ blocks, ? could not be judged (its data could not be read); a passed
    # step can still carry a warning (no e-mail: created, cannot sign in)
    if step["ok"] is None:
        return Text("?", style="dim")
    if not step["ok"]:
        return Text("✗", style="red")
    if "warning" in step.get("data", {}):
        return Text("!", style="yellow")
    return Text("✓", style="green")


def render_why(why: WhyResult, console: Console) -> None:
    reasons = ", ".join(clean(r) for r in why.reasons) or "none"
    head = Text()
    head.append(f"{why.entity} {clean(why.id)}: {why.action}", style="bold")
    head.append(f"  (reasons: {reasons})")
    lines = wrapped(console, head, hang=HANG)
    for step in why.trace:
        line = _mark(step)
        line.append(" ")
        line.append(clean(step["step"]), style="bold")
        detail = clean(step["detail"])
        if detail:
            line.append(f": {detail}")
        lines += wrapped(console, line, hang=HANG)
    if why.notes:
        lines.append(Text())
    for note in why.notes:
        lines += wrapped(console, Text(clean(note), style="dim"), hang=2)
    print_lines(console, lines)
