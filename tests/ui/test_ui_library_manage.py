"""Issue 17: managing meetings from the library (context menu, F2, Delete), the table
following the database (other processes included), the close prompt's safe default,
and the Help menu."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from ui_data import JFK

from meetingapp import __version__
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.library import Library
from meetingapp.ui.main_window import CloseChoice, MainWindow

ROOT = Path(__file__).resolve().parents[2]


def titles(window: MainWindow) -> list[str]:
    return [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())]


def only_meeting(window: MainWindow) -> int:
    (meeting,) = window.library.meetings()
    return meeting.id


def focus_table(qtbot: QtBot, window: MainWindow, meeting_id: int) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.library_page.select_meeting(meeting_id)
    window.table.setFocus()


def press_enter_on_the_dialog(qtbot: QtBot, pressed: list[str]) -> None:
    """Once a modal dialog opens, press Enter on it (the default button answers)."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, press)
            return
        pressed.append(box.windowTitle())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, press)


def test_context_menu_open_retype(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    meeting_id = only_meeting(window)
    menu = window.library_page.context_menu(meeting_id)
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Open", "Rename…", "Change type", "", "Delete…"]
    types = menu.actions()[2].menu()
    assert [a.text() for a in types.actions()] == list(MEETING_TYPES)
    current = window.library.meeting(meeting_id).type
    assert [a.text() for a in types.actions() if a.isChecked()] == [current]

    new_type = next(t for t in MEETING_TYPES if t != current)
    next(a for a in types.actions() if a.text() == new_type).trigger()
    assert window.library.meeting(meeting_id).type == new_type
    assert window.proxy.index(0, 3).data() == new_type  # the table updated at once

    window.library_page.context_menu(meeting_id).actions()[0].trigger()
    assert window.stack.currentWidget() is window.meeting_view
    assert window.meeting_view.meeting.id == meeting_id


def test_rename_from_menu_and_f2(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    page = window.library_page
    meeting_id = only_meeting(window)
    asked: list[str] = []
    answers = iter(["Board meeting", None, "  Kickoff   call "])

    def ask(meeting):  # noqa: ANN001, ANN202
        asked.append(meeting.title)
        return next(answers)

    page.ask_title = ask
    page.context_menu(meeting_id).actions()[1].trigger()
    assert titles(window) == ["Board meeting"]
    assert window.library.meeting(meeting_id).title == "Board meeting"

    focus_table(qtbot, window, meeting_id)
    qtbot.keyClick(window.table, Qt.Key.Key_F2)  # cancelled: nothing changes
    assert asked == ["JFK", "Board meeting"]
    assert titles(window) == ["Board meeting"]
    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    assert titles(window) == ["Kickoff call"]
    assert page.selected_meeting() == meeting_id  # the selection survives the reload


def test_empty_title_is_refused(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    meeting_id = only_meeting(window)
    window.library_page.ask_title = lambda _m: "   "
    window.library_page.rename_meeting(meeting_id)
    assert window.library.meeting(meeting_id).title == "JFK"
    assert "empty" in window.statusBar().currentMessage()


def test_delete_key_asks_then_deletes(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    page = window.library_page
    meeting_id = only_meeting(window)
    answers = iter([False, True])
    asked: list[str] = []

    def confirm(meeting):  # noqa: ANN001, ANN202
        asked.append(meeting.title)
        return next(answers)

    page.confirm_delete = confirm
    focus_table(qtbot, window, meeting_id)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert asked == ["JFK"]
    assert titles(window) == ["JFK"]
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.library.meetings() == []
    assert titles(window) == []
    assert not page.empty_hint.isHidden()
    assert "Deleted" in window.statusBar().currentMessage()


def test_delete_prompt_defaults_to_no(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    meeting_id = only_meeting(window)
    pressed: list[str] = []
    press_enter_on_the_dialog(qtbot, pressed)
    window.library_page.context_menu(meeting_id).actions()[-1].trigger()  # the real box
    assert pressed == ["Delete meeting"]
    assert [m.id for m in window.library.meetings()] == [meeting_id]


def test_table_follows_changes_made_elsewhere(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    meeting_id = only_meeting(window)
    elsewhere = Library(window.library.data)  # its own connections, like another process
    elsewhere.update_meeting(meeting_id, title="Renamed elsewhere")
    qtbot.waitUntil(lambda: titles(window) == ["Renamed elsewhere"], timeout=2500)
    elsewhere.delete_meeting(meeting_id)
    qtbot.waitUntil(lambda: titles(window) == [], timeout=2500)


def test_import_by_another_process_appears(qtbot: QtBot, window: MainWindow) -> None:
    assert titles(window) == []
    env = {**os.environ, "MEETINGAPP_HOME": str(window.library.data)}
    cmd = [sys.executable, "-m", "meetingapp", "transcribe", str(JFK), "--model", "tiny.en"]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    ended = time.monotonic()
    qtbot.waitUntil(lambda: len(titles(window)) == 1, timeout=2000)
    assert time.monotonic() - ended < 2


def test_close_prompt_enter_does_not_quit(qtbot: QtBot, window: MainWindow) -> None:
    pressed: list[str] = []
    press_enter_on_the_dialog(qtbot, pressed)
    assert window._ask_close(2) is CloseChoice.STAY
    assert pressed == ["Recordings are still being processed"]


def test_help_menu(qtbot: QtBot, window: MainWindow) -> None:
    assert window.windowTitle() == "meetingapp"
    assert [a.text() for a in window.help_menu.actions()] == [
        "&Keyboard shortcuts",
        "&About meetingapp",
    ]
    window.help_menu.actions()[1].trigger()
    box = window.info_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert f"meetingapp {__version__}" in box.text()
    window.help_menu.actions()[0].trigger()
    keys = dict(window.shortcuts())
    assert keys["F2"] == "Rename"
    assert keys["Del"] == "Delete"
    assert keys["Ctrl+Q"] == "Quit"
    assert "Rename" in window.info_box.text()
