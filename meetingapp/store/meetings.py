"""Meetings, their segments and words: saved whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from meetingapp.domain.meetings import Meeting
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.domain.transcript import Segment, SpeakerTurn, Transcript, Word
from meetingapp.errors import MeetingAppError, NotFoundError
from meetingapp.store.db import is_sqlite_int


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class NewMeeting:
    """What the pipeline knows about a recording before it is saved."""

    title: str
    type: str
    date: str
    source_sha256: str
    source_name: str
    source_path: str
    model: str | None = None


class MeetingNotFound(NotFoundError):
    def __init__(self, meeting_id: int) -> None:
        super().__init__(f"no meeting with id {meeting_id} (see `meetingapp list`)")


def insert_meeting(db: sqlite_utils.Database, new: NewMeeting, transcript: Transcript) -> int:
    """Insert a meeting with its segments and words; the caller owns the transaction."""
    stamp = now_iso()
    cur = db.execute(
        "INSERT INTO meetings (title, type, date, duration, language, model, source_sha256,"
        " source_name, source_path, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?)",
        [
            new.title,
            new.type,
            new.date,
            transcript.duration,
            transcript.language,
            new.model,
            new.source_sha256,
            new.source_name,
            new.source_path,
            stamp,
            stamp,
        ],
    )
    meeting_id = cur.lastrowid
    assert meeting_id is not None
    replace_segments(db, meeting_id, transcript.segments)
    return meeting_id


def replace_segments(db: sqlite_utils.Database, meeting_id: int, segments: list[Segment]) -> None:
    """Write a meeting's transcript (e.g. after speakers are corrected)."""
    db.execute("DELETE FROM segments WHERE meeting_id = ?", [meeting_id])
    for i, seg in enumerate(segments):
        cur = db.execute(
            'INSERT INTO segments (meeting_id, idx, start, "end", speaker, text, confidence)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [meeting_id, i, seg.start, seg.end, seg.speaker, seg.text, seg.confidence],
        )
        db.conn.executemany(
            'INSERT INTO words (segment_id, idx, start, "end", word, probability, speaker)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (cur.lastrowid, j, w.start, w.end, w.word, w.probability, w.speaker)
                for j, w in enumerate(seg.words)
            ],
        )


def get_meeting(db: sqlite_utils.Database, meeting_id: int) -> Meeting:
    if not is_sqlite_int(meeting_id):
        raise MeetingNotFound(meeting_id)
    rows = list(db.query("SELECT * FROM meetings WHERE id = ?", [meeting_id]))
    if not rows:
        raise MeetingNotFound(meeting_id)
    return Meeting.from_row(rows[0])


def list_meetings(db: sqlite_utils.Database) -> list[Meeting]:
    return [Meeting.from_row(r) for r in db.query("SELECT * FROM meetings ORDER BY date DESC, id")]


def signature(db: sqlite_utils.Database) -> tuple[Any, ...]:
    """What changes when a meeting is added, deleted or edited (by any process): cheap
    enough to read every second. Edits touch ``updated_at``."""
    row = db.execute(
        "SELECT COUNT(*), MAX(id), MAX(updated_at), TOTAL(LENGTH(title)) FROM meetings"
    ).fetchone()
    return tuple(row)


def find_by_source(db: sqlite_utils.Database, sha256: str) -> Meeting | None:
    rows = list(db.query("SELECT * FROM meetings WHERE source_sha256 = ? LIMIT 1", [sha256]))
    return Meeting.from_row(rows[0]) if rows else None


def load_segments(db: sqlite_utils.Database, meeting_id: int) -> list[Segment]:
    words: dict[int, list[Word]] = {}
    for w in db.query(
        'SELECT w.segment_id, w.start, w."end", w.word, w.probability, w.speaker FROM words w'
        " JOIN segments s ON s.id = w.segment_id WHERE s.meeting_id = ? ORDER BY w.segment_id,"
        " w.idx",
        [meeting_id],
    ):
        words.setdefault(w["segment_id"], []).append(
            Word(w["start"], w["end"], w["word"], w["probability"], w["speaker"])
        )
    return [
        Segment(
            r["start"], r["end"], r["text"], words.get(r["id"], []), r["speaker"], r["confidence"]
        )
        for r in db.query("SELECT * FROM segments WHERE meeting_id = ? ORDER BY idx", [meeting_id])
    ]


def save_turns(db: sqlite_utils.Database, meeting_id: int, turns: list[SpeakerTurn]) -> None:
    """The diarization's turns, by speaker label (call inside the meeting's transaction)."""
    db.conn.executemany(
        'INSERT INTO speaker_turns (meeting_id, start, "end", label) VALUES (?, ?, ?, ?)',
        [(meeting_id, t.start, t.end, t.speaker) for t in turns],
    )


def load_turns(db: sqlite_utils.Database, meeting_id: int) -> list[SpeakerTurn]:
    """The meeting's turns under each speaker's current name."""
    rows = db.execute(
        'SELECT t.start, t."end", COALESCE(s.name, t.label) FROM speaker_turns t'
        " LEFT JOIN meeting_speakers s ON s.meeting_id = t.meeting_id AND s.label = t.label"
        " WHERE t.meeting_id = ? ORDER BY t.start, t.id",
        [meeting_id],
    )
    return [SpeakerTurn(start, end, name) for start, end, name in rows]


def delete_meeting(db: sqlite_utils.Database, meeting_id: int, data: Path) -> None:
    """Delete a meeting; its stored original goes too unless another meeting uses it."""
    meeting = get_meeting(db, meeting_id)
    with db.conn:
        db.execute("DELETE FROM meetings WHERE id = ?", [meeting_id])
    others = db.execute(
        "SELECT COUNT(*) FROM meetings WHERE source_sha256 = ?", [meeting.source_sha256]
    ).fetchone()[0]
    if not others:
        (data / meeting.source_path).unlink(missing_ok=True)


def _segment_row(db: sqlite_utils.Database, meeting_id: int, idx: int) -> dict[str, Any]:
    rows = list(
        db.query("SELECT * FROM segments WHERE meeting_id = ? AND idx = ?", [meeting_id, idx])
    )
    if not rows:
        raise MeetingAppError(f"meeting {meeting_id} has no segment {idx}")
    return rows[0]


def _touch(db: sqlite_utils.Database, meeting_id: int) -> None:
    db.execute("UPDATE meetings SET updated_at = ? WHERE id = ?", [now_iso(), meeting_id])


def speakers_of(db: sqlite_utils.Database, meeting_id: int) -> list[str | None]:
    """The meeting's speakers in order of first appearance (None = unlabelled)."""
    rows = db.execute(
        "SELECT speaker FROM segments WHERE meeting_id = ? GROUP BY speaker ORDER BY MIN(idx)",
        [meeting_id],
    ).fetchall()
    return [r[0] for r in rows]


def retime_words(text: str, start: float, end: float, speaker: str | None) -> list[Word]:
    """Spread corrected words over the segment by length: the user's text is certain,
    its timing only approximate."""
    tokens = text.split()
    total = sum(len(t) + 1 for t in tokens) or 1
    words, t = [], start
    for tok in tokens:
        dt = (end - start) * (len(tok) + 1) / total
        words.append(Word(round(t, 3), round(t + dt, 3), f" {tok}", 1.0, speaker))
        t += dt
    return words


def update_segment_text(db: sqlite_utils.Database, meeting_id: int, idx: int, text: str) -> None:
    """Correct a segment's text. Words keep their timing when the word count is
    unchanged; otherwise they are re-timed across the segment."""
    text = text.strip()
    row = _segment_row(db, meeting_id, idx)
    old = list(db.query("SELECT * FROM words WHERE segment_id = ? ORDER BY idx", [row["id"]]))
    tokens = text.split()
    with db.conn:
        db.execute("UPDATE segments SET text = ? WHERE id = ?", [text, row["id"]])
        if len(old) == len(tokens):
            db.conn.executemany(
                "UPDATE words SET word = ? WHERE id = ?",
                [(f" {tok}", w["id"]) for tok, w in zip(tokens, old, strict=True)],
            )
        else:
            db.execute("DELETE FROM words WHERE segment_id = ?", [row["id"]])
            new = retime_words(text, row["start"], row["end"], row["speaker"])
            db.conn.executemany(
                'INSERT INTO words (segment_id, idx, start, "end", word, probability, speaker)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (row["id"], j, w.start, w.end, w.word, w.probability, w.speaker)
                    for j, w in enumerate(new)
                ],
            )
        _touch(db, meeting_id)


def update_meeting(
    db: sqlite_utils.Database, meeting_id: int, title: str | None = None, type: str | None = None
) -> Meeting:
    """Rename a meeting or change its type (``None`` leaves a field as it is)."""
    meeting = get_meeting(db, meeting_id)
    changes: dict[str, str] = {}
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise MeetingAppError("a meeting title cannot be empty")
        changes["title"] = title
    if type is not None:
        if type not in MEETING_TYPES:
            raise MeetingAppError(f"{type!r} is not a meeting type ({', '.join(MEETING_TYPES)})")
        changes["type"] = type
    if not changes:
        return meeting
    with db.conn:
        sets = ", ".join(f"{k} = ?" for k in changes)
        db.execute(f"UPDATE meetings SET {sets} WHERE id = ?", [*changes.values(), meeting_id])
        _touch(db, meeting_id)
    return get_meeting(db, meeting_id)
