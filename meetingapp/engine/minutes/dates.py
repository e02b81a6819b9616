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
_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14}
_PREP = r"(?:(?:by|before|on|until|till|for|at|no later than)\s+)?(?:the\s+)?"
_WD = "|".join(WEEKDAYS)
_MO = "|".join(MONTHS)
#: "4 December" is a date, "the 3 may need it" is not
_MO_NOT_MAY = "|".join(m for m in MONTHS if m != "may")
_NUM = r"\d+|" + "|".join(_NUMBERS)
_ORDINAL_WORDS = (  # noqa: SIM905 - a list of twenty words reads better as text
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
#: "the twenty-second": ordinal words, as people say dates and ASR sometimes writes them
ORDINALS = {w: i for i, w in enumerate(_ORDINAL_WORDS, 1)} | {
    f"{tens}{sep}{w}": base + i
    for tens, base in (("twenty", 20), ("thirty", 30))
    for sep in ("-", " ")
    for i, w in enumerate(_ORDINAL_WORDS[:9], 1)
    if base + i <= 31
}
ORDINALS["thirtieth"] = 30
_ORD = "|".join(sorted(map(re.escape, ORDINALS), key=len, reverse=True))
_DAY = rf"\d{{1,2}}(?:st|nd|rd|th)|{_ORD}"
#: Hours of the clock, in digits or words ("before four", "by 10 am").
_CLOCK = r"1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
#: "before ten people arrive", "by 10 percent": a number that counts, not a time.
_NOT_UNIT = (
    r"(?![\d,.]*\d)(?!\s+(?:st|nd|rd|th|days?|weeks?|months?|years?|percent|pounds|dollars"
    r"|euros|people|of|more|items?|points?|per|minutes?|hours?)\b)"
)

#: (pattern, kind) in priority order; the first kind that matches wins at a position.
_PATTERNS: tuple[tuple[str, str], ...] = (
    # "end of day Thursday", "by lunchtime tomorrow": a time of that day, not of today
    (
        rf"(?:end of (?:the )?day|close of business|cob|end of play|lunch(?:time)?|noon"
        rf"|midday|first thing|last thing) (?:on )?(?:(?:{_WD})|tomorrow)",
        "part_of_day",
    ),
    # British "Thursday week", "tomorrow week", "a week today", "a week on Friday": a week
    # after that day ("Friday weekend" is no match: the pattern ends at a word boundary)
    (rf"(?:{_WD}|tomorrow) week|a week (?:today|tomorrow|on (?:{_WD})|(?:{_WD}))", "week_after"),
    (r"(?:this|over the) weekend", "weekend"),
    (
        r"(?:right |straight |immediately |directly )?after (?:this|the) (?:call|meeting"
        r"|briefing|huddle|session|standup|stand-up)|(?:right|straight) after this"
        r"|(?:right|straight) away",
        "today",
    ),
    # "before four", "by 10 am": a time of day is due the same day
    (
        rf"(?:before|by) (?:half|quarter) (?:past|to) (?:{_CLOCK})"
        rf"|before (?:{_CLOCK})(?::[0-5]\d)?(?:\s?[ap]\.?m\b\.?|\s?o'clock)?{_NOT_UNIT}"
        rf"|by (?:{_CLOCK})(?::[0-5]\d)?(?:\s?[ap]\.?m\b\.?|\s?o'clock)",
        "today",
    ),
    (r"end of next week", "end_next_week"),
    # "before / by the weekend" (and the phrase alone again, when it is resolved)
    (r"end of (?:the |this )?week|(?:(?<=before )|(?<=by ))the weekend|^the weekend$", "end_week"),
    (r"end of (?:the |this )?month", "end_month"),
    (r"end of next month", "end_next_month"),
    # "by the end of March" ("my end of May" is ASR's "by end of day")
    (rf"(?<=the )end of (?:{_MO})", "end_named_month"),
    (
        r"end of (?:the |this )?day|eod|tonight|today|this (?:morning|afternoon|evening)"
        r"|close of business|cob|end of play"
        r"|within (?:the|an) hour|in an hour|(?:by|after) lunch(?:time)?|noon|midday",
        "today",
    ),
    # work due "by Christmas" is due before the holiday, on Christmas Eve
    (r"christmas(?: eve)?", "christmas"),
    (r"(?:the )?day after tomorrow", "day_after_tomorrow"),
    (r"tomorrow(?: morning| afternoon)?", "tomorrow"),
    (rf"(?:next week )?(?:{_WD})(?: next week| after next)?", "weekday"),
    (rf"next (?:{_WD})", "weekday"),
    (rf"this (?:{_WD})", "weekday"),
    (rf"(?:{_MO}) (?:the )?(?:{_DAY}|\d{{1,2}})", "month_day"),
    # "the second on January": ASR often writes "of" as "on" here
    (rf"(?:{_DAY}) (?:of|on) (?:{_MO})|\d{{1,2}} (?:{_MO_NOT_MAY})", "month_day"),
    # "by the 18th": the next such day of a month; only digits, as "the second"
    # alone is rarely a date ("the second supplier")
    (r"(?<=the )\d{1,2}(?:st|nd|rd|th)", "day"),
    # "by the fifteenth": a day in words only after "by/before/until the"
    (rf"(?:(?<=by the )|(?<=before the )|(?<=until the ))(?:{_ORD})|(?<=^the )(?:{_ORD})$", "day"),
    (rf"(?:in|within) (?:the next )?(?:{_NUM}|a couple of|couple of) (?:days?|weeks?)", "in_n"),
    (r"in a fortnight|within a fortnight", "fortnight"),
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
    m = next((m for m in _RE.finditer(text) if not _names_a_meeting(text, m)), None)
    if not m:
        return None
    for i, (_, kind) in enumerate(_PATTERNS):
        if m.group(f"k{i}"):
            said = m.group(f"k{i}")
            # "the 18th" keeps its article: the day alone is only a date after it
            the = kind in ("day", "end_named_month")
            return DueMatch(f"the {said}" if the else said, kind, m.span())
    return None


def _names_a_meeting(text: str, m: re.Match[str]) -> bool:
    """ "the minutes of tonight's meeting" says which meeting, not when it is due (but
    "bring it to next Monday's review" is a due date)."""
    possessive = text[m.end() : m.end() + 2] in ("'s", "’s")
    return possessive and text[: m.start()].lower().endswith(("of ", "from "))


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
    if kind == "christmas":
        eve = dt.date(d.year, 12, 24)
        return eve if eve >= d else eve.replace(year=d.year + 1)
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
    if kind == "end_named_month":
        month = next(i + 1 for i, m in enumerate(MONTHS) if m in p)
        year = d.year if month >= d.month else d.year + 1
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if kind == "next_week":
        return d + dt.timedelta(days=7 - d.weekday())
    if kind == "next_month":
        return (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    if kind == "fortnight":
        return d + dt.timedelta(days=14)
    if kind == "in_n":
        said = re.sub(r"(?:a )?couple of", "two", p.replace("the next ", ""))
        *said_n, unit = said.split()
        n = int(said_n[1]) if said_n[1].isdigit() else _NUMBERS[said_n[1]]
        return d + dt.timedelta(days=n * (7 if unit.startswith("week") else 1))
    if kind == "end_next_month":
        first = (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if kind == "weekday":
        return _weekday(p, d)
    if kind == "part_of_day":
        return d + dt.timedelta(days=1) if p.endswith("tomorrow") else _weekday(p, d)
    if kind == "week_after":
        day = d if "today" in p else d + dt.timedelta(days=1) if "tomorrow" in p else None
        return (day or _weekday(p, d)) + dt.timedelta(days=7)
    if kind == "weekend":
        return d + dt.timedelta(days=(6 - d.weekday()) % 7)
    if kind == "month_day":
        return _month_day(p, d)
    if kind == "day":
        return _day(p, d)
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


def _day_number(p: str) -> int:
    if digits := re.search(r"\d+", p):
        return int(digits.group())
    return next(n for w, n in sorted(ORDINALS.items(), key=lambda x: -len(x[0])) if w in p)


def _day(p: str, d: dt.date) -> dt.date | None:
    """The coming date with that day of the month (this month, else the next)."""
    day = _day_number(p)
    first = d.replace(day=1)
    for month_start in (first, (first + dt.timedelta(days=32)).replace(day=1)):
        try:
            date = month_start.replace(day=day)
        except ValueError:
            continue
        if date >= d:
            return date
    return None


def _month_day(p: str, d: dt.date) -> dt.date | None:
    month = next(i + 1 for i, m in enumerate(MONTHS) if m in p)
    day = _day_number(p.replace(MONTHS[month - 1], ""))
    for year in (d.year, d.year + 1):
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return None
        if date >= d:
            return date
    return None
