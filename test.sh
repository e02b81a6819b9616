#!/usr/bin/env bash
# Set up (first run only), lint, and run the whole test suite; pytest options pass through.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/packaging/setup.sh" test
cd "$here"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
