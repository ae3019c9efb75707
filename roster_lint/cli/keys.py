"""redact-key init: make the district's redaction key."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from roster_lint.cli.app import app, stderr
from roster_lint.errors import UsageError

key_app = typer.Typer(help="The district's key for --redact pseudonyms.")
app.add_typer(key_app, name="redact-key")


@key_app.command("init")
def redact_key_init(
    path: Annotated[
        str, typer.Argument(help="Where to write the new key (must not exist).", metavar="PATH")
    ],
) -> None:
    """Write a new random key to PATH (readable by you only).

    Name it in the config (redact_key_file = "PATH") or export it as ROSTER_LINT_REDACT_KEY:
    then --redact gives each person the same pseudonym on every day's export, and `why`
    accepts those pseudonyms.  Keep it secret: with it, a guessed e-mail can be tested."""
    from roster_lint.report.redact import new_key_text

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} exists; a key is never overwritten") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(new_key_text() + "\n")
    stderr.print(f"wrote redaction key {path}", markup=False)
