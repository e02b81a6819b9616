"""A private PulseAudio daemon with virtual devices, for real capture tests.

Each ``module-null-sink`` is a virtual output; its ``.monitor`` source is what
a recording of "system audio" reads. Audio played into the sink with
``paplay`` comes out of the monitor, through PortAudio's ALSA ``pulse``
device, exactly as a call's audio would on a desktop.
Needs the Debian packages pulseaudio, pulseaudio-utils, libasound2-plugins
and libportaudio2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio

PACKAGES = "pulseaudio pulseaudio-utils libasound2-plugins libportaudio2"


def require_pulseaudio() -> None:
    missing = [t for t in ("pulseaudio", "pactl", "paplay") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (apt install {PACKAGES})")


@contextmanager
def pulse_server(folder: Path, sinks: tuple[str, ...]) -> Iterator[subprocess.Popen]:
    """Run a daemon whose only devices are null sinks; clients find it via PULSE_SERVER."""
    require_pulseaudio()
    folder.mkdir(parents=True, exist_ok=True)
    socket = folder / "native"
    script = folder / "default.pa"
    lines = [f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}"]
    lines += [f"load-module module-null-sink sink_name={s} rate=48000" for s in sinks]
    script.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder)}
    daemon = subprocess.Popen(
        ["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1"]
        + ["--system=false", "--disallow-exit", "--log-target=stderr"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    saved = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = f"unix:{socket}"
    try:
        deadline = time.monotonic() + 20
        while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
            if daemon.poll() is not None or time.monotonic() > deadline:
                err = daemon.stderr.read().decode() if daemon.poll() is not None else ""
                raise RuntimeError(f"pulseaudio did not start: {err[-2000:]}")
            time.sleep(0.1)
        yield daemon
    finally:
        daemon.kill()
        daemon.wait()
        if saved is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = saved


def as_wav(source: Path, folder: Path) -> Path:
    """A 16-bit WAV copy: paplay (libsndfile) plays some FLAC files too fast."""
    samples = load_audio(source).samples
    path = folder / f"{source.stem}.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def play(sink: str, path: Path) -> subprocess.Popen:
    """Play a WAV file into a virtual sink (what a call app would do)."""
    return subprocess.Popen(["paplay", f"--device={sink}", str(path)])
