"""Decoded audio and the speech found in it. Times are seconds from the start."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000


@dataclass
class Audio:
    """Decoded audio: 16 kHz mono float32 in [-1, 1]."""

    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE
    #: (start, seconds) of stretches that could not be decoded and are silence here
    damaged: tuple[tuple[float, float], ...] = ()

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def speech(self, regions: list[SpeechRegion]) -> np.ndarray:
        """The samples of ``regions``, joined (e.g. one person's speech, to embed)."""
        rate = self.sample_rate
        clips = [self.samples[int(r.start * rate) : int(r.end * rate)] for r in regions]
        return np.concatenate(clips) if clips else np.zeros(0, np.float32)


@dataclass
class SpeechRegion:
    """A stretch of speech found by voice activity detection."""

    start: float
    end: float
