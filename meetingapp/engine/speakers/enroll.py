"""Voice vectors for enrollment: from a file of one person, or from a meeting's segments."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE, Audio, SpeechRegion
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.embedding import SpeakerEmbedder, default_embedder
from meetingapp.engine.vad import detect_speech
from meetingapp.errors import BadInputError

#: Less speech than this gives an unreliable voice vector.
MIN_SPEECH_S = 1.0


def voice_vector(
    audio: Audio, regions: list[SpeechRegion], embedder: SpeakerEmbedder | None = None
) -> np.ndarray | None:
    """One unit vector for the speech in ``regions``; None when there is too little."""
    speech = audio.speech(regions)
    if len(speech) < MIN_SPEECH_S * SAMPLE_RATE:
        return None
    return (embedder or default_embedder()).embed(speech)


def voice_from_file(path: Path, embedder: SpeakerEmbedder | None = None) -> np.ndarray:
    """The voice in a recording of one person (silence is skipped)."""
    audio = load_audio(path)
    vector = voice_vector(audio, detect_speech(audio), embedder)
    if vector is None:
        raise BadInputError(path, f"less than {MIN_SPEECH_S:.0f} s of speech to learn a voice from")
    return vector
