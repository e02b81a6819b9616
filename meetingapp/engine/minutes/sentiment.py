"""Per-segment sentiment and overall mood from a small lexicon, offline and instant.

A lexicon with negation and intensifiers is crude but cheap, explainable and
good enough to colour a timeline and flag tense stretches of a meeting.
"""

from __future__ import annotations

import math

from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes.text import tokens, word_set

_POSITIVE = word_set(
    """
    good great excellent awesome amazing fantastic nice happy glad pleased love loved like
    liked enjoy enjoyed helpful helped smooth smoothly success successful win wins won
    progress improved improvement better best perfect clean clear easy fast faster solid
    stable proud thanks thank appreciate appreciated agree works working fixed resolved
    done shipped excited exciting fun impressive valuable useful saved saves productive
    confident ready welcome congratulations kudos brilliant cool awesome right sure
    """
)
_NEGATIVE = word_set(
    """
    bad worse worst terrible awful horrible poor problem problems issue issues bug bugs
    broken break breaks crash crashes crashed fail failed fails failing failure blocker
    blocked blocking stuck slow slower delay delayed late slipping slipped risk risky
    worried worry concern concerned frustrating frustrated annoying annoyed painful pain
    difficult hard stressful stress angry upset disappointed disappointing confusing
    confused unclear wrong mess messy flaky unstable sorry unfortunately lost missing
    missed overdue expensive tired exhausted hate hated impossible unrealistic
    """
)
_NEGATORS = word_set("not no never don't doesn't didn't isn't wasn't aren't can't won't cannot")
_INTENSIFIERS = word_set("very really so extremely super quite too totally")


def segment_sentiment(text: str) -> float:
    """Polarity of ``text`` in -1..1 (0 when no opinion words)."""
    total = 0.0
    words = tokens(text)
    for i, w in enumerate(words):
        polarity = 1.0 if w in _POSITIVE else -1.0 if w in _NEGATIVE else 0.0
        if not polarity:
            continue
        before = words[max(0, i - 3) : i]
        if any(b in _NEGATORS for b in before):
            polarity *= -0.7
        if before and before[-1] in _INTENSIFIERS:
            polarity *= 1.5
        total += polarity
    return total / math.sqrt(total * total + 4)


def meeting_mood(segments: list[Segment], scores: list[float]) -> str:
    """ "positive", "negative", "mixed" or "neutral", weighting segments by length."""
    if not segments:
        return "neutral"
    weights = [max(s.end - s.start, 0.1) for s in segments]
    mean = sum(w * x for w, x in zip(weights, scores, strict=True)) / sum(weights)
    strong_pos = sum(x > 0.3 for x in scores) / len(scores)
    strong_neg = sum(x < -0.3 for x in scores) / len(scores)
    if strong_pos >= 0.2 and strong_neg >= 0.2 and abs(mean) < 0.2:
        return "mixed"
    if mean > 0.1:
        return "positive"
    if mean < -0.1:
        return "negative"
    return "neutral"
