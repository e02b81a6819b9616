"""People and voices: profiles known across meetings, and each meeting's speakers.

Segments carry the name shown to the user; ``meeting_speakers`` ties that
name to the meeting's diarization label, its voice vector and, once known, a
profile. Every change to profiles bumps ``meta.voice_generation`` so the
derived vector index knows to rebuild.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import sqlite_utils

from meetingapp.domain.speakers import MeetingSpeaker, Profile
from meetingapp.errors import MeetingAppError
from meetingapp.store.meetings import get_meeting, now_iso, speakers_of
from meetingapp.store.voice_samples import add_pending


class SpeakerError(MeetingAppError):
    pass


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32).copy()


def voice_generation(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT value FROM meta WHERE key = 'voice_generation'").fetchone()[0])


def _bump(db: sqlite_utils.Database) -> None:
    db.execute("UPDATE meta SET value = value + 1 WHERE key = 'voice_generation'")


# -- profiles ---------------------------------------------------------------
def clean_name(name: str) -> str:
    """A person's name on one line: a newline in it would break every export's layout."""
    return " ".join(name.split())


def list_profiles(db: sqlite_utils.Database) -> list[Profile]:
    rows = db.query(
        "SELECT p.*, (SELECT COUNT(*) FROM voice_embeddings e WHERE e.profile_id = p.id) AS n,"
        " (SELECT COUNT(DISTINCT meeting_id) FROM meeting_speakers s WHERE s.profile_id = p.id)"
        " AS m, (SELECT COALESCE(SUM(seconds), 0) FROM voice_samples v"
        " WHERE v.profile_id = p.id) AS secs FROM profiles p ORDER BY p.name"
    )
    return [
        Profile(r["id"], r["name"], r["created_at"], r["updated_at"], r["n"], r["m"], r["secs"])
        for r in rows
    ]


def find_profile(db: sqlite_utils.Database, name: str) -> Profile | None:
    return next((p for p in list_profiles(db) if p.name.lower() == clean_name(name).lower()), None)


def get_profile(db: sqlite_utils.Database, name: str) -> Profile:
    profile = find_profile(db, name)
    if profile is None:
        raise SpeakerError(f"no speaker profile named {name!r} (see `meetingapp speakers list`)")
    return profile


def _ensure_profile(db: sqlite_utils.Database, name: str) -> int:
    name = clean_name(name)
    if not name:
        raise SpeakerError("a speaker name cannot be empty")
    existing = find_profile(db, name)
    if existing is not None:
        return existing.id
    stamp = now_iso()
    cur = db.execute(
        "INSERT INTO profiles (name, created_at, updated_at) VALUES (?, ?, ?)", [name, stamp, stamp]
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def _add_vector(
    db: sqlite_utils.Database,
    profile_id: int,
    vector: np.ndarray,
    source: str,
    meeting_id: int | None = None,
) -> None:
    db.execute(
        "INSERT INTO voice_embeddings (profile_id, vector, source, meeting_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [profile_id, to_blob(vector), source, meeting_id, now_iso()],
    )
    db.execute("UPDATE profiles SET updated_at = ? WHERE id = ?", [now_iso(), profile_id])
    _bump(db)


def enroll(db: sqlite_utils.Database, name: str, vectors: list[np.ndarray], source: str) -> Profile:
    """Create (or extend) a profile from voice vectors of a known person."""
    if not vectors:
        raise SpeakerError(f"{source}: no speech found to learn {name}'s voice from")
    with db.conn:
        pid = _ensure_profile(db, name)
        for v in vectors:
            _add_vector(db, pid, v, source)
    return get_profile(db, name)


def profile_vectors(
    db: sqlite_utils.Database, profile_ids: list[int] | None = None
) -> dict[str, list[np.ndarray]]:
    """name → every voice vector enrolled for that person."""
    sql = "SELECT p.name, e.vector FROM voice_embeddings e JOIN profiles p ON p.id = e.profile_id"
    params: list[int] = []
    if profile_ids is not None:
        if not profile_ids:
            return {}
        sql += f" WHERE p.id IN ({', '.join('?' * len(profile_ids))})"
        params = profile_ids
    out: dict[str, list[np.ndarray]] = {}
    for r in db.query(sql, params):
        out.setdefault(r["name"], []).append(from_blob(r["vector"]))
    return out


def rename_profile(db: sqlite_utils.Database, old: str, new: str) -> None:
    profile = get_profile(db, old)
    new = clean_name(new)
    if not new:
        raise SpeakerError("a speaker name cannot be empty")
    if find_profile(db, new) is not None and new.lower() != old.lower():
        raise SpeakerError(f"a profile named {new!r} exists: use `speakers merge` instead")
    with db.conn:
        db.execute(
            "UPDATE profiles SET name = ?, updated_at = ? WHERE id = ?",
            [new, now_iso(), profile.id],
        )
        _rename_everywhere(db, profile.id, old, new)
        _bump(db)


def _rename_everywhere(db: sqlite_utils.Database, profile_id: int, old: str, new: str) -> None:
    """Show the new name on every meeting segment that profile speaks in."""
    for r in list(
        db.query("SELECT meeting_id, name FROM meeting_speakers WHERE profile_id = ?", [profile_id])
    ):
        _set_segment_speaker(db, r["meeting_id"], r["name"], new)
    db.execute("UPDATE meeting_speakers SET name = ? WHERE profile_id = ?", [new, profile_id])


def merge_profiles(db: sqlite_utils.Database, keep: str, drop: str) -> Profile:
    """Two profiles are one person: keep the first, move everything of the second to it."""
    k, d = get_profile(db, keep), get_profile(db, drop)
    if k.id == d.id:
        raise SpeakerError("cannot merge a profile with itself")
    with db.conn:
        _rename_everywhere(db, d.id, d.name, k.name)
        db.execute("UPDATE voice_embeddings SET profile_id = ? WHERE profile_id = ?", [k.id, d.id])
        db.execute("UPDATE voice_samples SET profile_id = ? WHERE profile_id = ?", [k.id, d.id])
        db.execute("UPDATE meeting_speakers SET profile_id = ? WHERE profile_id = ?", [k.id, d.id])
        db.execute("DELETE FROM profiles WHERE id = ?", [d.id])
        _bump(db)
    return get_profile(db, keep)


def forget_profile(db: sqlite_utils.Database, name: str) -> None:
    """Delete a person's voice data; past meetings keep the name as plain text."""
    profile = get_profile(db, name)
    with db.conn:
        db.execute(
            "UPDATE meeting_speakers SET status = 'unknown', centroid = NULL WHERE profile_id = ?",
            [profile.id],
        )
        db.execute("DELETE FROM profiles WHERE id = ?", [profile.id])  # cascades to vectors
        _bump(db)


# -- one meeting's speakers -----------------------------------------------
def save_meeting_speakers(
    db: sqlite_utils.Database, meeting_id: int, speakers: list[MeetingSpeaker]
) -> None:
    """Record the meeting's voices; the caller owns the transaction."""
    for s in speakers:
        suggested = find_profile(db, s.suggested_name) if s.suggested_name else None
        db.execute(
            "INSERT INTO meeting_speakers (meeting_id, label, name, profile_id, status,"
            " suggested_profile_id, score, centroid, heard) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meeting_id,
                s.label,
                s.name,
                s.profile_id,
                s.status,
                suggested.id if suggested else None,
                s.score,
                to_blob(s.centroid) if s.centroid is not None else None,
                s.heard,
            ],
        )


def meeting_speakers(db: sqlite_utils.Database, meeting_id: int) -> list[MeetingSpeaker]:
    rows = db.query(
        "SELECT s.*, p.name AS suggested_name FROM meeting_speakers s"
        " LEFT JOIN profiles p ON p.id = s.suggested_profile_id"
        " WHERE s.meeting_id = ? ORDER BY s.label",
        [meeting_id],
    )
    return [
        MeetingSpeaker(
            r["label"],
            r["name"],
            r["profile_id"],
            r["status"],
            r["suggested_name"],
            r["score"],
            from_blob(r["centroid"]) if r["centroid"] else None,
            r["heard"],
            r["declined"],
        )
        for r in rows
    ]


def meeting_speaker(db: sqlite_utils.Database, meeting_id: int, who: str | None) -> MeetingSpeaker:
    """A speaker of the meeting by name or label (segments with no speaker: None)."""
    get_meeting(db, meeting_id)
    speakers = meeting_speakers(db, meeting_id)
    for s in speakers:
        if who is not None and who.lower() in (s.name.lower(), s.label.lower()):
            return s
    used = db.execute(
        "SELECT COUNT(*) FROM segments WHERE meeting_id = ? AND speaker IS ?", [meeting_id, who]
    ).fetchone()[0]
    if not used:
        raise SpeakerError(f"meeting {meeting_id} has no speaker {who!r}")
    # a name on segments with no voice of its own (undiarized, or typed in by hand)
    label = f"MANUAL_{len(speakers) + 1:02d}"
    with db.conn:
        db.execute(
            "INSERT INTO meeting_speakers (meeting_id, label, name) VALUES (?, ?, ?)",
            [meeting_id, label, who or ""],
        )
    return MeetingSpeaker(label, who or "", None, "unknown", None, None, None)


def _set_segment_speaker(
    db: sqlite_utils.Database, meeting_id: int, old: str | None, new: str
) -> None:
    old = old or None  # a hand-made speaker row stores "" for unlabelled segments
    db.execute(
        "UPDATE words SET speaker = ? WHERE speaker IS ? AND segment_id IN"
        " (SELECT id FROM segments WHERE meeting_id = ?)",
        [new, old, meeting_id],
    )
    db.execute(
        "UPDATE segments SET speaker = ? WHERE meeting_id = ? AND speaker IS ?",
        [new, meeting_id, old],
    )
    db.execute(
        "UPDATE action_items SET owner = ? WHERE meeting_id = ? AND owner IS ?",
        [new, meeting_id, old],
    )
    if old:
        _rename_in_minutes(db, meeting_id, old, new)
    db.execute("UPDATE meetings SET updated_at = ? WHERE id = ?", [now_iso(), meeting_id])


def _rename_in_minutes(db: sqlite_utils.Database, meeting_id: int, old: str, new: str) -> None:
    """The minutes' text names people too ("send Speaker 2 the keys"): keep it in step.

    The stored minutes are JSON: the names are replaced in the decoded strings, never
    in the JSON text, where a quote or backslash in a name would corrupt it.
    """
    # Lookarounds, not \b: a name may begin or end with punctuation ('Bob "B"').
    pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")

    def rename(text: str) -> str:
        return pattern.sub(lambda _: new, text)

    row = db.execute("SELECT data FROM minutes WHERE meeting_id = ?", [meeting_id]).fetchone()
    if row is not None:
        data = json.dumps(_map_strings(json.loads(row[0]), rename), ensure_ascii=False)
        db.execute("UPDATE minutes SET data = ? WHERE meeting_id = ?", [data, meeting_id])
    for r in list(db.query("SELECT id, task FROM action_items WHERE meeting_id = ?", [meeting_id])):
        task = rename(r["task"])
        if task != r["task"]:
            db.execute("UPDATE action_items SET task = ? WHERE id = ?", [task, r["id"]])


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` (decoded JSON) with ``change`` applied to every string in it but the keys."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _map_strings(v, change) for k, v in value.items()}
    return value


def name_speaker(
    db: sqlite_utils.Database,
    meeting_id: int,
    who: str | None,
    new_name: str,
    learn: bool = True,
) -> None:
    """Name a meeting's speaker; with ``learn`` the voice joins that person's profile.

    Naming it after another speaker of the same meeting merges the two.
    Confirming a suggestion is naming the speaker with the suggested name.
    """
    new_name = clean_name(new_name)
    if not new_name:
        raise SpeakerError("a speaker name cannot be empty")
    speaker = meeting_speaker(db, meeting_id, who)
    other = next(
        (
            s
            for s in meeting_speakers(db, meeting_id)
            if s.name.lower() == new_name.lower() and s.label != speaker.label
        ),
        None,
    )
    with db.conn:
        if other is not None:
            _set_segment_speaker(db, meeting_id, speaker.name, other.name)
            db.execute(
                "DELETE FROM meeting_speakers WHERE meeting_id = ? AND label = ?",
                [meeting_id, speaker.label],
            )
            return
        profile_id = None
        if learn:
            profile_id = _ensure_profile(db, new_name)
            if speaker.centroid is not None and speaker.profile_id != profile_id:
                _add_vector(db, profile_id, speaker.centroid, f"meeting:{meeting_id}", meeting_id)
                add_pending(
                    db,
                    profile_id,
                    meeting_id,
                    _talk(db, meeting_id, speaker.name),
                    f"meeting:{meeting_id}",
                )
        _set_segment_speaker(db, meeting_id, speaker.name, new_name)
        db.execute(
            "UPDATE meeting_speakers SET name = ?, profile_id = ?, status = ?, heard = NULL"
            " WHERE meeting_id = ? AND label = ?",
            [
                new_name,
                profile_id,
                "confirmed" if learn else "unknown",
                meeting_id,
                speaker.label,
            ],
        )


def unname_heard(db: sqlite_utils.Database, meeting_id: int, who: str) -> str:
    """Undo a name learnt from the conversation: the voice is "Speaker N" again (N its
    place among the meeting's speakers, as the pipeline numbered them) and learns
    nothing; returns that label. Its proposal is then offered again, not applied."""
    speaker = meeting_speaker(db, meeting_id, who)
    if speaker.heard is None:
        raise SpeakerError(f"{speaker.name!r} was not named from the conversation")
    names = {s.name.lower() for s in meeting_speakers(db, meeting_id)}
    order = [s for s in speakers_of(db, meeting_id) if s is not None]
    n = order.index(speaker.name) + 1 if speaker.name in order else len(order) + 1
    while f"speaker {n}" in names:
        n += 1
    label = f"Speaker {n}"
    name_speaker(db, meeting_id, speaker.name, label, learn=False)
    with db.conn:  # the user said no: the name stays an offer, never shown as sure
        db.execute(
            "UPDATE meeting_speakers SET declined = ? WHERE meeting_id = ? AND label = ?",
            [speaker.name, meeting_id, speaker.label],
        )
    return label


def samples_from_named_meetings(db: sqlite_utils.Database, profile_id: int) -> None:
    """Queue voice samples for a profile from every meeting where the user named that
    voice and that gave it none yet (newest first, within the profile's budget).

    Profiles enrolled before samples were kept are only ever suggested, and their owners
    have usually named them in meetings already: those recordings hold the person's speech,
    so enrolling again needs no new recording. Names given automatically are not trusted
    for this, only the user's. The caller cuts the speech (profile_voices.cut_pending).
    """
    rows = db.execute(
        "SELECT meeting_id, name FROM meeting_speakers WHERE profile_id = ?"
        " AND status = 'confirmed' AND meeting_id NOT IN"
        " (SELECT meeting_id FROM voice_samples WHERE profile_id = ? AND meeting_id IS NOT NULL)"
        " ORDER BY meeting_id DESC",
        [profile_id, profile_id],
    ).fetchall()
    with db.conn:
        for meeting_id, speaker in rows:
            add_pending(
                db, profile_id, meeting_id, _talk(db, meeting_id, speaker), f"meeting:{meeting_id}"
            )


def _talk(db: sqlite_utils.Database, meeting_id: int, name: str) -> list[tuple[float, float]]:
    """Where a speaker talks in a meeting (its lines), the voice sample's regions."""
    rows = db.execute(
        'SELECT start, "end" FROM segments WHERE meeting_id = ? AND speaker IS ? ORDER BY idx',
        [meeting_id, name or None],
    ).fetchall()
    return [(float(a), float(b)) for a, b in rows]


def reassign_segment(
    db: sqlite_utils.Database, meeting_id: int, segment_index: int, name: str
) -> None:
    """Give one segment (and its words) to another speaker, new or existing."""
    name = clean_name(name)
    row = db.execute(
        "SELECT id FROM segments WHERE meeting_id = ? AND idx = ?", [meeting_id, segment_index]
    ).fetchone()
    if row is None:
        raise SpeakerError(f"meeting {meeting_id} has no segment {segment_index}")
    names = {s.name.lower() for s in meeting_speakers(db, meeting_id)}
    with db.conn:
        if name.lower() not in names:
            n = len(names) + 1
            profile = find_profile(db, name)
            db.execute(
                "INSERT INTO meeting_speakers (meeting_id, label, name, profile_id, status)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    meeting_id,
                    f"MANUAL_{n:02d}",
                    name,
                    profile.id if profile else None,
                    "confirmed" if profile else "unknown",
                ],
            )
        db.execute("UPDATE segments SET speaker = ? WHERE id = ?", [name, row[0]])
        db.execute("UPDATE words SET speaker = ? WHERE segment_id = ?", [name, row[0]])


def split_speaker(
    db: sqlite_utils.Database, meeting_id: int, segment_indexes: list[int], new_name: str
) -> None:
    """Two people were taken for one: move these segments to a new speaker."""
    for i in segment_indexes:
        reassign_segment(db, meeting_id, i, new_name)
