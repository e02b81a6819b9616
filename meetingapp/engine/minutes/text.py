"""Sentence splitting over transcript segments, keeping each sentence's source.

Minutes cite where a claim was said, so every sentence carries its segment
index, speaker and start time (from word timestamps when present).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meetingapp.domain.transcript import Segment

_SENT_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z][a-z'’]*", re.IGNORECASE)


@dataclass
class Sentence:
    text: str
    segment_index: int
    start: float
    speaker: str | None


def split_sentences(segments: list[Segment]) -> list[Sentence]:
    """Sentences of all segments, in order, each with its segment and start time."""
    out: list[Sentence] = []
    for i, seg in enumerate(segments):
        text = seg.text.strip()
        offset = len(seg.text) - len(seg.text.lstrip())
        pos = 0
        for part in _SENT_END.split(text):
            at = text.find(part, pos)
            pos = at + len(part)
            if part.strip():
                start = _time_at(seg, offset + at)
                out.append(Sentence(part.strip(), i, start, seg.speaker))
    return out


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string, for readable lexicons."""
    return frozenset(text.split())


def tokens(text: str) -> list[str]:
    """Lower-case word tokens ("pull", "bob's")."""
    return [t.lower().replace("’", "'") for t in _WORD.findall(text)]


def _time_at(seg: Segment, char: int) -> float:
    """Start time of the word at character ``char`` of ``seg.text``."""
    if char <= 0:
        return seg.start
    if not seg.words:
        return seg.start + (seg.end - seg.start) * char / max(1, len(seg.text))
    seen = 0
    for w in seg.words:
        seen += len(w.word)
        if seen > char:
            return w.start
    return seg.words[-1].start
