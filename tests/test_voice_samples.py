"""Profiles keep their voice samples; names are given unasked only on CAM++ evidence.

Real models on real audio: LibriSpeech enrollment (close talk) and the AMI clips
(far field) from ../shared/eval.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from evaldata import EVAL

from meetingapp.domain.audio import SpeechRegion
from meetingapp.domain.speakers import MeetingSpeaker
from meetingapp.domain.transcript import Segment, Transcript
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.campplus import default_campplus
from meetingapp.engine.speakers.diarize import Diarization, diarize
from meetingapp.engine.speakers.embedding import default_embedder
from meetingapp.engine.speakers.known_voices import identify
from meetingapp.engine.speakers.profile_voices import meeting_campplus, profile_campplus
from meetingapp.engine.speakers.segmentation import default_segmentation
from meetingapp.engine.vad import detect_speech
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library
from meetingapp.store import speakers as sp
from meetingapp.store.db import open_db
from meetingapp.store.meetings import NewMeeting, insert_meeting
from meetingapp.store.migrations import MIGRATIONS
from meetingapp.store.voice_samples import add_samples, samples

ENROLL = EVAL / "enroll" / "librispeech"
AMI = EVAL / "diar" / "ami"


def utterances(speaker: str) -> list[Path]:
    return sorted((ENROLL / speaker).glob("*.flac"))


def probe(path: Path) -> tuple[dict[str, np.ndarray], object]:
    """A one-voice "meeting": its d-vector centroid and its CAM++ vector, as the pipeline
    gives them to identify()."""
    speech = load_audio(path).samples
    return {"X": default_embedder().embed(speech)}, lambda emb: {"X": emb.embed(speech)}


def test_enrolled_voices_are_named_and_strangers_are_not(home: Path) -> None:
    library = Library(home)
    people = {"367": "Ann", "533": "Ben", "1688": "Cy", "2033": "Dee"}
    for speaker, name in people.items():
        profile = library.enroll_files(name, utterances(speaker)[:2])
        assert not profile.needs_reenrollment and 0 < profile.sample_seconds <= 60
    assert len(list((home / "voices").glob("*.flac"))) == 8
    with library.connect() as db:
        for speaker, name in people.items():
            centroids, voices = probe(utterances(speaker)[5])
            got = identify(db, home, centroids, campplus_voices=voices)["X"]
            assert (got.name, got.decision) == (name, "assign"), got
        centroids, voices = probe(utterances("1998")[5])  # never enrolled
        assert identify(db, home, centroids, campplus_voices=voices)["X"].decision != "assign"
        # CAM++ vectors were computed once and kept with the samples
        assert all(s.campplus is not None for s in samples(db))


def _voices(stem: str) -> tuple[object, Diarization]:
    audio = load_audio(AMI / f"{stem}.wav")
    return audio, diarize(audio, detect_speech(audio), segmentation=default_segmentation())


def test_a_far_field_stranger_is_never_named(home: Path) -> None:
    """AMI meetings share no one: trn08's voices against profiles enrolled from the voices
    of trn06 and trn00 (other meetings), each profile keeping its own speech."""
    db = open_db(home)
    for stem in ("trn06", "trn00"):
        audio, d = _voices(stem)
        for label, centroid in d.centroids.items():
            turns = [SpeechRegion(t.start, t.end) for t in d.turns if t.speaker == label]
            profile = sp.enroll(db, f"{stem}-{label}", [centroid], f"meeting:{stem}")
            add_samples(db, home, profile.id, [audio.speech(turns)], f"meeting:{stem}")
    audio, meeting = _voices("trn08")
    got = identify(
        db,
        home,
        meeting.centroids,
        campplus_voices=lambda emb: meeting_campplus(audio, meeting.turns, emb),
    )
    assert got and all(m.campplus is not None for m in got.values())
    assert all(m.decision != "assign" for m in got.values()), got


def _old_database(home: Path) -> None:
    """A data folder from before voice samples: schema 7, one d-vector profile."""
    home.mkdir(parents=True)
    con = sqlite3.connect(home / "meetings.db")
    for version, sql in MIGRATIONS[:7]:
        con.executescript(f"BEGIN; {sql}; PRAGMA user_version = {version}; COMMIT;")
    vector = default_embedder().embed(load_audio(utterances("367")[1]).samples)
    con.execute("INSERT INTO profiles VALUES (1, 'Ann', '2026-01-01', '2026-01-01')")
    con.execute(
        "INSERT INTO voice_embeddings (profile_id, vector, source, created_at)"
        " VALUES (1, ?, 'file:a.flac', '2026-01-01')",
        [vector.tobytes()],
    )
    con.commit()
    con.close()


def test_migration_keeps_old_profiles(home: Path) -> None:
    _old_database(home)
    db = open_db(home)
    assert db.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0]
    assert (home / "backups" / "meetings-before-v8.db").is_file()
    [ann] = sp.list_profiles(db)
    assert (ann.name, ann.embeddings, ann.needs_reenrollment) == ("Ann", 1, True)
    assert asdict(ann)["needs_reenrollment"] is True  # what the API's JSON says
    # the very voice it was enrolled from: still found, but only suggested (no CAM++)
    centroids, voices = probe(utterances("367")[1])
    got = identify(db, home, centroids, campplus_voices=voices)["X"]
    assert (got.name, got.decision, got.campplus) == ("Ann", "suggest", None)
    # enrolling again gives it samples: then it is named
    profile = Library(home).enroll_files("Ann", utterances("367")[:2])
    assert not profile.needs_reenrollment and profile.embeddings == 3
    assert identify(db, home, centroids, campplus_voices=voices)["X"].decision == "assign"


def test_a_damaged_sample_is_one_line(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    Library(home).enroll_files("Ann", utterances("367")[:1])
    [flac] = (home / "voices").glob("*.flac")
    flac.write_bytes(b"not a flac file")
    db = open_db(home)
    centroids, voices = probe(utterances("367")[5])
    with caplog.at_level(logging.WARNING):
        got = identify(db, home, centroids, campplus_voices=voices)["X"]
    assert (got.name, got.decision) == ("Ann", "suggest")
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert str(flac) in line and "Ann" in line and "\n" not in line


def test_forgetting_or_merging_a_profile_keeps_no_stray_samples(home: Path) -> None:
    library = Library(home)
    library.enroll_files("Ann", utterances("367")[:2])
    library.enroll_files("Ben", utterances("533")[:1])
    library.merge_profiles("Ann", "Ben")
    assert {p.name: p.sample_seconds > 0 for p in library.profiles()} == {"Ann": True}
    with library.connect() as db:
        assert {s.name for s in samples(db)} == {"Ann"} and len(samples(db)) == 3
    library.forget_profile("Ann")
    assert library.profiles() == [] and list((home / "voices").iterdir()) == []
    with library.connect() as db:
        assert samples(db) == []


def test_naming_a_meeting_speaker_keeps_its_speech(home: Path) -> None:
    """Naming a voice records where it talks; the sample is cut from the recording when
    identification next needs it, off the window's thread."""
    (home / "originals").mkdir(parents=True)
    shutil.copy(AMI / "trn00.wav", home / "originals" / "trn00.wav")
    audio, d = _voices("trn00")
    label = max(d.centroids, key=lambda k: sum(t.end - t.start for t in d.turns if t.speaker == k))
    lines = [Segment(t.start, t.end, " words", [], t.speaker) for t in d.turns]
    db = open_db(home)
    with db.conn:
        new = NewMeeting("m", "general", "2026-01-01", "x", "trn00.wav", "originals/trn00.wav")
        meeting = insert_meeting(db, new, Transcript("en", audio.duration, lines))
        sp.save_meeting_speakers(
            db,
            meeting,
            [MeetingSpeaker(label, label, None, "unknown", None, None, d.centroids[label])],
        )
    sp.name_speaker(db, meeting, label, "Dana")
    [pending] = samples(db)
    assert pending.path is None and pending.meeting_id == meeting
    profile_campplus(db, home, [sp.get_profile(db, "Dana").id], default_campplus())
    [cut] = samples(db)
    assert cut.path is not None and (home / cut.path).is_file() and cut.campplus is not None
    assert sp.get_profile(db, "Dana").sample_seconds > 1.0


def _meeting_of(db: object, home: Path, clip: Path, name: str, status: str) -> int:
    """A meeting whose one voice, ``name``, talks through ``clip`` (named with ``status``)."""
    (home / "originals").mkdir(parents=True, exist_ok=True)
    shutil.copy(clip, home / "originals" / clip.name)
    audio = load_audio(clip)
    lines = [Segment(0.0, audio.duration, " words", [], name)]
    profile = sp.get_profile(db, name)
    with db.conn:
        new = NewMeeting(
            clip.stem, "general", "2026-01-01", "x", clip.name, f"originals/{clip.name}"
        )
        meeting = insert_meeting(db, new, Transcript("en", audio.duration, lines))
        voice = default_embedder().embed(audio.samples)
        sp.save_meeting_speakers(
            db, meeting, [MeetingSpeaker("S1", name, profile.id, status, None, None, voice)]
        )
    return meeting


def test_an_old_profile_is_enrolled_again_from_the_meetings_where_it_was_named(
    home: Path,
) -> None:
    """A profile from before voice samples gets them from the meetings where the user named
    its voice (never from names given automatically), and is then named unasked again."""
    _old_database(home)
    db = open_db(home)
    library = Library(home)
    auto = _meeting_of(db, home, utterances("367")[2], "Ann", "auto")
    with pytest.raises(MeetingAppError, match="no meeting has Ann's voice named by you"):
        library.enroll_again("Ann")
    assert samples(db) == [] and sp.get_profile(db, "Ann").needs_reenrollment
    named = _meeting_of(db, home, utterances("367")[3], "Ann", "confirmed")
    profile = library.enroll_again("Ann")
    assert not profile.needs_reenrollment
    [sample] = samples(db)
    assert sample.meeting_id == named != auto and (home / str(sample.path)).is_file()
    centroids, voices = probe(utterances("367")[1])
    assert identify(db, home, centroids, campplus_voices=voices)["X"].decision == "assign"
    # again: nothing new to take, the samples are kept
    assert library.enroll_again("Ann").sample_seconds == profile.sample_seconds


def test_enrolling_again_from_a_recording_gone_since_says_so(home: Path) -> None:
    _old_database(home)
    db = open_db(home)
    _meeting_of(db, home, utterances("367")[3], "Ann", "confirmed")
    (home / "originals" / utterances("367")[3].name).unlink()
    with pytest.raises(MeetingAppError, match="Ann"):
        Library(home).enroll_again("Ann")
    assert samples(db) == []
