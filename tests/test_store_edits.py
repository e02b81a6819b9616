"""Corrections a user makes to a meeting, and the analytics read from the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from meetingapp.domain.transcript import Segment, Transcript, Word
from meetingapp.store.analytics import meetings_per_week, talk_time_by_person, totals
from meetingapp.store.db import open_db
from meetingapp.store.meetings import (
    NewMeeting,
    insert_meeting,
    load_segments,
    retime_words,
    speakers_of,
    update_segment_text,
)
from meetingapp.store.speakers import name_speaker, reassign_segment


def words(text: str, start: float, speaker: str | None) -> list[Word]:
    return [
        Word(start + i, start + i + 0.8, f" {w}", 0.9, speaker) for i, w in enumerate(text.split())
    ]


def add_meeting(db: Database, date: str, speakers: list[str | None]) -> int:
    segs = [
        Segment(i * 10.0, i * 10.0 + 3, "one two three", words("one two three", i * 10.0, s), s)
        for i, s in enumerate(speakers)
    ]
    new = NewMeeting("m", "general", date, f"sha{date}", "m.wav", "originals/m.wav")
    with db.conn:
        return insert_meeting(db, new, Transcript("en", 60.0, segs))


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_db(tmp_path / "data")


def test_rename_speaker_only_in_that_meeting(db: Database) -> None:
    a = add_meeting(db, "2026-11-02T10:00:00+00:00", ["S1", None, "S1", "S2"])
    b = add_meeting(db, "2026-11-03T10:00:00+00:00", ["S1"])
    name_speaker(db, a, "S1", "Ann", learn=False)
    name_speaker(db, a, None, "Ben", learn=False)
    assert speakers_of(db, a) == ["Ann", "Ben", "S2"]
    assert speakers_of(db, b) == ["S1"]
    segs = load_segments(db, a)
    assert [w.speaker for w in segs[0].words] == ["Ann"] * 3
    assert [w.speaker for w in segs[1].words] == ["Ben"] * 3


def test_reassign_and_edit(db: Database) -> None:
    m = add_meeting(db, "2026-11-02T10:00:00+00:00", ["S1", "S2"])
    reassign_segment(db, m, 1, "S1")
    assert speakers_of(db, m) == ["S1"]
    update_segment_text(db, m, 0, "uno dos tres")  # same count: timings kept
    seg = load_segments(db, m)[0]
    assert [(w.word, w.start) for w in seg.words] == [(" uno", 0.0), (" dos", 1.0), (" tres", 2.0)]
    update_segment_text(db, m, 0, "  just two  ")
    seg = load_segments(db, m)[0]
    assert seg.text == "just two" and [w.word for w in seg.words] == [" just", " two"]
    assert seg.words[0].start == 0.0 and seg.words[-1].end == pytest.approx(3.0)


def test_retime_words_spreads_by_length() -> None:
    ws = retime_words("a bbbbbbb", 10.0, 20.0, "S")
    assert ws[0].start == 10.0 and ws[1].end == pytest.approx(20.0)
    assert ws[1].end - ws[1].start > 3 * (ws[0].end - ws[0].start)


def test_analytics(db: Database) -> None:
    first = add_meeting(db, "2026-11-02T10:00:00+00:00", ["S1", "S1", None])  # Monday
    add_meeting(db, "2026-11-08T18:00:00+00:00", ["S2"])  # Sunday, same week
    third = add_meeting(db, "2026-11-17T09:00:00+00:00", ["S1"])
    # "S1" of two meetings is two strangers until they are named: no talk time yet.
    assert talk_time_by_person(db) == [] and totals(db).unnamed_talk == 15.0
    name_speaker(db, first, "S1", "Ana")
    assert [(b.label, b.value) for b in talk_time_by_person(db)] == [("Ana", 6.0)]
    assert totals(db).unnamed_talk == 9.0
    name_speaker(db, third, "S1", "ana")  # the same person (profile) in another meeting
    assert [(b.label, b.value) for b in talk_time_by_person(db)] == [("Ana", 9.0)]
    assert totals(db).unnamed_talk == 6.0
    weeks = meetings_per_week(db, weeks=4)
    assert [b.value for b in weeks] == [0, 2, 0, 1]
    assert weeks[1].label == "02 Nov"
