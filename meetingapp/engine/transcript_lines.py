"""Transcript lines from a window's words, and the guard against looping text.

Windows are decoded as one text each, so the lines people read are cut here:
after a sentence ends, or where the speaker paused (turns change there).
Whisper sometimes writes one sentence over and over on noisy audio; three or
more in a row is a loop, not speech, and only its first occurrence is kept.
"""

from __future__ import annotations

import re
from itertools import groupby

from meetingapp.domain.transcript import Segment, Word

#: A pause this long starts a new line even mid-sentence (turns change in pauses).
PAUSE_S = 0.5
#: Sentences shorter than this ("No. No. No.") are said several times for real.
LOOP_MIN_WORDS = 2
LOOP_RUN = 3

_END = re.compile(r"[.?!][\"')\]]*$")


def split_sentences(words: list[Word], confidence: float) -> list[Segment]:
    """Words → lines ending at sentence ends or pauses."""
    lines: list[list[Word]] = []
    for w in words:
        if not w.word.strip():
            continue
        if not lines or _ends_line(lines[-1], w):
            lines.append([])
        lines[-1].append(w)
    return [
        Segment(
            start=line[0].start,
            end=line[-1].end,
            text="".join(w.word for w in line).strip(),
            words=line,
            confidence=confidence,
        )
        for line in lines
    ]


def _ends_line(line: list[Word], nxt: Word) -> bool:
    last = line[-1]
    return nxt.start - last.end > PAUSE_S or bool(_END.search(last.word.strip()))


def _key(sentence: str) -> str:
    return " ".join(re.sub(r"[^\w' ]+", " ", sentence.lower()).split())


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


def longest_repeat(text: str) -> tuple[int, str]:
    """The longest run of one sentence (of at least two words) repeated in a row,
    and that sentence normalised. Shorter sentences neither count nor break a run."""
    best, best_key, run, last = 1, "", 0, None
    for s in _sentences(text):
        key = _key(s)
        if len(key.split()) < LOOP_MIN_WORDS:
            continue
        run = run + 1 if key == last else 1
        last = key
        if run > best:
            best, best_key = run, key
    return best, best_key


def drop_loops(segments: list[Segment]) -> list[Segment]:
    """Keep the first line of every run of three or more identical sentences."""
    kept: list[Segment] = []
    for key, group in groupby(segments, key=lambda seg: _key(seg.text)):
        run = list(group)
        looped = len(run) >= LOOP_RUN and len(key.split()) >= LOOP_MIN_WORDS
        kept += run[:1] if looped else run
    return kept
