"""Each profile's own speech, kept so any future voice embedding can be computed from it.

Profiles used to keep only d-vectors: a better embedding (CAM++, which names no
far-field stranger where the d-vector did) could not be used for them, because a
vector cannot be turned back into sound. Now every enrollment keeps up to
:data:`MAX_PROFILE_S` of the person's speech as 16 kHz mono 16-bit FLAC in the
data folder's ``voices`` (about 1 MB a minute), one row per sample in
``voice_samples``. A sample learnt by naming a meeting's speaker is recorded
first as that speaker's regions of the meeting (no file yet): naming happens on
the window's thread, and cutting it means decoding the whole recording, so that
is left to the next identification, in the background. Sample vectors are cached
in the row (``campplus``), so each sample is embedded once.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
import sqlite_utils

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.store.meetings import now_iso

log = logging.getLogger(__name__)

#: Speech kept per profile: CAM++'s profile vectors settle within seconds, and a minute
#: covers several enrollments without the folder growing with every meeting.
MAX_PROFILE_S = 60.0
FOLDER = "voices"


@dataclass(frozen=True)
class Sample:
    """A stored sample: its row, its person, and its cached CAM++ vector if computed."""

    id: int
    name: str
    path: str | None
    meeting_id: int | None
    regions: list[tuple[float, float]]
    campplus: np.ndarray | None


def voices_dir(data: Path) -> Path:
    return data / FOLDER


def stored_seconds(db: sqlite_utils.Database, profile_id: int) -> float:
    row = db.execute(
        "SELECT COALESCE(SUM(seconds), 0) FROM voice_samples WHERE profile_id = ?", [profile_id]
    ).fetchone()
    return float(row[0])


def _write_flac(data: Path, speech: np.ndarray) -> str:
    """Write whole or not at all (a temporary name, then renamed); returns the path
    relative to the data folder, which is what the row keeps (the folder may move)."""
    folder = voices_dir(data)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.flac"
    tmp = folder / f".{name}.tmp"
    pcm = np.clip(np.asarray(speech, dtype=np.float32), -1.0, 1.0)
    soundfile.write(tmp, pcm, SAMPLE_RATE, subtype="PCM_16", format="FLAC")
    os.replace(tmp, folder / name)
    return f"{FOLDER}/{name}"


def add_samples(
    db: sqlite_utils.Database,
    data: Path,
    profile_id: int,
    clips: list[np.ndarray],
    source: str,
) -> float:
    """Keep ``clips`` (16 kHz mono speech) for the profile, within its budget; returns the
    seconds kept. A file whose row could not be written is removed again."""
    budget = MAX_PROFILE_S - stored_seconds(db, profile_id)
    written: list[Path] = []
    kept = 0.0
    try:
        with db.conn:
            for clip in clips:
                take = clip[: int(max(0.0, budget - kept) * SAMPLE_RATE)]
                if len(take) < SAMPLE_RATE:  # under a second: not worth a file
                    break
                path = _write_flac(data, take)
                written.append(data / path)
                seconds = len(take) / SAMPLE_RATE
                db.execute(
                    "INSERT INTO voice_samples (profile_id, path, seconds, source, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [profile_id, path, seconds, source, now_iso()],
                )
                kept += seconds
    except BaseException:
        remove_files(written)
        raise
    return kept


def add_pending(
    db: sqlite_utils.Database,
    profile_id: int,
    meeting_id: int,
    regions: list[tuple[float, float]],
    source: str,
) -> None:
    """Remember where a meeting's speaker talks, to cut the sample later (see the module
    docstring); within the profile's budget. The caller owns the transaction."""
    budget = MAX_PROFILE_S - stored_seconds(db, profile_id)
    kept: list[tuple[float, float]] = []
    total = 0.0
    for start, end in regions:
        take = min(end - start, budget - total)
        if take <= 0:
            break
        kept.append((round(start, 3), round(start + take, 3)))
        total += take
    if total >= 1.0:
        db.execute(
            "INSERT INTO voice_samples (profile_id, meeting_id, regions, seconds, source,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [profile_id, meeting_id, json.dumps(kept), total, source, now_iso()],
        )


def samples(db: sqlite_utils.Database, profile_ids: list[int] | None = None) -> list[Sample]:
    """Every sample of these profiles (all profiles: None), oldest first."""
    if profile_ids == []:
        return []
    sql = "SELECT v.*, p.name FROM voice_samples v JOIN profiles p ON p.id = v.profile_id"
    params: list[int] = []
    if profile_ids is not None:
        sql += f" WHERE p.id IN ({', '.join('?' * len(profile_ids))})"
        params = profile_ids
    return [
        Sample(
            r["id"],
            r["name"],
            r["path"],
            r["meeting_id"],
            [tuple(x) for x in json.loads(r["regions"] or "[]")],
            np.frombuffer(r["campplus"], dtype=np.float32).copy() if r["campplus"] else None,
        )
        for r in db.query(sql + " ORDER BY v.id", params)
    ]


def read_sample(data: Path, sample: Sample) -> np.ndarray | None:
    """The sample's speech; a missing or damaged file is one warning line and None (that
    person is then named with their d-vectors only, as before samples were kept)."""
    assert sample.path is not None
    path = data / sample.path
    try:
        speech, rate = soundfile.read(path, dtype="float32", always_2d=False)
    except (OSError, RuntimeError) as e:  # soundfile: LibsndfileError is a RuntimeError
        log.warning("%s: %s's voice sample cannot be read (%s); skipped", path, sample.name, e)
        return None
    if rate != SAMPLE_RATE or speech.ndim != 1:
        log.warning("%s: %s's voice sample is not 16 kHz mono; skipped", path, sample.name)
        return None
    return speech


def fill_pending(db: sqlite_utils.Database, data: Path, sample_id: int, speech: np.ndarray) -> None:
    """Store the speech cut for a pending sample."""
    path = _write_flac(data, speech)
    try:
        with db.conn:
            db.execute(
                "UPDATE voice_samples SET path = ?, regions = NULL, seconds = ? WHERE id = ?",
                [path, len(speech) / SAMPLE_RATE, sample_id],
            )
    except BaseException:
        remove_files([data / path])
        raise


def drop_sample(db: sqlite_utils.Database, sample_id: int) -> None:
    """A pending sample whose meeting is gone (or holds too little speech)."""
    with db.conn:
        db.execute("DELETE FROM voice_samples WHERE id = ?", [sample_id])


def cache_campplus(db: sqlite_utils.Database, vectors: dict[int, np.ndarray]) -> None:
    """Sample id -> its CAM++ vector, kept so it is computed once."""
    with db.conn:
        for sample_id, v in vectors.items():
            db.execute(
                "UPDATE voice_samples SET campplus = ? WHERE id = ?",
                [np.asarray(v, dtype=np.float32).tobytes(), sample_id],
            )


def sample_files(db: sqlite_utils.Database, data: Path, profile_id: int) -> list[Path]:
    """The files of a profile's samples, to delete with it."""
    rows = db.execute(
        "SELECT path FROM voice_samples WHERE profile_id = ? AND path IS NOT NULL", [profile_id]
    ).fetchall()
    return [data / r[0] for r in rows]


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
