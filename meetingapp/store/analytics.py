"""Numbers across meetings for the analytics page: who talks, how often we meet."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlite_utils

from meetingapp.domain.analytics import Bar, Totals

#: a meeting's voices that are people known across meetings (a speaker profile), one
#: row per name: two diarized voices the identification gave one person are one row
_PEOPLE = """
    SELECT meeting_id, name, MIN(profile_id) AS profile_id FROM meeting_speakers
    WHERE profile_id IS NOT NULL GROUP BY meeting_id, name
"""


def talk_time_by_person(db: sqlite_utils.Database, limit: int = 12) -> list[Bar]:
    """Seconds spoken per person (speaker profile) over all meetings, most first.

    Only voices tied to a profile count. "Speaker 1" is whoever spoke first in
    each meeting, a different person every time: adding those labels up across
    meetings made one bar out of strangers.
    """
    rows = db.execute(
        f'WITH people AS ({_PEOPLE}) SELECT p.name, SUM(s."end" - s.start) AS t'
        " FROM segments s JOIN people ON people.meeting_id = s.meeting_id"
        " AND people.name = s.speaker JOIN profiles p ON p.id = people.profile_id"
        " GROUP BY p.id ORDER BY t DESC, p.name LIMIT ?",
        [limit],
    ).fetchall()
    return [Bar(name, round(t, 1)) for name, t in rows]


def unnamed_talk_time(db: sqlite_utils.Database) -> float:
    """Seconds spoken by voices no person is known for ("Speaker 2", unlabelled), so
    the page can say how much of the talk its per-person chart leaves out."""
    (t,) = db.execute(
        f'WITH people AS ({_PEOPLE}) SELECT COALESCE(SUM(s."end" - s.start), 0)'
        " FROM segments s LEFT JOIN people ON people.meeting_id = s.meeting_id"
        " AND people.name = s.speaker WHERE people.profile_id IS NULL"
    ).fetchone()
    return round(t, 1)


def _week_start(iso: str) -> date | None:
    try:
        d = datetime.fromisoformat(iso).date()
    except ValueError:
        return None
    return d - timedelta(days=d.weekday())


def meetings_per_week(db: sqlite_utils.Database, weeks: int = 12) -> list[Bar]:
    """Meetings per calendar week (Monday first), the last ``weeks`` weeks up to the
    latest meeting, empty weeks included so gaps show."""
    starts = [s for (d,) in db.execute("SELECT date FROM meetings") if (s := _week_start(d))]
    if not starts:
        return []
    last = max(starts)
    counts: dict[date, int] = {}
    for s in starts:
        counts[s] = counts.get(s, 0) + 1
    span = [last - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    return [Bar(w.strftime("%d %b"), counts.get(w, 0)) for w in span]


def totals(db: sqlite_utils.Database) -> Totals:
    """How many meetings, their summed duration and the talk no person is named for
    (seconds)."""
    n, total = db.execute("SELECT COUNT(*), COALESCE(SUM(duration), 0) FROM meetings").fetchone()
    return Totals(n, total, unnamed_talk_time(db))
