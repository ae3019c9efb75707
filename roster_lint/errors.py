"""The one exception that ends a run with exit code 2 and one line on stderr."""


class UsageError(Exception):
    """Could not run: bad arguments, missing path, not an export, unsafe archive."""
