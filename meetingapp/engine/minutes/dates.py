"""Find due-date phrases in speech and resolve them against the meeting date.

People say "by Friday" or "right after this call", not dates; minutes need a
date to sort and remind on, so relative phrases are resolved to ISO dates and
anything we cannot resolve is kept as said.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = tuple(m.lower() for m in calendar.month_name[1:])
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_PREP = r"(?:(?:by|before|on|until|till|for|at|no later than)\s+)?(?:the\s+)?"
_WD = "|".join(WEEKDAYS)
_MO = "|".join(MONTHS)
_NUM = r"\d+|" + "|".join(_NUMBERS)

#: (pattern, kind) in priority order; the first kind that matches wins at a position.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?:right |straight |immediately |directly )?after (?:this|the) (?:call|meeting)", "today"),
    (r"end of next week", "end_next_week"),
    (r"end of (?:the |this )?week", "end_week"),
    (r"end of (?:the |this )?month", "end_month"),
    (r"end of (?:the |this )?day|eod|tonight|today|this (?:morning|afternoon|evening)", "today"),
    (r"(?:the )?day after tomorrow", "day_after_tomorrow"),
    (r"tomorrow(?: morning| afternoon)?", "tomorrow"),
    (rf"(?:next week )?(?:{_WD})(?: next week| after next)?", "weekday"),
    (rf"next (?:{_WD})", "weekday"),
    (rf"this (?:{_WD})", "weekday"),
    (rf"(?:{_MO}) \d{{1,2}}(?:st|nd|rd|th)?", "month_day"),
    (r"\d{1,2}(?:st|nd|rd|th) of (?:" + _MO + ")", "month_day"),
    (rf"in (?:{_NUM}) (?:days?|weeks?)", "in_n"),
    (r"next week", "next_week"),
    (r"this week", "end_week"),
    (r"next month", "next_month"),
)
_RE = re.compile(
    r"\b" + _PREP + "(" + "|".join(f"(?P<k{i}>{p})" for i, (p, _) in enumerate(_PATTERNS)) + r")\b",
    re.IGNORECASE,
)


@dataclass
class DueMatch:
    """A due phrase found in text: ``span`` covers the preposition too, for removal."""

    phrase: str
    kind: str
    span: tuple[int, int]


def find_due(text: str) -> DueMatch | None:
    """The first due-date phrase in ``text``, if any."""
    m = _RE.search(text)
    if not m:
        return None
    for i, (_, kind) in enumerate(_PATTERNS):
        if m.group(f"k{i}"):
            return DueMatch(m.group(f"k{i}"), kind, m.span())
    return None


def resolve_due(phrase: str, meeting_date: dt.date) -> str:
    """ISO date for ``phrase`` said on ``meeting_date``, or the phrase when unresolvable."""
    m = find_due(phrase)
    if not m:
        return phrase
    date = _resolve(m.phrase.lower(), m.kind, meeting_date)
    return date.isoformat() if date else phrase


def _resolve(p: str, kind: str, d: dt.date) -> dt.date | None:
    friday = d + dt.timedelta(days=(4 - d.weekday()) % 7)
    if kind == "today":
        return d
    if kind == "tomorrow":
        return d + dt.timedelta(days=1)
    if kind == "day_after_tomorrow":
        return d + dt.timedelta(days=2)
    if kind == "end_week":
        return friday
    if kind == "end_next_week":
        return friday + dt.timedelta(days=7)
    if kind == "end_month":
        return d.replace(day=calendar.monthrange(d.year, d.month)[1])
    if kind == "next_week":
        return d + dt.timedelta(days=7 - d.weekday())
    if kind == "next_month":
        return (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    if kind == "in_n":
        n_word, unit = p.split()[1:3]
        n = int(n_word) if n_word.isdigit() else _NUMBERS[n_word]
        return d + dt.timedelta(days=n * (7 if unit.startswith("week") else 1))
    if kind == "weekday":
        return _weekday(p, d)
    if kind == "month_day":
        return _month_day(p, d)
    return None


def _weekday(p: str, d: dt.date) -> dt.date:
    """The coming weekday (strictly after the meeting; "this X" may be today).

    "next Tuesday" is read as the coming Tuesday, the common reading in meetings
    ("the demo moved to next Tuesday ... ready for the demo on Tuesday").
    """
    target = next(i for i, w in enumerate(WEEKDAYS) if w in p)
    ahead = (target - d.weekday()) % 7
    if ahead == 0 and not p.startswith("this"):
        ahead = 7
    if "next week" in p or "after next" in p:
        monday_next = d + dt.timedelta(days=7 - d.weekday())
        return monday_next + dt.timedelta(days=target + (7 if "after next" in p else 0))
    return d + dt.timedelta(days=ahead)


def _month_day(p: str, d: dt.date) -> dt.date | None:
    month = next(i + 1 for i, m in enumerate(MONTHS) if m in p)
    day = int(re.search(r"\d+", p).group())  # type: ignore[union-attr]
    for year in (d.year, d.year + 1):
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return None
        if date >= d:
            return date
    return None
