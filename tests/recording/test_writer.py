"""Crash-safe writing: valid while written, recoverable after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
from recording_helpers import STANDUP

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio
from meetingapp.engine.recording.writer import (
    HEADER_BYTES,
    WavWriter,
    new_recording_path,
    recover_interrupted,
)

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from pathlib import Path
from meetingapp.engine.audio import load_audio
from meetingapp.engine.recording.session import record
from meetingapp.engine.recording.source import ArraySource
audio = load_audio(Path(sys.argv[2])).samples
record(Path(sys.argv[1]), source=ArraySource(audio, realtime=True))
"""


def _read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0


def test_part_file_is_a_valid_wav_while_recording(tmp_path, standup):
    path = new_recording_path(tmp_path)
    writer = WavWriter(path, flush_interval_s=0.0)
    writer.write(standup[:SAMPLE_RATE])
    writer.write(standup[SAMPLE_RATE : 3 * SAMPLE_RATE])
    live = _read_wav(writer.part)
    assert len(live) == 3 * SAMPLE_RATE
    assert np.abs(live - standup[: 3 * SAMPLE_RATE]).max() < 1e-4
    assert writer.close() == path and not writer.part.exists()
    assert len(_read_wav(path)) == 3 * SAMPLE_RATE


def test_recover_skips_recordings_in_progress_and_drops_empty_leftovers(tmp_path, standup):
    busy = WavWriter(new_recording_path(tmp_path, "busy"))
    busy.write(standup[:SAMPLE_RATE])
    empty = tmp_path / "empty.wav.part"
    empty.write_bytes(b"RIFF")
    assert recover_interrupted(tmp_path) == []
    assert busy.part.exists() and not empty.exists()
    assert busy.close() is not None


def test_killed_recording_is_recovered_with_its_audio(tmp_path, standup):
    """SIGKILL a process recording in real time; the leftover becomes a full WAV."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), str(STANDUP)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("*.wav.part")):
            assert child.poll() is None and time.monotonic() < deadline, "child never recorded"
            time.sleep(0.02)
        started = time.monotonic()
        time.sleep(7.0)
        child.send_signal(signal.SIGKILL)
        elapsed = time.monotonic() - started
    finally:
        child.kill()
        child.wait()
    (part,) = tmp_path.glob("*.wav.part")
    (path,) = recover_interrupted(tmp_path)
    assert path == part.with_name(part.name.removesuffix(".part"))
    got = load_audio(path).samples
    assert len(got) / SAMPLE_RATE >= elapsed - 5.0
    # Measured: a kill loses at most the block in flight.
    assert len(got) / SAMPLE_RATE >= elapsed - 0.5, (len(got) / SAMPLE_RATE, elapsed)
    assert np.abs(got - standup[: len(got)]).max() < 1e-4
    assert path.stat().st_size == HEADER_BYTES + 2 * len(got)
    assert recover_interrupted(tmp_path) == []
