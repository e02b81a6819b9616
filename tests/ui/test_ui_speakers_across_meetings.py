"""Issue 17 item 5: a meeting's "Speaker 1" is not a person.

A real library of two transcribed meetings (the three-voice standup and JFK),
each with its own "Speaker 1". Analytics once added both up into one bar and the
search filter offered "Speaker 1…3" as if they were people. Talk time and the
filter now count people: speaker profiles, known across meetings. Every speaker
colour also has the name beside it (legend, transcript, waveform).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from meetingapp.domain.analytics import Bar
from meetingapp.domain.meetings import Meeting
from meetingapp.domain.times import clock
from meetingapp.library import Library
from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.search_page import SearchPage
from meetingapp.ui.waveform_view import MIN_NAME_PX, TIMELINE_HEIGHT, speaker_runs


def meetings(library: Library) -> tuple[Meeting, Meeting]:
    """(the standup, JFK), each with a "Speaker 1" of its own."""
    by_title = {m.title: m for m in library.meetings()}
    standup, jfk = by_title["Team standup"], by_title["JFK"]
    for m in (standup, jfk):
        assert "Speaker 1" in library.speakers_of(m.id), m.title
    return standup, jfk


def talk(library: Library, meeting: Meeting, speaker: str | None = None) -> float:
    """Seconds spoken in a meeting, by one speaker or by everyone."""
    return sum(
        s.end - s.start
        for s in library.segments(meeting.id)
        if speaker is None or s.speaker == speaker
    )


def rename(window: MainWindow, meeting: Meeting, old: str, new: str) -> None:
    """Name a speaker the way a user does: in the meeting view."""
    window.open_meeting(meeting.id)
    window.meeting_view.rename_speaker(old, new)


def offered(page: SearchPage) -> list[str]:
    return [page.speaker.itemText(i) for i in range(page.speaker.count())]


def test_talk_time_counts_people_never_labels(two_meetings_window: MainWindow) -> None:
    window = two_meetings_window
    library = window.library
    standup, jfk = meetings(library)
    everyone = talk(library, standup) + talk(library, jfk)
    window.show_page("Analytics")
    page = window.analytics
    # Nobody is named: no bar (not one "Speaker 1" bar of two strangers), and a line
    # saying how much talk is left out.
    assert page.talk.bars == [] and library.talk_time() == []
    assert page.talk.empty_text == "No named people yet"
    assert f"Not counted: {clock(everyone)} by voices" in page.unnamed.text()

    dana = talk(library, standup, "Speaker 1")
    rename(window, standup, "Speaker 1", "Dana")
    window.show_page("Analytics")
    # Dana has the standup's Speaker 1 only: JFK's Speaker 1 is someone else.
    assert page.talk.bars == [Bar("Dana", pytest.approx(dana, abs=0.1))]
    assert library.totals().unnamed_talk == pytest.approx(everyone - dana, abs=0.2)
    assert f"Not counted: {clock(everyone - dana)}" in page.unnamed.text()

    # The user says JFK's Speaker 1 is Dana too: one person, so the talk adds up.
    kennedy = talk(library, jfk, "Speaker 1")
    rename(window, jfk, "Speaker 1", "Dana")
    window.show_page("Analytics")
    assert page.talk.bars == [Bar("Dana", pytest.approx(dana + kennedy, abs=0.1))]
    assert [p.name for p in library.profiles()] == ["Dana"]


def test_speaker_filter_lists_people_only(qtbot: QtBot, two_meetings_window: MainWindow) -> None:
    window = two_meetings_window
    library = window.library
    standup, jfk = meetings(library)
    window.show_page("Search")
    page = window.search_page
    assert offered(page) == ["Any"]  # five labels, no person yet

    rename(window, standup, "Speaker 1", "Dana")
    rename(window, jfk, "Speaker 1", "John F. Kennedy")
    window.show_page("Search")
    assert offered(page) == ["Any", "Dana", "John F. Kennedy"]
    assert library.speaker_names() == ["Dana", "John F. Kennedy"]

    # Filtering by a person finds their lines only, in whichever meeting.
    line = next(s for s in library.segments(jfk.id) if s.speaker == "John F. Kennedy")
    page.box.setText(line.text.strip())
    page.speaker.setCurrentText("John F. Kennedy")
    with qtbot.waitSignal(page.searched, timeout=60_000):
        page.run_search()
    assert page.hits and {h.speaker for h in page.hits} == {"John F. Kennedy"}
    assert {h.meeting_id for h in page.hits} == {jfk.id}
    page.speaker.setCurrentText("Dana")
    with qtbot.waitSignal(page.searched, timeout=60_000):
        page.run_search()
    assert {h.speaker for h in page.hits} <= {"Dana"}


def test_every_colour_has_its_speakers_name_beside_it(
    qtbot: QtBot, two_meetings_window: MainWindow
) -> None:
    window = two_meetings_window
    standup, _jfk = meetings(window.library)
    with qtbot.waitSignal(window.meeting_view.waveform_ready, timeout=30_000):
        window.open_meeting(standup.id)
    view = window.meeting_view
    view.resize(1200, 700)
    speakers = window.library.speakers_of(standup.id)
    assert len(speakers) >= 3
    # distinct colours, each in the legend with the name next to it
    assert len({view.colors(s).name() for s in speakers}) == len(speakers)
    for s in speakers:
        assert f'color:{view.colors(s).name()}">●</span> {s}' in view.legend.text()
    # the transcript names the speaker on every line
    model = view.transcript.model_
    for row, seg in enumerate(view.segments):
        assert f"] {seg.speaker}: " in model.data(model.index(row))

    # the waveform: the tooltip names who speaks under the pointer...
    wave = view.waveform
    seg = view.segments[1]
    x = (seg.start + seg.end) / 2 / wave.duration * wave.width()
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(x, wave.height() - TIMELINE_HEIGHT / 2),
        QPointF(x, 0),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(wave, move)
    assert wave.toolTip().startswith(f"{seg.speaker} · ")
    # ...and each stretch wide enough carries the name, in white on the colour
    image = wave.grab().toImage()
    ratio = image.devicePixelRatio()
    top = wave.height() - TIMELINE_HEIGHT - 2
    runs = speaker_runs(view.segments)
    start, end, who = max(runs, key=lambda r: r[1] - r[0])
    x0, x1 = start / wave.duration * wave.width(), end / wave.duration * wave.width()
    assert x1 - x0 >= MIN_NAME_PX
    band = [
        QColor(image.pixel(int(px * ratio), int(py * ratio)))
        for px in range(int(x0) + 3, int(min(x1, x0 + 60)))
        for py in range(top + 2, top + TIMELINE_HEIGHT - 2)
    ]
    assert any(c.lightness() > 200 for c in band), f"no name written on {who}'s stretch"
    assert any(c.name() == view.colors(who).name() for c in band)
