"""A recording with no speech opens to a message, not a blank transcript, and every
empty minutes section says so the same way (issue 17, item 6)."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from meetingapp.config import Settings
from meetingapp.domain.jobs import JobOptions
from meetingapp.domain.minutes import Item, Minutes
from meetingapp.engine.jobs import JobRunner
from meetingapp.engine.whisper_models import FAST_MODEL
from meetingapp.library import Library
from meetingapp.ui.meeting_view import NO_SPEECH, MeetingView
from meetingapp.ui.minutes_panel import NO_MINUTES, SECTIONS, MinutesPanel, nothing_recorded


@pytest.fixture(scope="module")
def room_tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four seconds of a quiet room (faint noise, nobody talking), processed by the
    real engine: a stored meeting without a single line."""
    clip = tmp_path_factory.mktemp("clip") / "room tone.wav"
    noise = np.random.default_rng(0).normal(0, 30, 16000 * 4).astype(np.int16)
    with wave.open(str(clip), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(noise.tobytes())
    data = tmp_path_factory.mktemp("room_tone") / "data"
    data.mkdir()
    Settings(asr_model=FAST_MODEL, language="en").save(data)
    engine = JobRunner(data)
    try:
        sub = engine.submit(clip, JobOptions(model=FAST_MODEL, language="en", title="Room"))
        assert sub.job_id is not None
        engine.wait([sub.job_id], timeout=300)
    finally:
        engine.shutdown()
    return data


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=1)
    yield pool
    pool.shutdown(wait=True)


def test_no_speech_shows_a_message(qtbot: QtBot, room_tone: Path, pool: ThreadPoolExecutor) -> None:
    library = Library(room_tone)
    [meeting] = library.meetings()
    assert library.segments(meeting.id) == []
    view = MeetingView(library, pool)
    qtbot.addWidget(view)
    view.resize(1024, 640)
    view.show()
    view.show_meeting(meeting.id)
    assert view.transcript_stack.currentWidget() is view.no_speech
    assert view.no_speech.isVisible() and not view.transcript.isVisible()
    assert view.no_speech.text() == NO_SPEECH
    assert "No speech was found in this recording" in view.no_speech.text()
    assert view.focusWidget() is view.play_button  # Space plays it without a click first
    # Its minutes are empty too, and each section says so in the same words.
    minutes = library.minutes(meeting.id)
    if minutes is None:
        assert view.minutes.tree.topLevelItem(0).text(0) == NO_MINUTES
    else:
        for name in SECTIONS:
            assert view.minutes.section(name) == [nothing_recorded(name)], name
        assert view.minutes.mood.text() == ""
    view.stop()


class OneMeeting:
    """The two calls the minutes panel makes of the library, answering fixed minutes."""

    def __init__(self, minutes: Minutes | None) -> None:
        self._minutes = minutes

    def minutes(self, meeting_id: int) -> Minutes | None:
        return self._minutes

    def actions(self, meeting_id: int | None = None) -> list[object]:
        return []


def panel_for(qtbot: QtBot, minutes: Minutes | None, pool: ThreadPoolExecutor) -> MinutesPanel:
    panel = MinutesPanel(OneMeeting(minutes), pool)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.show_meeting(1)
    return panel


def test_empty_sections_say_so_alike(qtbot: QtBot, pool: ThreadPoolExecutor) -> None:
    minutes = Minutes(summary="We met.", decisions=[Item("Ship on Friday", 3.0, 0)])
    panel = panel_for(qtbot, minutes, pool)
    assert panel.section("Summary") == ["We met."]
    assert panel.section("Decisions") == ["Ship on Friday"]
    for name in ("Action items", "Key points", "Highlights", "Topics"):
        assert panel.section(name) == [nothing_recorded(name)]
    assert nothing_recorded("Key points") == "No key points recorded"
    assert nothing_recorded("Action items") == "No action items recorded"
    # The notes look alike (grey italic) and do nothing when clicked.
    notes = [panel.tree.findItems(n, Qt.MatchFlag.MatchExactly)[0].child(0) for n in SECTIONS[2:]]
    assert all(n.font(0).italic() for n in notes)
    assert all(n.data(0, Qt.ItemDataRole.UserRole) is None for n in notes)

    blank = panel_for(qtbot, Minutes(), pool)
    assert [blank.section(name) for name in SECTIONS] == [[nothing_recorded(n)] for n in SECTIONS]

    none = panel_for(qtbot, None, pool)
    assert none.tree.topLevelItemCount() == 1
    assert none.tree.topLevelItem(0).text(0) == NO_MINUTES
