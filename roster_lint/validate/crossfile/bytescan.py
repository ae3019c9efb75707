"""The byte screen lives in the core (roster_lint.bytescan) so that report/ may use it too
(tests/test_layers.py); validate keeps its old import path."""

from roster_lint.bytescan import (
    ByteTest,
    is_plain,
    marked_rows,
    may_hold_control,
)

__all__ = ["ByteTest", "is_plain", "marked_rows", "may_hold_control"]
