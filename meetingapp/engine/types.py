"""Plain data passed between engine stages, the store and the UI.

Every stage takes and returns these dataclasses, so the CLI, the UI and the
tests run exactly the same code. Times are seconds from the start of the
recording.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

SAMPLE_RATE = 16000

#: What a meeting can be; the minutes template follows the type.
MEETING_TYPES = (
    "general",
    "standup",
    "review",
    "planning",
    "retrospective",
    "interview",
    "one-on-one",
)

#: Called by a stage with its fraction done (0..1).
ProgressFn = Callable[[float], None]


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


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float
    speaker: str | None = None


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None
    confidence: float = 0.0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Segment:
        words = [Word(**w) for w in d.get("words", [])]
        return cls(**{**d, "words": words})


@dataclass
class Transcript:
    """What transcription produces for one recording."""

    language: str
    duration: float
    segments: list[Segment]
    language_probability: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Transcript:
        segs = [Segment.from_dict(s) for s in d["segments"]]
        return cls(**{**d, "segments": segs})
