#!/usr/bin/env bash
# Build dist/meetingapp: one executable file for x86-64 Linux with the interpreter, the
# app, Qt, the native libraries and the offline model packs inside; plus
# dist/meetingapp.desktop. Takes ~10 minutes on 2 cores.
#   packaging/build.sh
# How: PyInstaller freezes the app into a folder (packaging/meetingapp.spec), and
# packaging/pack.py appends that folder, compressed, to a small static launcher
# (packaging/launcher.c) that unpacks it once per version into ~/.cache/meetingapp/<id>
# and starts it from there on every run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/packaging/setup.sh" app
py=.venv/bin/python
if ! "$py" -c 'import PyInstaller' 2>/dev/null; then
  echo "build: installing PyInstaller into .venv" >&2
  "$py" -m pip install -q --disable-pip-version-check "pyinstaller>=6.10,<7" >&2
fi
# The launcher is C, linked statically against zlib.
if ! command -v gcc >/dev/null || [ ! -f /usr/include/zlib.h ]; then
  command -v apt-get >/dev/null || { echo "build: needs gcc and zlib (headers)" >&2; exit 1; }
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "build: installing gcc and zlib1g-dev" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    gcc libc6-dev zlib1g-dev >&2
fi

work=build/pyinstaller
mkdir -p "$work" dist
start=$(date +%s)
echo "build: freezing the app (PyInstaller)" >&2
"$py" -m PyInstaller --noconfirm --log-level WARN --workpath "$work/work" \
  --distpath "$work/dist" packaging/meetingapp.spec
echo "build: compiling the launcher" >&2
gcc -O2 -Wall -Wno-format-truncation -static -o "$work/launcher" packaging/launcher.c -lz
echo "build: packing" >&2
"$py" packaging/pack.py "$work/launcher" "$work/dist/meetingapp" dist/meetingapp
"$py" -c 'import sys; from meetingapp.desktop_entry import desktop_entry
from pathlib import Path; sys.stdout.write(desktop_entry(Path(sys.argv[1])))' \
  "$root/dist/meetingapp" > dist/meetingapp.desktop
echo "build: dist/meetingapp ($(du -m dist/meetingapp | cut -f1) MB) in $(($(date +%s) - start)) s" >&2
