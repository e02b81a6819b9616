"""Speakers page (enroll from a real recording, rename, merge, forget) and the action tracker."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot
from ui_data import ENROLL, db_of

from meetingapp.store.meetings import list_meetings, speakers_of
from meetingapp.store.minutes import list_actions
from meetingapp.store.speakers import list_profiles, meeting_speakers
from meetingapp.ui.action_tree import ACTION_ROLE, DUE, OWNER, TASK
from meetingapp.ui.edit_dialogs import ActionDialog
from meetingapp.ui.main_window import MainWindow


def test_enroll_rename_merge_forget(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    window.show_page("Speakers")
    page = window.speakers_page
    assert window.stack.currentWidget() is page and page.names() == []
    with qtbot.waitSignal(page.changed, timeout=120_000):
        page.enroll_files("Reader", [ENROLL])
    [profile] = list_profiles(db_of(window))
    assert (profile.name, profile.embeddings) == ("Reader", 1)
    assert page.names() == ["Reader"] and page.enroll_button.isEnabled()

    assert page.rename("Reader", "Narrator")
    assert [p.name for p in list_profiles(db_of(window))] == ["Narrator"] == page.names()

    # Naming the JFK meeting's speaker creates a second profile; the two are merged.
    view = window.meeting_view
    window.open_meeting(list_meetings(db_of(window))[0].id)
    view.name_voice(speakers_of(db_of(window), view.meeting.id)[0], "JFK")
    window.show_page("Speakers")
    assert page.names() == ["JFK", "Narrator"]
    page.table.selectAll()
    assert page.merge_button.isEnabled() and not page.rename_button.isEnabled()
    assert page.merge("Narrator", "JFK")
    [merged] = list_profiles(db_of(window))
    assert (merged.name, merged.embeddings, merged.meetings) == ("Narrator", 2, 1)
    assert speakers_of(db_of(window), view.meeting.id) == ["Narrator"]

    page.confirm_forget = lambda _name: False
    assert not page.forget("Narrator") and page.names() == ["Narrator"]
    page.confirm_forget = lambda _name: True
    assert page.forget("Narrator")
    assert list_profiles(db_of(window)) == [] and page.names() == []
    assert meeting_speakers(db_of(window), view.meeting.id)[0].status == "unknown"


def test_enroll_failure_is_shown(qtbot: QtBot, meeting_window: MainWindow, tmp_path: Path) -> None:
    page = meeting_window.speakers_page
    silent = tmp_path / "silence.wav"
    silent.write_bytes(b"RIFF")  # not audio at all
    with qtbot.waitSignal(page.error, timeout=30_000) as sig:
        page.enroll_files("Nobody", [silent])
    assert "silence.wav" in sig.args[0]
    assert list_profiles(db_of(meeting_window)) == [] and page.enroll_button.isEnabled()


def test_action_tracker_filters_and_ticks_off(qtbot: QtBot, standup_window: MainWindow) -> None:
    window = standup_window
    window.show_page("Action items")
    page = window.actions_page
    stored = list_actions(db_of(window), open_only=True)
    assert len(stored) >= 2
    assert [page.tree.topLevelItem(i).text(TASK) for i in range(page.tree.topLevelItemCount())] == [
        a.task for a in stored
    ]
    assert page.undo_bar.isHidden()
    first = page.tree.topLevelItem(0)
    first.setCheckState(TASK, Qt.CheckState.Checked)
    assert {a.id for a in list_actions(db_of(window), open_only=True)} == {a.id for a in stored[1:]}
    # The ticked item stays in the Open list, struck through, with Undo above it.
    assert page.tree.topLevelItemCount() == len(stored)
    row = page.row_of(stored[0].id)
    assert row is not None and row.font(TASK).strikeOut()
    assert page.undo_bar.isVisible() and stored[0].task in page.undo_text.text()
    page.undo_button.click()
    assert {a.id for a in list_actions(db_of(window), open_only=True)} == {a.id for a in stored}
    row = page.row_of(stored[0].id)
    assert row is not None and not row.font(TASK).strikeOut()
    assert row.checkState(TASK) == Qt.CheckState.Unchecked and page.undo_bar.isHidden()
    row.setCheckState(TASK, Qt.CheckState.Checked)
    window.show_page("Library")
    window.show_page("Action items")  # shown again: the Open list leaves it out now
    assert page.tree.topLevelItemCount() == len(stored) - 1 and page.undo_bar.isHidden()
    page.show_filter.setCurrentText("Done")
    assert [a.id for a in page.shown()] == [stored[0].id]
    page.show_filter.setCurrentText("All")
    owner = stored[1].owner
    assert owner
    page.owner.setCurrentText(owner)
    assert page.shown() and all(a.owner == owner for a in page.shown())
    assert len(page.shown()) == len(list_actions(db_of(window), owner=owner))

    target = page.shown()[0]
    page.tree.itemDoubleClicked.emit(page.tree.topLevelItem(0), 0)
    view = window.meeting_view
    assert window.stack.currentWidget() is view and view.meeting.id == target.meeting_id
    qtbot.waitUntil(
        lambda: view.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: view.player.position() >= int(target.start * 1000), timeout=5_000)
    assert target.start == pytest.approx(view.player.position() / 1000, abs=3)


def test_action_tracker_edits_an_item(qtbot: QtBot, standup_window: MainWindow) -> None:
    window = standup_window
    window.show_page("Action items")
    page = window.actions_page
    assert not page.edit_button.isEnabled()  # nothing chosen yet
    target = page.tree.topLevelItem(1)
    page.tree.setCurrentItem(target)
    assert page.edit_button.isEnabled()
    action = target.data(TASK, ACTION_ROLE)
    page.edit_button.click()
    [dialog] = [d for d in page.findChildren(ActionDialog) if d.isVisible()]
    assert dialog.task.toPlainText() == action.task
    assert dialog.owner.currentText() == (action.owner or "")
    # The meeting's own speakers are offered as owners.
    offered = [dialog.owner.itemText(i) for i in range(dialog.owner.count())]
    assert set(speakers_of(db_of(window), action.meeting_id)) <= set(offered)
    dialog.task.setPlainText("send Bob the new\nAPI keys")  # a line break is a space
    dialog.owner.setCurrentText("Carol")
    dialog.due.setText("Friday")
    dialog.save.click()
    [stored] = [a for a in list_actions(db_of(window)) if a.id == action.id]
    assert stored.task == "send Bob the new API keys"
    assert (stored.owner, stored.due) == ("Carol", "Friday")
    row = page.row_of(action.id)
    assert row is not None and page.tree.currentItem() is row
    assert (row.text(TASK), row.text(OWNER), row.text(DUE)) == (stored.task, "Carol", "Friday")
    assert page.owner.findText("Carol") >= 0  # the filter knows the new owner

    # F2 edits too; a blank owner and due clear them, an empty task cannot be saved.
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_F2)
    [dialog] = [d for d in page.findChildren(ActionDialog) if d.isVisible()]
    dialog.task.setPlainText("  ")
    assert not dialog.save.isEnabled()
    dialog.task.setPlainText(stored.task)
    dialog.owner.setCurrentText("")
    dialog.due.clear()
    assert dialog.changes() == {"owner": None, "due": None}
    dialog.save.click()
    [cleared] = [a for a in list_actions(db_of(window)) if a.id == action.id]
    assert (cleared.task, cleared.owner, cleared.due) == (stored.task, None, None)
    row = page.row_of(action.id)
    assert row is not None and (row.text(OWNER), row.text(DUE)) == ("", "")


def test_names_heard_in_the_meeting_are_offered(
    qtbot: QtBot, standup_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The standup's voices are unnamed; what they say to each other suggests names.
    The legend shows each suggestion, and a line's menu names the voice with it."""
    window = standup_window
    view = window.meeting_view
    meeting_id = list_meetings(db_of(window))[0].id
    window.open_meeting(meeting_id)
    expected = window.library.proposed_names(meeting_id)
    assert expected, "the standup's conversation names nobody"
    qtbot.waitUntil(lambda: view.proposals == expected, timeout=60_000)
    label, proposal = next(iter(expected.items()))
    assert f"{label} <i>({proposal.name}" in view.legend.text()

    menus: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, _pos: menus.append(menu))
    idx = next(i for i, s in enumerate(view.segments) if s.speaker == label)
    view._segment_menu(idx, QPoint(0, 0))
    (item,) = [a for a in menus[0].actions() if a.text().startswith(f"Name as {proposal.name}")]
    item.trigger()
    assert proposal.name in speakers_of(db_of(window), meeting_id)
    assert label not in speakers_of(db_of(window), meeting_id)
    qtbot.waitUntil(lambda: label not in view.proposals, timeout=60_000)


def test_enroll_again_from_meetings_or_recordings(qtbot: QtBot, meeting_window: MainWindow) -> None:
    """A profile from before voice samples is marked and can be enrolled again: from the
    meeting where the user named it, or, with none, from recordings the user picks."""
    window, page = meeting_window, meeting_window.speakers_page
    db = db_of(window)
    meeting = list_meetings(db)[0].id
    window.open_meeting(meeting)
    window.meeting_view.name_voice(speakers_of(db, meeting)[0], "JFK")
    with db.conn:  # as if named before samples were kept; and one never named anywhere
        db.execute("DELETE FROM voice_samples")
        db.execute("INSERT INTO profiles (name, created_at, updated_at) VALUES ('Ann', 'x', 'x')")
    window.show_page("Speakers")
    page.refresh()
    rows = {page.table.item(r, 0).text(): r for r in range(page.table.rowCount())}
    assert page.table.item(rows["JFK"], 1).text().endswith("enroll again")
    page.table.selectRow(rows["JFK"])
    assert page.again_button.isEnabled()
    with qtbot.waitSignal(page.changed, timeout=120_000):
        qtbot.mouseClick(page.again_button, Qt.MouseButton.LeftButton)
    stale = {p.name: p.needs_reenrollment for p in list_profiles(db)}
    assert stale == {"Ann": True, "JFK": False}
    page.table.selectRow(rows["JFK"])
    assert not page.again_button.isEnabled() and page.again_button.text() == "Enroll again"

    asked: list[str] = []
    page.choose_recordings = lambda name: asked.append(name) or [ENROLL]
    with qtbot.waitSignal(page.changed, timeout=120_000):
        page.enroll_again("Ann")
    assert asked == ["Ann"] and not any(p.needs_reenrollment for p in list_profiles(db))
    page.choose_recordings = lambda _name: []
    db.execute("DELETE FROM voice_samples")
    db.conn.commit()
    with qtbot.waitSignal(page.error, timeout=30_000) as sig:
        page.enroll_again("Ann")
    assert sig.args[0].startswith("no meeting has Ann's voice")
