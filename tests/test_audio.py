"""Decoding: every common container/codec becomes 16 kHz mono of the right length."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from evaldata import JFK
from media import encode

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio, probe, recorded_at

FORMATS = [
    ("wav", "pcm_s16le", 16000, 2, False),
    ("flac", "flac", 16000, 1, False),
    ("mp3", "libmp3lame", 16000, 1, False),
    ("m4a", "aac", 16000, 2, False),
    ("ogg", "libopus", 48000, 1, False),
    ("opus", "libopus", 48000, 1, False),
    ("webm", "libopus", 48000, 1, False),
    ("mp4", "aac", 16000, 1, True),
    ("mov", "aac", 16000, 1, True),
    ("mkv", "libopus", 48000, 2, True),
    ("avi", "libmp3lame", 16000, 1, True),
]


def envelope(x: np.ndarray, hop: int = 800) -> np.ndarray:
    n = len(x) // hop
    return np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Best correlation of loudness contours, allowing for codec delay (≤ 0.25 s)."""
    ea, eb = envelope(a), envelope(b)
    return max(np.corrcoef(ea[lag : lag + 200], eb[:200])[0, 1] for lag in range(6))


@pytest.fixture(scope="module")
def jfk_audio() -> np.ndarray:
    return load_audio(JFK).samples


@pytest.mark.parametrize(("ext", "codec", "rate", "channels", "video"), FORMATS)
def test_decodes_common_formats(
    tmp_path: Path,
    jfk_audio: np.ndarray,
    ext: str,
    codec: str,
    rate: int,
    channels: int,
    video: bool,
) -> None:
    path = encode(jfk_audio, tmp_path / f"clip.{ext}", codec, rate, channels, video)
    audio = load_audio(path)
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.samples.ndim == 1 and audio.samples.dtype == np.float32
    assert abs(audio.duration - 11.0) < 0.15
    assert probe(path).has_video is video
    # the speech survives the round trip: same loudness contour as the source
    assert similarity(audio.samples, jfk_audio) > 0.9


def test_stereo_is_mixed_down() -> None:
    info = probe(JFK)
    assert info.channels == 2 and info.sample_rate == 44100
    audio = load_audio(JFK)
    assert audio.samples.ndim == 1
    assert abs(audio.duration - 11.0) < 0.05


def test_progress_reaches_one() -> None:
    seen: list[float] = []
    load_audio(JFK, progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time away from UTC, so a local time read as UTC (or the reverse) shows."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("name", "codec", "metadata", "options", "expected"),
    [
        # a phone or camera: ffmpeg's creation_time, in UTC
        ("memo.m4a", "aac", {"creation_time": "2021-03-04T05:06:07.000000Z"}, None, "05:06:07"),
        ("clip.mov", "aac", {"creation_time": "2021-03-04T05:06:07Z"}, None, "05:06:07"),
        # a field recorder's Broadcast WAV: origination date and time, local time
        (
            "take.wav",
            "pcm_s16le",
            {"origination_date": "2021-03-04", "origination_time": "05:06:07"},
            {"write_bext": "1"},
            "local 05:06:07",
        ),
        # a music tag's year, and a container's zero date, are not when it was recorded
        ("song.flac", "flac", {"date": "2019"}, None, None),
        ("zero.m4a", "aac", {"creation_time": "1970-01-01T00:00:00Z"}, None, None),
        ("plain.flac", "flac", {}, None, None),
    ],
)
def test_probe_reads_when_it_was_recorded(
    tmp_path: Path,
    name: str,
    codec: str,
    metadata: dict[str, str],
    options: dict[str, str] | None,
    expected: str | None,
    new_york: None,
) -> None:
    samples = load_audio(JFK).samples[: SAMPLE_RATE * 2]
    path = encode(samples, tmp_path / name, codec, metadata=metadata, options=options)
    when = probe(path).recorded_at
    if expected is None:
        assert when is None
        return
    assert when is not None and when.tzinfo is not None
    if expected.startswith("local "):
        local = datetime.fromisoformat(f"2021-03-04T{expected.split()[1]}").astimezone()
        assert when == local
    else:
        assert when == datetime.fromisoformat(f"2021-03-04T{expected}+00:00")


def test_apple_creation_date_keeps_its_offset() -> None:
    when = recorded_at({"com.apple.quicktime.creationdate": "2021-03-04T05:06:07+0100"})
    assert when == datetime(2021, 3, 4, 4, 6, 7, tzinfo=UTC)
    assert recorded_at({"creation_time": "not a date"}) is None
    assert recorded_at({"date": "2021-03-04"}) is None  # a day alone is no time of recording
