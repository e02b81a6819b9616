"""Names learnt from the conversation, applied by the import pipeline (issue 14).

A voice is named from what people said only when a self-introduction is confirmed by
someone else (conversation.py's rule); enrolled people and names the user typed win.
The slow tests run the real pipeline (VAD, Whisper base, diarization) on the synthetic
meetings of tests/data/voices, where pairs of voices are alike.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sqlite_utils import Database

from evaluation.der import read_rttm
from meetingapp.domain.speakers import MeetingSpeaker
from meetingapp.domain.transcript import Segment, Transcript, Word
from meetingapp.engine.minutes.people import is_label, same_name
from meetingapp.engine.speakers.conversation import apply_heard_names, proposed_names
from meetingapp.store.db import open_db
from meetingapp.store.meetings import NewMeeting, insert_meeting, load_segments
from meetingapp.store.speakers import (
    SpeakerError,
    enroll,
    meeting_speakers,
    name_speaker,
    save_meeting_speakers,
    unname_heard,
)

sys.path.insert(0, str(Path(__file__).parent))
import voices_data  # noqa: E402

LINES = [
    ("Speaker 1", "Hi everyone, I'm Lena from finance. Omar, could you start?"),
    ("Speaker 2", "Sure, I'm Omar. The numbers are in and we are on budget."),
    ("Dana", "Thanks. Lena, what do you make of it?"),
    ("Speaker 1", "Good news. Let's wrap up then."),
    ("Speaker 3", "One thing from me: the office move is next week."),
]


def _segments() -> list[Segment]:
    return [
        Segment(
            i * 5.0,
            i * 5.0 + 4.0,
            text,
            [Word(i * 5.0, i * 5.0 + 1.0, text.split()[0], 0.9, who)],
            speaker=who,
        )
        for i, (who, text) in enumerate(LINES)
    ]


def _speakers() -> list[MeetingSpeaker]:
    return [
        MeetingSpeaker("SPEAKER_00", "Speaker 1", None, "unknown", None, None, None),
        MeetingSpeaker("SPEAKER_01", "Speaker 2", None, "unknown", None, None, None),
        MeetingSpeaker("SPEAKER_02", "Dana", 1, "auto", None, 0.95, None),
        MeetingSpeaker("SPEAKER_03", "Speaker 3", None, "unknown", None, None, None),
    ]


def test_confirmed_names_are_applied_to_segments_and_words() -> None:
    segments, speakers = apply_heard_names(_segments(), _speakers(), set())
    by_label = {s.label: s for s in speakers}
    assert by_label["SPEAKER_00"].name == "Lena" and by_label["SPEAKER_00"].heard
    assert by_label["SPEAKER_01"].name == "Omar" and "Omar, could you" in str(
        by_label["SPEAKER_01"].heard
    )
    assert by_label["SPEAKER_02"].name == "Dana" and by_label["SPEAKER_02"].heard is None
    assert by_label["SPEAKER_03"].name == "Speaker 3" and by_label["SPEAKER_03"].heard is None
    assert [s.speaker for s in segments] == ["Lena", "Omar", "Dana", "Lena", "Speaker 3"]
    assert [s.words[0].speaker for s in segments] == ["Lena", "Omar", "Dana", "Lena", "Speaker 3"]


def test_profiles_win_over_the_conversation() -> None:
    """A name that is a profile's is never applied to another voice (that person's voice
    did not match), nor is a voice a profile resembles renamed: both stay offers."""
    speakers = _speakers()
    speakers[1] = MeetingSpeaker("SPEAKER_01", "Speaker 2", None, "suggested", "Tom", 0.8, None)
    segments, named = apply_heard_names(_segments(), speakers, {"lena"})
    assert [s.name for s in named] == ["Speaker 1", "Speaker 2", "Dana", "Speaker 3"]
    assert all(s.heard is None for s in named)
    assert segments[0].speaker == "Speaker 1"
    offers = proposed_names(segments, named)
    assert offers["Speaker 1"].name == "Lena" and offers["Speaker 2"].name == "Omar"


def test_a_voice_of_two_people_gets_no_name_but_the_others_do() -> None:
    """Three people named but two voices found: the voice that is Omar and Dana merged
    introduces itself twice, so it gets no name; Lena, confirmed by another voice, does."""
    lines = [
        ("Speaker 1", "Hi, I'm Lena. Omar, could you start?"),
        ("Speaker 2", "Sure, I'm Omar. Lena, what do you make of the budget?"),
        ("Speaker 1", "It looks fine to me."),
        ("Speaker 2", "Yes. I'm Dana, and the numbers are in."),
    ]
    segments = [
        Segment(i * 5.0, i * 5.0 + 4.0, text, speaker=who) for i, (who, text) in enumerate(lines)
    ]
    proposals = proposed_names(segments, _speakers()[:2])
    assert proposals["Speaker 1"].crowded and proposals["Speaker 1"].applied
    assert "Speaker 2" not in proposals or not proposals["Speaker 2"].applied
    named = {s.label: s.name for s in apply_heard_names(segments, _speakers()[:2], set())[1]}
    assert named["SPEAKER_00"] == "Lena" and named["SPEAKER_01"] == "Speaker 2"


def _stored(db: Database) -> int:
    dana = enroll(db, "Dana", [np.ones(4, np.float32) / 2], "test")
    speakers = [replace(s, profile_id=dana.id) if s.name == "Dana" else s for s in _speakers()]
    segments, speakers = apply_heard_names(_segments(), speakers, set())
    new = NewMeeting("m", "general", "2026-12-07T10:00:00+00:00", "sha", "m.wav", "o/m.wav")
    with db.conn:
        meeting = insert_meeting(db, new, Transcript("en", 25.0, segments))
        save_meeting_speakers(db, meeting, speakers)
    return meeting


def test_heard_name_is_stored_and_can_be_undone_or_renamed(tmp_path: Path) -> None:
    db = open_db(tmp_path / "data")
    meeting = _stored(db)
    heard = {s.name: s.heard for s in meeting_speakers(db, meeting)}
    assert heard["Lena"] and heard["Omar"] and heard["Dana"] is None
    assert unname_heard(db, meeting, "Lena") == "Speaker 1"
    assert load_segments(db, meeting)[0].speaker == "Speaker 1"
    undone = next(s for s in meeting_speakers(db, meeting) if s.label == "SPEAKER_00")
    assert (undone.heard, undone.declined) == (None, "Lena")
    # the user said no: the name is still offered, but never as sure again
    offer = proposed_names(load_segments(db, meeting), meeting_speakers(db, meeting))["Speaker 1"]
    assert offer.name == "Lena" and not offer.applied
    with pytest.raises(SpeakerError):
        unname_heard(db, meeting, "Dana")  # a profile's name is no heard name
    name_speaker(db, meeting, "Omar", "Omar Haddad", learn=False)
    renamed = next(s for s in meeting_speakers(db, meeting) if s.label == "SPEAKER_01")
    assert renamed.name == "Omar Haddad" and renamed.heard is None


# -- the real pipeline on the synthetic meetings -------------------------------------
def _majority(doc: dict, rttm: Path) -> dict[str, str]:
    """Meeting speaker -> the reference person who talks most in its segments."""
    turns = next(iter(read_rttm(rttm).values()))
    talk: dict[str, dict[str, float]] = {}
    for seg in doc["segments"]:
        for start, end, person in turns:
            overlap = min(seg["end"], end) - max(seg["start"], start)
            if overlap > 0 and seg["speaker"]:
                per = talk.setdefault(seg["speaker"], {})
                per[person] = per.get(person, 0.0) + overlap
    return {name: max(per, key=per.__getitem__) for name, per in talk.items()}


def _listing(out: str) -> dict[str, str]:
    """``speakers list --meeting`` -> speaker name -> status ("heard": named from the
    talk); the columns of cmd_list: label, name, status, then lines under a speaker."""
    return {
        line[13:33].strip(): line[34:44].strip() for line in out.splitlines() if line[:1] != " "
    }


def _import(
    cli, wav: Path, rttm: Path, *options: str
) -> tuple[str, dict[str, str], dict[str, str]]:
    """Meeting id, speaker -> reference person, and speaker -> status."""
    r = cli("transcribe", wav, *options)
    assert r.code == 0, r.err
    meeting = r.last_line
    doc = json.loads(cli("export", meeting, "--format", "json").out)
    status = _listing(cli("speakers", "list", "--meeting", meeting).out)
    return meeting, _majority(doc, rttm), status


@pytest.fixture
def synthetic(tmp_path: Path) -> Callable[[str], tuple[Path, Path]]:
    """Synthesise a meeting of tests/data/voices by name: its wav and reference RTTM."""
    if not voices_data.can_synthesise():
        pytest.skip("espeak-ng and sox are needed (installed by ./test.sh)")
    return lambda name: voices_data.synthesise(name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", voices_data.meetings())
def test_no_applied_name_is_wrong(cli, synthetic, name: str) -> None:
    """What the rule guarantees on every synthetic meeting (pairs of voices alike, names
    misheard by Whisper base): no voice the pipeline named from the conversation carries
    another person's name, nor a misheard one; every other voice keeps "Speaker N"."""
    _, truth, status = _import(cli, *synthetic(name))
    people = voices_data.people(name)
    for speaker, person in truth.items():
        if not is_label(speaker):
            assert status[speaker] == "heard", (speaker, status)
            assert same_name(speaker, person), (speaker, person, truth)
        assert not any(p != person and same_name(speaker, p) for p in people), (speaker, truth)


#: Three distinct voices that introduce themselves and are then asked by name: the
#: pipeline's applying of names, apart from the diarization of alike voices.
INTRODUCTIONS = Path(__file__).parent / "data" / "introductions.tsv"


@pytest.mark.slow
def test_pipeline_applies_heard_names_but_never_over_a_profile(cli, tmp_path: Path) -> None:
    """Maria, Daniel and Kevin introduce themselves and answer when asked by name: each
    voice the pipeline names from the talk is named as its reference person, exactly,
    and no voice gets another's name; the name can be undone. Once Daniel is enrolled,
    his name comes from his profile or is offered, never applied from the talk."""
    if not voices_data.can_synthesise():
        pytest.skip("espeak-ng and sox are needed (installed by ./test.sh)")
    wav, rttm = voices_data.synthesise_script(INTRODUCTIONS, tmp_path)
    meeting, truth, status = _import(cli, wav, rttm)
    applied = [s for s, how in status.items() if how == "heard"]
    assert applied, (truth, status)
    for speaker in truth:
        assert speaker not in ("Maria", "Daniel", "Kevin") or speaker == truth[speaker], truth
    undo = cli("speakers", "unname", applied[0], "--meeting", meeting)
    assert undo.code == 0, undo.err
    assert applied[0] not in _listing(cli("speakers", "list", "--meeting", meeting).out)

    alone = tmp_path / "daniel.tsv"
    alone.write_text(
        "speaker\tvoice\ttext\n"
        + "".join(
            f"Daniel\t{line.voice}\t{line.text}\n"
            for line in voices_data.read_script(INTRODUCTIONS)
            if line.speaker == "Daniel"
        )
    )
    daniel, _ = voices_data.synthesise_script(alone, tmp_path)
    enrolled = cli("speakers", "enroll", "Daniel", daniel)
    assert enrolled.code == 0, enrolled.err
    _, truth, status = _import(cli, wav, rttm, "--force")
    assert all(how == "auto" for s, how in status.items() if s == "Daniel"), status
    assert all(how != "heard" for s, how in status.items() if truth.get(s) == "Daniel"), status


def test_voice_alike_pairs_exist() -> None:
    """Every synthetic meeting has 4-6 voices, at least one pair alike, and names
    spoken; their audio is made at run time, not committed."""
    for name in voices_data.meetings():
        lines = voices_data.script(name)
        assert 4 <= len(voices_data.people(name)) <= 6, name
        # alike: one espeak-ng voice, variants of one kind ("+m3 -p 62" and "+m3", "+f3"
        # and "+f4")
        voices = {(x.speaker, x.voice) for x in lines}
        kinds = [re.sub(r"\d.*", "", voice) for _, voice in voices]
        assert len(kinds) > len(set(kinds)), name
        assert voices_data.spoken_names(name), name
    assert all(p.suffix == ".tsv" for p in voices_data.SCRIPTS.iterdir())
