"""Playback speed (0.75-2×) and volume in the meeting view, by mouse and by keyboard,
and the keys are the ones Help > Keyboard shortcuts lists (issue 17, item 4)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from pytestqt.qtbot import QtBot

from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.meeting_view import SHORTCUTS, SPEEDS, MeetingView, linear_volume

CTRL = Qt.KeyboardModifier.ControlModifier


def open_loaded(qtbot: QtBot, window: MainWindow) -> MeetingView:
    window.open_meeting(window.library.meetings()[0].id)
    view = window.meeting_view
    qtbot.waitUntil(lambda: view._loaded, timeout=10_000)
    assert view.transcript_stack.currentWidget() is view.transcript
    return view


def playing(view: MeetingView) -> bool:
    return view.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState


def test_speed_from_the_list_and_the_keys(qtbot: QtBot, meeting_window: MainWindow) -> None:
    view = open_loaded(qtbot, meeting_window)
    labels = [view.speed.itemText(i) for i in range(view.speed.count())]
    assert labels == ["0.75×", "1×", "1.25×", "1.5×", "1.75×", "2×"]
    assert view.speed.currentText() == "1×" and view.player.playbackRate() == 1.0
    view.speed.setCurrentIndex(labels.index("1.5×"))
    assert view.player.playbackRate() == 1.5

    # The meeting has the keyboard as soon as it opens: no click into it first.
    assert view.transcript.hasFocus()
    qtbot.keyClick(view.transcript, Qt.Key.Key_BracketRight)
    assert view.player.playbackRate() == 1.75 and view.speed.currentText() == "1.75×"
    for _ in range(3):
        qtbot.keyClick(view.transcript, Qt.Key.Key_BracketRight)
    assert view.player.playbackRate() == max(SPEEDS) == 2.0  # stops at 2×
    for _ in range(len(SPEEDS) + 2):
        qtbot.keyClick(view.transcript, Qt.Key.Key_BracketLeft)
    assert view.player.playbackRate() == min(SPEEDS) == 0.75
    qtbot.keyClick(view.transcript, Qt.Key.Key_Equal)
    assert view.player.playbackRate() == 1.0 and view.speed.currentText() == "1×"

    # The speed is the player's: at 2× the recording moves twice as fast as the clock.
    view.set_speed(2.0)
    qtbot.keyClick(view.transcript, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: playing(view) and view.player.position() > 0, timeout=10_000)
    t0, p0 = time.monotonic(), view.player.position()
    qtbot.wait(2000)
    advanced = (view.player.position() - p0) / 1000 / (time.monotonic() - t0)
    assert advanced > 1.4, f"{advanced:.2f} s of recording per second at 2×"
    qtbot.keyClick(view.transcript, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not playing(view), timeout=5_000)

    # Another meeting keeps the chosen speed.
    open_loaded(qtbot, meeting_window)
    assert view.speed.currentText() == "2×" and view.player.playbackRate() == 2.0


def test_volume_and_mute(qtbot: QtBot, meeting_window: MainWindow) -> None:
    view = open_loaded(qtbot, meeting_window)
    out = view.audio_out
    assert view.volume.value() == 100 and out.volume() == pytest.approx(1.0)
    assert not out.isMuted()
    # The slider is perceptual: half way is quieter than half the gain.
    view.volume.setValue(50)
    assert out.volume() == pytest.approx(linear_volume(50)) and out.volume() < 0.5
    qtbot.keyClick(view.transcript, Qt.Key.Key_Down, CTRL)
    assert view.volume.value() == 40 and out.volume() == pytest.approx(linear_volume(40))
    for _ in range(8):
        qtbot.keyClick(view.transcript, Qt.Key.Key_Up, CTRL)
    assert view.volume.value() == 100 and out.volume() == pytest.approx(1.0)

    qtbot.keyClick(view.transcript, Qt.Key.Key_M)
    assert out.isMuted() and view.mute_button.isChecked()
    assert view.mute_button.toolTip() == "Unmute (M)"
    qtbot.keyClick(view.transcript, Qt.Key.Key_M)
    assert not out.isMuted()
    view.mute_button.click()
    assert out.isMuted()
    view.volume.setValue(30)  # turning it up again means "let me hear it"
    assert not out.isMuted() and not view.mute_button.isChecked()


def test_speed_and_volume_are_off_without_playback(
    meeting_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from meetingapp.ui import meeting_view

    monkeypatch.setattr(meeting_view, "has_audio_output", lambda: False)
    meeting_window.open_meeting(meeting_window.library.meetings()[0].id)
    view = meeting_window.meeting_view
    assert not view.speed.isEnabled() and not view.volume.isEnabled()
    assert not view.mute_button.isEnabled()
    view.step_speed(1)
    assert view.speed.currentText() == "1×"


def test_listed_shortcuts_are_the_views_keys(meeting_window: MainWindow) -> None:
    """Help > Keyboard shortcuts shows meeting_view.SHORTCUTS: every key listed there
    is a shortcut of the meeting view, and every shortcut of the view is listed."""
    view = meeting_window.meeting_view
    made = {s.key().toString() for s in view.findChildren(QShortcut)}
    made |= {a.shortcut().toString() for a in view.actions()}
    listed = {k for keys, _what in SHORTCUTS for k in keys.split(" / ")}
    assert listed == made
    assert dict(SHORTCUTS)["Left / Right"] == "In a meeting: back / forward 5 s"
    # ...and Help > Keyboard shortcuts lists every one of them
    assert set(SHORTCUTS) <= set(meeting_window.shortcuts())
    text = meeting_window.show_shortcuts().text()
    assert all(f"<b>{keys}</b>" in text and what in text for keys, what in SHORTCUTS)
