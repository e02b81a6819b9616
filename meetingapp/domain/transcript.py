"""What transcription produces: segments of text with their words and speakers.

Every stage takes and returns these dataclasses, so the CLI, the UI and the
tests run exactly the same code. Times are seconds from the start of the
recording.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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


@dataclass
class SpeakerTurn:
    """Who spoke when, as the diarization found it: turns may overlap (two people at
    once), unlike transcript lines, which each have one speaker."""

    start: float
    end: float
    speaker: str
