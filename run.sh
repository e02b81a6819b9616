#!/usr/bin/env bash
# Set up (first run only) and start meetingapp; arguments go to the app, e.g.
#   ./run.sh transcribe recording.m4a
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/packaging/setup.sh" app
exec "$here/.venv/bin/meetingapp" "$@"
