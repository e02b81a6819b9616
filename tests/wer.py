"""Word error rate with case and punctuation normalised."""

from __future__ import annotations

import re


def normalise(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return [w.strip("'") for w in text.split() if w.strip("'")]


def wer(reference: str, hypothesis: str) -> float:
    return word_error_rate(normalise(reference), normalise(hypothesis))


def word_error_rate(ref: list[str], hyp: list[str]) -> float:
    """Edit distance between word lists, per reference word."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            cur = min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
            prev, row[j] = row[j], cur
    return row[len(hyp)] / max(len(ref), 1)
