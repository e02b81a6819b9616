"""What minutes are made of: plain dataclasses the store, UI and exporters share.

Every item cites the segment it came from (index and start time) so the UI can
jump to the moment in the recording and the user can check the claim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

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


@dataclass
class Item:
    """A key point or a decision, with its source."""

    text: str
    start: float
    segment_index: int


@dataclass
class ActionItem:
    """Something someone agreed to do.

    ``due`` is an ISO date when the phrase could be resolved against the meeting
    date, else the phrase itself; ``due_text`` keeps what was said.
    """

    owner: str | None
    task: str
    due: str | None
    due_text: str | None
    start: float
    segment_index: int
    status: str = "open"


def action_sentence(owner: str | None, task: str, due: str | None) -> str:
    """An action item as minutes write it: "Dana will send the budget — due Thu 10 Dec".

    ``task`` is the plain-verb task the extractors and the tracker keep ("send
    the budget"); an ISO ``due`` is written as a short day, anything else as said.
    """
    sentence = f"{owner} will {task}" if owner else f"To do: {task}"
    if not due:
        return sentence
    try:
        day = dt.date.fromisoformat(due)
    except ValueError:
        return f"{sentence} — due {due}"
    return f"{sentence} — due {day:%a} {day.day} {day:%b}"


@dataclass
class Highlight:
    start: float
    end: float
    text: str
    score: float
    segment_index: int = -1


@dataclass
class Minutes:
    summary: str = ""
    key_points: list[Item] = field(default_factory=list)
    decisions: list[Item] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    sentiment: list[float] = field(default_factory=list)
    mood: str = "neutral"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Minutes:
        return cls(
            summary=d.get("summary", ""),
            key_points=[Item(**x) for x in d.get("key_points", [])],
            decisions=[Item(**x) for x in d.get("decisions", [])],
            action_items=[ActionItem(**x) for x in d.get("action_items", [])],
            topics=list(d.get("topics", [])),
            highlights=[Highlight(**x) for x in d.get("highlights", [])],
            sentiment=[float(x) for x in d.get("sentiment", [])],
            mood=d.get("mood", "neutral"),
        )


#: an action item in the tracker is open or done
ACTION_STATUSES = ("open", "done")


@dataclass
class TrackedAction:
    """An action item in the tracker across meetings (its status and edits are the truth)."""

    id: int
    meeting_id: int
    meeting_title: str
    meeting_date: str
    owner: str | None
    task: str
    due: str | None
    due_text: str | None
    status: str
    start: float
    segment_index: int | None
