"""Voice vectors for enrollment: from a file of one person, or from a meeting's segments.

Each comes with the speech it was computed from, which the profile keeps
(store/voice_samples.py) so later embeddings can be computed from the sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE, Audio, SpeechRegion
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.embedding import SpeakerEmbedder, default_embedder
from meetingapp.engine.vad import detect_speech
from meetingapp.errors import BadInputError

#: Less speech than this gives an unreliable voice vector.
MIN_SPEECH_S = 1.0


@dataclass(frozen=True)
class Voice:
    """A person's d-vector and the 16 kHz speech it came from."""

    vector: np.ndarray
    speech: np.ndarray


def voice_vector(
    audio: Audio, regions: list[SpeechRegion], embedder: SpeakerEmbedder | None = None
) -> Voice | None:
    """The voice in ``regions``; None when there is too little speech."""
    speech = audio.speech(regions)
    if len(speech) < MIN_SPEECH_S * SAMPLE_RATE:
        return None
    return Voice((embedder or default_embedder()).embed(speech), speech)


def voice_from_file(path: Path, embedder: SpeakerEmbedder | None = None) -> Voice:
    """The voice in a recording of one person (silence is skipped)."""
    audio = load_audio(path)
    voice = voice_vector(audio, detect_speech(audio), embedder)
    if voice is None:
        raise BadInputError(path, f"less than {MIN_SPEECH_S:.0f} s of speech to learn a voice from")
    return voice
