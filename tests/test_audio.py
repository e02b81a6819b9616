"""Decoding: every common container/codec becomes 16 kHz mono of the right length."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from evaldata import JFK
from media import encode

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio, probe

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
