#!/usr/bin/env bash
# Set up (first run only), lint, and run the whole test suite; pytest options pass through.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/packaging/setup.sh" test
cd "$here"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The desktop-app tests run in a process of their own: Qt's event loop stays clear of
# the garbage hundreds of engine tests leave behind. Exit 5 means "no test matched".
.venv/bin/python -m pytest --ignore=tests/ui "$@" || [ $? -eq 5 ]
.venv/bin/python -m pytest tests/ui "$@" || [ $? -eq 5 ]
