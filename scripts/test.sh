#!/usr/bin/env bash
# The test command the README names: lint, types, then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
"$PY" -m ruff check roster_lint tests benchmarks scripts
"$PY" -m ruff format --check roster_lint tests benchmarks scripts
"$PY" -m mypy
"$PY" -m pytest -n 2 -q --durations=8 "$@"
