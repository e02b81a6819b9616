"""Numbers across meetings for the analytics page: who talks, how often we meet."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlite_utils

from meetingapp.domain.analytics import Bar, Totals

UNLABELLED = "Unlabelled"


def talk_time_by_speaker(db: sqlite_utils.Database, limit: int = 12) -> list[Bar]:
    """Seconds spoken per speaker name over all meetings, most first."""
    rows = db.execute(
        'SELECT COALESCE(speaker, ?), SUM("end" - start) AS t FROM segments'
        " GROUP BY COALESCE(speaker, ?) ORDER BY t DESC LIMIT ?",
        [UNLABELLED, UNLABELLED, limit],
    ).fetchall()
    return [Bar(name, round(t, 1)) for name, t in rows]


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
    """How many meetings, and their summed duration in seconds."""
    n, total = db.execute("SELECT COUNT(*), COALESCE(SUM(duration), 0) FROM meetings").fetchone()
    return Totals(n, total)
