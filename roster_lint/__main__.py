from roster_lint.cli import entry

entry()
