"""Numbers across meetings, as the analytics page draws them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    """One bar of an analytics chart: a speaker's talk time, a week's meetings."""

    label: str
    value: float


@dataclass
class Totals:
    """How many meetings there are and how long they run together (seconds)."""

    meetings: int
    duration: float
