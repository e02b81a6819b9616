"""Precision and recall of extracted minutes against a hand-written reference.

An action item counts only with the right owner and due date and a task that
says mostly the same thing; invented items count against precision. Task and
decision wording is compared fuzzily because ASR misspells words ("renew" for
"review") and people paraphrase.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from meetingapp.domain.minutes import ActionItem, Item
from meetingapp.engine.minutes.dates import resolve_due
from meetingapp.engine.minutes.topics import text_match

#: Share of the reference's content words an extracted text must contain.
MATCH_THRESHOLD = 0.5


@dataclass
class Score:
    matched: int = 0
    predicted: int = 0
    expected: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.matched + other.matched,
            self.predicted + other.predicted,
            self.expected + other.expected,
        )

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


def score_actions(
    predicted: list[ActionItem], expected: list[dict[str, Any]], meeting_date: dt.date
) -> Score:
    """Greedy one-to-one match on owner, resolved due date and task wording."""
    free = list(range(len(predicted)))
    matched = 0
    for ref in expected:
        due = resolve_due(ref["due"], meeting_date) if ref.get("due") else None
        for k in free:
            p = predicted[k]
            if (
                p.owner == ref["owner"]
                and p.due == due
                and text_match(ref["task"], p.task) >= MATCH_THRESHOLD
            ):
                free.remove(k)
                matched += 1
                break
    return Score(matched, len(predicted), len(expected))


def score_decisions(predicted: list[Item], expected: list[str]) -> Score:
    free = list(range(len(predicted)))
    matched = 0
    for ref in expected:
        for k in free:
            if text_match(ref, predicted[k].text) >= MATCH_THRESHOLD:
                free.remove(k)
                matched += 1
                break
    return Score(matched, len(predicted), len(expected))
