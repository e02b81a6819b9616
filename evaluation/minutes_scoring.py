"""Precision and recall of extracted minutes against a hand-written reference.

An action item counts only with the right owner and due date and a task that
says mostly the same thing; invented items count against precision. Task and
decision wording is compared fuzzily because ASR misspells words ("renew" for
"review") and people paraphrase. Owners are compared by name, with the slack
a reader gives a misspelling ("Lucas" for Lukas, letter similarity >= 0.8),
never a different name ("Shiffon" for Siobhan is wrong) and never a voice
label ("Speaker 2" is wrong even when it is Siobhan's voice) unless the caller
passes ``owner_of`` to score by voice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
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


def same_owner(said: str | None, ref: str) -> bool:
    """``said`` names the person ``ref``: the same name, maybe misspelled."""
    if said is None:
        return False
    a, b = said.lower(), ref.lower()
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.8


def score_actions(
    predicted: list[ActionItem],
    expected: list[dict[str, Any]],
    meeting_date: dt.date,
    owner_of: Callable[[str | None], str | None] | None = None,
) -> Score:
    """Greedy one-to-one match on owner, resolved due date and task wording.

    ``owner_of`` maps a predicted owner to the person it stands for before the
    comparison (a voice label or a learnt spelling to that voice's person), to
    score "the right voice" rather than "the right name".
    """
    free = list(range(len(predicted)))
    matched = 0
    for ref in expected:
        due = resolve_due(ref["due"], meeting_date) if ref.get("due") else None
        for k in free:
            p = predicted[k]
            owner = owner_of(p.owner) if owner_of else p.owner
            if (
                same_owner(owner, ref["owner"])
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
