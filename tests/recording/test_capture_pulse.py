"""Real capture through PortAudio from a virtual PulseAudio device playing eval speech."""

from __future__ import annotations

import threading
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from pulse_server import as_wav, play, pulse_server
from recording_helpers import EVAL, words

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio
from meetingapp.engine.recording.autorecord import AutoRecordSettings, RecorderState
from meetingapp.engine.recording.devices import (
    RecordingInterrupted,
    find_device,
    list_input_devices,
)
from meetingapp.engine.recording.live import LiveText
from meetingapp.engine.recording.session import RecordControls, record

JFK = EVAL / "asr" / "jfk" / "jfk.flac"
EXPECTED = words(JFK.with_suffix(".txt").read_text())


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    with pulse_server(tmp_path_factory.mktemp("pulse"), ("meetsink", "othersink")) as daemon:
        yield daemon


@pytest.fixture(scope="module")
def jfk_wav(tmp_path_factory) -> Path:
    return as_wav(JFK, tmp_path_factory.mktemp("jfk"))


class _Background:
    """``record()`` in a thread; ``started`` is set when the first audio arrived."""

    def __init__(self, on_status: Callable | None = None, **kwargs) -> None:
        self.started = threading.Event()
        self.paths: list[Path] = []
        self.error: Exception | None = None
        self.controls = RecordControls()

        def status(s) -> None:
            if s.state != RecorderState.IDLE:
                self.started.set()
            if on_status is not None:
                on_status(s)

        def run() -> None:
            try:
                self.paths = record(on_status=status, controls=self.controls, **kwargs)
            except Exception as e:  # noqa: BLE001 - re-raised in the test thread
                self.error = e
            finally:
                self.started.set()

        self.thread = threading.Thread(target=run, daemon=True)  # a hung device must not hang exit
        self.thread.start()
        assert self.started.wait(20), "no audio arrived from the device"

    def join(self) -> list[Path]:
        self.thread.join(60)
        assert not self.thread.is_alive()
        if self.error is not None:
            raise self.error
        return self.paths


def _tone(path: Path, hz: float, seconds: float) -> Path:
    t = np.arange(int(seconds * 48000)) / 48000
    pcm = (0.3 * np.sin(2 * np.pi * hz * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(pcm.tobytes())
    return path


def test_monitor_sources_are_listed_and_found(pulse):
    devices = list_input_devices()
    monitors = {d.name for d in devices if d.is_monitor}
    assert {"meetsink.monitor", "othersink.monitor"} <= monitors
    assert find_device("meetsink").pulse_source == "meetsink.monitor"
    assert find_device("pulse").pulse_source is None


@pytest.mark.slow
def test_records_system_audio_with_live_transcript(pulse, jfk_wav, tmp_path, whisper, transcribe):
    texts: list[LiveText] = []
    rec = _Background(
        out_dir=tmp_path,
        device="meetsink.monitor",
        max_duration=14.0,
        live_model=whisper,
        on_text=texts.append,
    )
    player = play("meetsink", jfk_wav)
    paths = rec.join()
    player.wait(10)
    (path,) = paths
    assert 13.5 <= load_audio(path).duration <= 14.5
    heard = transcribe(path)
    assert len(set(EXPECTED) & set(heard)) >= 0.8 * len(set(EXPECTED)), heard
    live = words(texts[-1].text)
    assert len(texts) >= 3, "the live transcript should grow while recording"
    assert len(set(EXPECTED) & set(live)) >= 0.8 * len(set(EXPECTED)), live


@pytest.mark.slow
def test_auto_record_from_a_device_starts_before_the_first_word(
    pulse, jfk_wav, tmp_path, transcribe
):
    rec = _Background(
        out_dir=tmp_path,
        device="meetsink.monitor",
        auto=True,
        auto_settings=AutoRecordSettings(hangover_s=3.0),
        max_duration=16.0,
    )
    threading.Event().wait(1.5)  # silence first: nothing must be recorded yet
    player = play("meetsink", jfk_wav)
    paths = rec.join()
    player.wait(10)
    (path,) = paths
    heard = transcribe(path)
    assert heard[:3] == EXPECTED[:3], heard


def test_microphone_and_system_audio_are_mixed(pulse, tmp_path):
    low, high = _tone(tmp_path / "low.wav", 440, 6), _tone(tmp_path / "high.wav", 1500, 6)
    rec = _Background(
        out_dir=tmp_path / "rec", device=["meetsink.monitor", "othersink.monitor"], max_duration=4
    )
    players = [play("meetsink", low), play("othersink", high)]
    (path,) = rec.join()
    for p in players:
        p.kill()
        p.wait()
    x = load_audio(path).samples[-2 * SAMPLE_RATE :]
    spectrum = np.abs(np.fft.rfft(x))
    freqs = np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)
    peaks = sorted(freqs[np.argsort(spectrum)[-2:]])
    assert abs(peaks[0] - 440) < 5 and abs(peaks[1] - 1500) < 5, peaks


def test_device_vanishing_mid_recording_saves_what_was_recorded(tmp_path):
    with pulse_server(tmp_path / "pulse", ("meetsink",)) as daemon:
        rec = _Background(out_dir=tmp_path / "rec", device="meetsink.monitor")
        assert rec.started.wait(30), "the recording never started"
        threading.Event().wait(1.5)  # mid-recording: some audio is on disk
        daemon.kill()
        with pytest.raises(RecordingInterrupted, match="stopped delivering") as err:
            rec.join()
    (path,) = err.value.paths
    assert load_audio(path).duration >= 1.0
    assert not list((tmp_path / "rec").glob("*.part"))
