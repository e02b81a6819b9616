"""A name the import took from the conversation is marked in the window and can be undone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot
from ui_data import db_of

from meetingapp.store.meetings import list_meetings, speakers_of
from meetingapp.store.speakers import meeting_speakers, name_speaker
from meetingapp.ui.main_window import MainWindow


def test_heard_name_is_marked_and_undone(
    qtbot: QtBot, standup_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The standup's third voice stands for one the pipeline named from the talk (as
    stored by the import: the name and why); the legend says '(heard)' and a line's
    menu undoes it, after which the voice is "Speaker N" again."""
    window = standup_window
    db = db_of(window)
    meeting_id = list_meetings(db)[0].id
    voice = speakers_of(db, meeting_id)[-1]
    assert voice is not None
    name_speaker(db, meeting_id, voice, "Carol", learn=False)
    with db.conn:
        db.execute(
            "UPDATE meeting_speakers SET heard = ? WHERE meeting_id = ? AND name = ?",
            ['said "I\'m Carol"; answered "Carol, what about you?"', meeting_id, "Carol"],
        )
    view = window.meeting_view
    window.open_meeting(meeting_id)
    assert "Carol <i>(heard)</i>" in view.legend.text()

    menus: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, _pos: menus.append(menu))
    idx = next(i for i, s in enumerate(view.segments) if s.speaker == "Carol")
    view._segment_menu(idx, QPoint(0, 0))
    (undo,) = [a for a in menus[0].actions() if a.text().startswith("Undo the name Carol")]
    undo.trigger()
    assert "Carol" not in speakers_of(db, meeting_id)
    assert all(s.heard is None for s in meeting_speakers(db, meeting_id))
    assert "(heard)" not in view.legend.text()
