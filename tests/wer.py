"""Word error rate with case and punctuation normalised.

Shared by the tests and the benchmarks so both score transcripts the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def normalise(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return [w.strip("'") for w in text.split() if w.strip("'")]


@dataclass
class Errors:
    """Edit operations between a reference and a hypothesis, in words."""

    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0
    reference_words: int = 0

    @property
    def wer(self) -> float:
        wrong = self.substitutions + self.deletions + self.insertions
        return wrong / max(self.reference_words, 1)

    def __add__(self, other: Errors) -> Errors:
        return Errors(
            self.substitutions + other.substitutions,
            self.deletions + other.deletions,
            self.insertions + other.insertions,
            self.reference_words + other.reference_words,
        )


def wer(reference: str, hypothesis: str) -> float:
    return word_error_rate(normalise(reference), normalise(hypothesis))


def word_error_rate(ref: list[str], hyp: list[str]) -> float:
    return word_errors(ref, hyp).wer


def errors(reference: str, hypothesis: str) -> Errors:
    return word_errors(normalise(reference), normalise(hypothesis))


def word_errors(ref: list[str], hyp: list[str]) -> Errors:
    """Levenshtein alignment of word lists, split into its three kinds of error."""
    n, m = len(ref), len(hyp)
    # cost[i][j]: edits turning ref[:i] into hyp[:j]
    cost = [list(range(m + 1))] + [[i] + [0] * m for i in range(1, n + 1)]
    for i in range(1, n + 1):
        prev, row = cost[i - 1], cost[i]
        r = ref[i - 1]
        for j in range(1, m + 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (r != hyp[j - 1]))
    out = Errors(reference_words=n)
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            out.substitutions += ref[i - 1] != hyp[j - 1]
            i, j = i - 1, j - 1
        elif i > 0 and cost[i][j] == cost[i - 1][j] + 1:
            out.deletions += 1
            i -= 1
        else:
            out.insertions += 1
            j -= 1
    return out
