"""The minutes panel of a processed standup: items shown, ticking off, seeking, regenerating."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from pytestqt.qtbot import QtBot
from ui_data import db_of

from meetingapp.store.meetings import list_meetings
from meetingapp.store.minutes import list_actions, load_minutes
from meetingapp.ui.action_tree import OWNER, TASK
from meetingapp.ui.main_window import MainWindow


def test_minutes_panel_shows_items_and_ticks_off(qtbot: QtBot, standup_window: MainWindow) -> None:
    meeting = list_meetings(db_of(standup_window))[0]
    standup_window.open_meeting(meeting.id)
    panel = standup_window.meeting_view.minutes
    stored = load_minutes(db_of(standup_window), meeting.id)
    assert stored is not None and stored.action_items and stored.decisions
    assert panel.section("Summary") == [stored.summary]
    tracked = list_actions(db_of(standup_window), meeting_id=meeting.id)
    rows = panel.action_items()
    assert [r.text(TASK) for r in rows] == [a.task for a in tracked]
    assert [r.text(OWNER) for r in rows] == [a.owner or "" for a in tracked]
    decisions = panel.tree.findItems("Decisions", Qt.MatchFlag.MatchExactly)[0]
    assert [decisions.child(i).text(TASK) for i in range(decisions.childCount())] == [
        d.text for d in stored.decisions
    ]

    # Ticking the box marks the item done in the tracker, and does not start playback.
    rows[0].setCheckState(TASK, Qt.CheckState.Checked)
    done = {a.id: a.status for a in list_actions(db_of(standup_window), meeting_id=meeting.id)}
    assert done[tracked[0].id] == "done"
    assert sum(s == "done" for s in done.values()) == 1
    assert rows[0].font(TASK).strikeOut()

    # Editing the owner goes to the tracker too.
    rows[1].setText(OWNER, "Carol")
    assert list_actions(db_of(standup_window), owner="Carol")[0].id == tracked[1].id

    # Clicking an item seeks the player to where it was said.
    view = standup_window.meeting_view
    qtbot.wait(10)
    target = decisions.child(0)
    panel.tree.scrollToItem(target)
    rect = panel.tree.visualItemRect(target)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: view.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
        timeout=10_000,
    )
    at = int(stored.decisions[0].start * 1000)
    qtbot.waitUntil(lambda: view.player.position() >= at - 50, timeout=5_000)


def test_regenerate_keeps_ticked_items(qtbot: QtBot, standup_window: MainWindow) -> None:
    meeting = list_meetings(db_of(standup_window))[0]
    standup_window.open_meeting(meeting.id)
    panel = standup_window.meeting_view.minutes
    first = list_actions(db_of(standup_window), meeting_id=meeting.id)[0]
    panel.set_status(first.id, "done")
    with qtbot.waitSignal(panel.changed, timeout=60_000):
        panel.regenerate(None, "standup")
    after = list_actions(db_of(standup_window), meeting_id=meeting.id)
    assert [a for a in after if a.task == first.task][0].status == "done"
    assert panel.regenerate_button.isEnabled() and not panel.progress.isVisible()
    assert [r.text(TASK) for r in panel.action_items()] == [a.task for a in after]
