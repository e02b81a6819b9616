"""Numbers across meetings, as the analytics page draws them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    """One bar of an analytics chart: a person's talk time, a week's meetings."""

    label: str
    value: float


@dataclass
class Totals:
    """How many meetings there are and how long they run together (seconds), and how
    much of the talk is by voices no person is known for (seconds): the talk-time
    chart counts people only, and says what it leaves out."""

    meetings: int
    duration: float
    unnamed_talk: float
