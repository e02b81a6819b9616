"""CAM++ vectors for identification: the profiles' from their kept samples, a meeting's
from its voices' own speech.

Identification names someone unasked only on CAM++ evidence (identify.py), the
embedding that kept far-field strangers apart. Profiles keep their speech
(store/voice_samples.py) rather than CAM++ vectors, so a later embedding can be
computed the same way; each sample's vector is cached in its row, so a sample is
embedded once. Samples learnt by naming a meeting's speaker are cut here from the
meeting's recording, in the identify stage, off the window's thread.
"""

from __future__ import annotations

import logging
from itertools import groupby
from pathlib import Path

import numpy as np
import sqlite_utils

from meetingapp.domain.audio import SAMPLE_RATE, Audio, SpeechRegion
from meetingapp.domain.transcript import SpeakerTurn
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.diarize import speaker_voices
from meetingapp.engine.speakers.embedding import SpeakerEmbedder
from meetingapp.engine.speakers.identify import profile_vector
from meetingapp.errors import MeetingAppError
from meetingapp.store.meetings import get_meeting
from meetingapp.store.voice_samples import (
    cache_campplus,
    drop_sample,
    fill_pending,
    read_sample,
    samples,
)

log = logging.getLogger(__name__)

#: Speech per meeting voice given to CAM++: as much as a profile keeps, and it bounds
#: the cost on long meetings.
MAX_VOICE_S = 60.0
#: Less speech than this gives no vector (as for enrollment).
MIN_SPEECH_S = 1.0


def profile_campplus(
    db: sqlite_utils.Database, data: Path, profile_ids: list[int], embedder: SpeakerEmbedder
) -> dict[str, np.ndarray]:
    """Profile name -> its CAM++ vector, for those of ``profile_ids`` with usable samples."""
    cut_pending(db, data, profile_ids)
    kept = samples(db, profile_ids)
    fresh: dict[int, np.ndarray] = {}
    for s in kept:
        if s.path is None or s.campplus is not None:
            continue
        speech = read_sample(data, s)
        if speech is not None and len(speech) >= MIN_SPEECH_S * SAMPLE_RATE:
            fresh[s.id] = embedder.embed(speech)
    if fresh:
        cache_campplus(db, fresh)
    vectors: dict[str, list[np.ndarray]] = {}
    for s in kept:
        v = fresh.get(s.id, s.campplus)
        if v is not None:
            vectors.setdefault(s.name, []).append(v)
    return {name: profile_vector(vs) for name, vs in vectors.items()}


def cut_pending(db: sqlite_utils.Database, data: Path, profile_ids: list[int]) -> None:
    """Cut these profiles' samples learnt from meetings out of their recordings, one decode
    per meeting. A meeting deleted since, or whose recording cannot be read, gives no
    sample: one line says so, and the person keeps their d-vector from it."""
    pending = [s for s in samples(db, profile_ids) if s.path is None]
    by_meeting = sorted(pending, key=lambda s: s.meeting_id or 0)
    for meeting_id, group in groupby(by_meeting, key=lambda s: s.meeting_id):
        todo = list(group)
        audio = _meeting_audio(db, data, meeting_id) if meeting_id is not None else None
        for s in todo:
            speech = audio.speech([SpeechRegion(a, b) for a, b in s.regions]) if audio else None
            if speech is None or len(speech) < MIN_SPEECH_S * SAMPLE_RATE:
                drop_sample(db, s.id)
            else:
                fill_pending(db, data, s.id, speech)


def _meeting_audio(db: sqlite_utils.Database, data: Path, meeting_id: int) -> Audio | None:
    try:
        return load_audio(data / get_meeting(db, meeting_id).source_path)
    except MeetingAppError as e:
        log.warning("meeting %s: no voice sample cut from its recording (%s)", meeting_id, e)
        return None


def meeting_campplus(
    audio: Audio, turns: list[SpeakerTurn], embedder: SpeakerEmbedder
) -> dict[str, np.ndarray]:
    """A CAM++ vector per diarized voice, from its first :data:`MAX_VOICE_S` of turns
    (where it talks alone, as :func:`speaker_voices` picks)."""
    spent: dict[str, float] = {}
    kept: list[SpeakerTurn] = []
    for t in turns:
        if spent.get(t.speaker, 0.0) < MAX_VOICE_S:
            kept.append(t)
            spent[t.speaker] = spent.get(t.speaker, 0.0) + t.end - t.start
    voiced = [t for t in kept if spent[t.speaker] >= MIN_SPEECH_S]
    return speaker_voices(audio, voiced, embedder) if voiced else {}
