"""The minutes panel of a processed standup: items shown, ticking off, seeking, regenerating,
its scroll position and how items wrap in a 1024 px window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from pytestqt.qtbot import QtBot
from ui_data import db_of

from meetingapp.store.meetings import list_meetings
from meetingapp.store.minutes import list_actions, load_minutes
from meetingapp.ui.action_tree import ACTION_ROLE, OWNER, TASK
from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.minutes_panel import MinutesPanel


def test_minutes_panel_shows_items_and_ticks_off(qtbot: QtBot, standup_window: MainWindow) -> None:
    meeting = list_meetings(db_of(standup_window))[0]
    standup_window.open_meeting(meeting.id)
    panel = standup_window.meeting_view.minutes
    stored = load_minutes(db_of(standup_window), meeting.id)
    assert stored is not None and stored.action_items and stored.decisions
    assert panel.section("Summary") == [stored.summary]
    assert panel.section("Topics") == [" · ".join(stored.topics)]
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


def items(panel: MinutesPanel) -> list[QTreeWidgetItem]:
    """Every row under a section head but the summary's (a paragraph, not an item)."""
    tree = panel.tree
    heads = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    heads = [h for h in heads if h.text(TASK) != "Summary"]
    return [h.child(i) for h in heads for i in range(h.childCount())]


def test_items_wrap_to_few_lines_at_1024_px(qtbot: QtBot, standup_window: MainWindow) -> None:
    """At 1024 × 700 decisions wrapped to six lines under the actions' Owner and Due
    columns; text rows now span the row, and no item takes more than three lines."""
    standup_window.resize(1024, 700)
    standup_window.open_meeting(list_meetings(db_of(standup_window))[0].id)
    panel = standup_window.meeting_view.minutes
    qtbot.waitUntil(lambda: panel.tree.viewport().width() > 300, timeout=5_000)
    assert panel.width() >= 380  # half the meeting view, not a third
    # The meeting view fits a 1024 px window beside the 170 px sidebar.
    assert standup_window.meeting_view.minimumSizeHint().width() <= 1024 - 170
    panel.tree.doItemsLayout()
    line = panel.tree.fontMetrics().lineSpacing()
    tallest = max(panel.tree.visualItemRect(r).height() for r in items(panel))
    assert tallest <= 3 * line + 10, f"{tallest} px is {tallest / line:.1f} lines"
    decisions = panel.tree.findItems("Decisions", Qt.MatchFlag.MatchExactly)[0]
    for i in range(decisions.childCount()):
        assert panel.tree.visualItemRect(decisions.child(i)).height() <= 2 * line + 10


def test_another_meeting_opens_at_the_top(qtbot: QtBot, standup_window: MainWindow) -> None:
    standup_window.resize(1024, 700)
    meeting_id = list_meetings(db_of(standup_window))[0].id
    standup_window.open_meeting(meeting_id)
    panel = standup_window.meeting_view.minutes
    bar = panel.tree.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5_000)
    bar.setValue(bar.maximum())
    # Ticking an item reloads nothing: the list stays where the user is.
    panel.action_items()[0].setCheckState(TASK, Qt.CheckState.Checked)
    assert bar.value() == bar.maximum() > 0
    standup_window.show_library()
    standup_window.open_meeting(meeting_id)
    assert bar.value() == 0


def test_space_ticks_the_current_item_instead_of_playing(
    qtbot: QtBot, standup_window: MainWindow
) -> None:
    meeting = list_meetings(db_of(standup_window))[0]
    standup_window.open_meeting(meeting.id)
    view = standup_window.meeting_view
    panel = view.minutes
    first = panel.action_items()[0]
    first_id = first.data(TASK, ACTION_ROLE).id
    panel.tree.setCurrentItem(first)
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Space)
    assert first.checkState(TASK) == Qt.CheckState.Checked
    stored = list_actions(db_of(standup_window), meeting_id=meeting.id)
    assert {a.id: a.status for a in stored}[first_id] == "done"
    assert view.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState
    # Ctrl+C copies the current row's text (the summary included).
    summary = panel.tree.findItems("Summary", Qt.MatchFlag.MatchExactly)[0].child(0)
    panel.tree.setCurrentItem(summary)
    qtbot.keyClick(panel.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == summary.text(TASK)
