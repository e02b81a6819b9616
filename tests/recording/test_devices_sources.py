"""Device lookup, clear errors without PortAudio, and the sources' block format."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.recording.devices import (
    AudioDeviceError,
    InputDevice,
    find_device,
    format_devices,
    list_input_devices,
)
from meetingapp.engine.recording.source import ArraySource, MixedSource, _Resampler
from meetingapp.errors import MeetingAppError

DEVICES = [
    InputDevice("HDA Intel PCH: ALC257 Analog (hw:0,0)", 0, 2, 44100.0),
    InputDevice("pulse", 1, 32, 44100.0),
    InputDevice("default", 2, 32, 44100.0, is_default=True),
    InputDevice("alsa_output.pci.analog-stereo.monitor", 1, 2, 48000.0, True, "x.monitor"),
    InputDevice("alsa_input.pci.analog-stereo", 1, 2, 48000.0, False, "alsa_input"),
]


def test_find_device_exact_then_unique_substring_then_default():
    assert find_device("PULSE", DEVICES).index == 1
    assert find_device("ALC257", DEVICES).index == 0
    assert find_device("monitor", DEVICES).is_monitor
    assert find_device(None, DEVICES).name == "default"


@pytest.mark.parametrize(
    ("name", "devices", "message"),
    [
        ("usb headset", DEVICES, "No audio input matches 'usb headset'"),
        ("alsa", DEVICES, "matches several inputs"),
        ("pulse", [], "No audio input device found"),
        (None, DEVICES[:2], "no default audio input"),
    ],
)
def test_find_device_errors_say_what_to_do(name, devices, message):
    with pytest.raises(MeetingAppError, match=message):
        find_device(name, devices)


def test_missing_portaudio_is_a_clear_error_not_a_crash(monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioDeviceError, match="apt install libportaudio2"):
        list_input_devices()


def test_device_table_marks_default_and_system_audio():
    table = format_devices(DEVICES).splitlines()
    assert table[2].startswith("* default")
    assert "system audio" in table[3] and "microphone" in table[4]


def test_streaming_resampler_keeps_pitch_and_length_across_blocks():
    rate, hz = 44100, 1000.0
    t = np.arange(3 * rate) / rate
    tone = (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    resample = _Resampler(rate)
    out = np.concatenate([resample(b) for b in np.array_split(tone, 97)])
    assert abs(len(out) - 3 * SAMPLE_RATE) < 0.01 * SAMPLE_RATE
    mid = out[SAMPLE_RATE : 2 * SAMPLE_RATE]
    peak = np.fft.rfftfreq(len(mid), 1 / SAMPLE_RATE)[np.argmax(np.abs(np.fft.rfft(mid)))]
    assert abs(peak - hz) < 2
    # No clicks at block joins: the waveform stays a clean sine.
    assert np.abs(np.diff(mid)).max() < 2 * np.pi * hz / SAMPLE_RATE * 0.5 * 1.05


def test_array_and_mixed_sources_yield_16k_blocks(standup):
    a = ArraySource(standup[:SAMPLE_RATE], block_s=0.1)
    b = ArraySource(np.full(SAMPLE_RATE, 0.9, dtype=np.float32), block_s=0.1)
    blocks = list(MixedSource([a, b]).blocks())
    assert [len(x) for x in blocks] == [1600] * 10
    mixed = np.concatenate(blocks)
    assert mixed.dtype == np.float32 and mixed.max() <= 1.0
    np.testing.assert_allclose(mixed, np.clip(standup[:SAMPLE_RATE] + 0.9, -1, 1), atol=1e-6)
