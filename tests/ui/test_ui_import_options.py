"""Issue 17 item 1: File > Import… asks for the title, type and language, which the
meeting then has. Every window import used to be a "general" meeting titled by its
file name. Item 8: the meeting's date is when the recording was made."""

from __future__ import annotations

from pathlib import Path

import pytest
from media import encode
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from ui_data import JFK, STANDUP

from meetingapp.engine.audio import load_audio
from meetingapp.ui import main_window
from meetingapp.ui.library_model import local_date
from meetingapp.ui.main_window import MainWindow


def choose_files(monkeypatch: pytest.MonkeyPatch, files: list[Path]) -> None:
    monkeypatch.setattr(
        main_window.QFileDialog,
        "getOpenFileNames",
        lambda *_args: ([str(f) for f in files], ""),
    )


def test_import_with_title_type_and_language(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_files(monkeypatch, [JFK])
    dialog = window.import_dialog()
    assert dialog is not None and dialog.isVisible()
    assert dialog.title.isEnabled() and dialog.title.placeholderText() == "jfk"
    assert dialog.type.currentText() == "general" and dialog.language.currentText() == "en"
    dialog.title.setText("  Inaugural address  ")
    dialog.type.setCurrentText("review")
    with qtbot.waitSignal(window.bridge.import_queued, timeout=30_000) as queued:
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    job_id = queued.args[1]
    qtbot.waitUntil(lambda: window.library.job(job_id).status == "done", timeout=300_000)
    meeting = window.library.meeting(window.library.job(job_id).meeting_id)
    assert (meeting.title, meeting.type, meeting.language) == ("Inaugural address", "review", "en")


def test_several_files_keep_their_names_and_cancel_imports_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_files(monkeypatch, [JFK, STANDUP])
    dialog = window.import_dialog()
    assert dialog is not None
    assert not dialog.title.isEnabled()  # one title for two meetings would confuse them
    dialog.type.setCurrentText("standup")
    dialog.language.setCurrentText("Auto-detect")
    options = dialog.options()
    assert (options.title, options.type, options.language) == (None, "standup", None)
    dialog.reject()
    qtbot.wait(200)
    assert window.library.jobs() == [] and window.queue.rows == {}


def test_meeting_date_is_when_it_was_recorded(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Item 8: a phone's recording carries its creation time; the library shows that,
    not the file's modified time (a copy made today)."""
    recorded = "2021-03-04T05:06:07.000000Z"
    memo = tmp_path / "memo.m4a"  # made now: its modified time is today
    encode(load_audio(JFK).samples, memo, "aac", metadata={"creation_time": recorded})
    with qtbot.waitSignal(window.bridge.import_queued, timeout=30_000) as queued:
        window.import_paths([memo])
    job_id = queued.args[1]
    qtbot.waitUntil(lambda: window.library.job(job_id).status == "done", timeout=300_000)
    meeting = window.library.meeting(window.library.job(job_id).meeting_id)
    when = QDateTime.fromString(meeting.date, Qt.DateFormat.ISODate)
    assert when.toUTC() == QDateTime.fromString(recorded, Qt.DateFormat.ISODateWithMs)
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    assert window.proxy.index(0, 1).data() == local_date(meeting.date)
