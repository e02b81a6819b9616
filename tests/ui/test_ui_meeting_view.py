"""A transcribed meeting: playback from a line, editing, speakers, export (where the save
dialog starts, Markdown to the clipboard), analytics."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QMenu, QPlainTextEdit
from pytestqt.qtbot import QtBot
from ui_data import db_of

from meetingapp.cli import main
from meetingapp.domain.analytics import Bar
from meetingapp.domain.meetings import FORMAT_NAMES
from meetingapp.domain.times import clock
from meetingapp.errors import MeetingAppError
from meetingapp.store.analytics import talk_time_by_person
from meetingapp.store.export import FORMATS
from meetingapp.store.meetings import list_meetings, load_segments, speakers_of
from meetingapp.store.minutes import load_minutes
from meetingapp.ui import export
from meetingapp.ui.edit_dialogs import SegmentTextDialog
from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.meeting_view import MeetingView

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def action(menu: QMenu, text: str) -> QAction:
    return next(a for a in menu.actions() if a.text() == text)


def open_first(window: MainWindow) -> MeetingView:
    meeting = list_meetings(db_of(window))[0]
    window.open_meeting(meeting.id)
    return window.meeting_view


def shown(view: MeetingView, row: int) -> str:
    """What the transcript shows for a row: "[time] speaker: text"."""
    model = view.transcript.model_
    return model.data(model.index(row))


def test_click_line_plays_from_there_and_highlights_words(
    qtbot: QtBot, meeting_window: MainWindow
) -> None:
    view = open_first(meeting_window)
    transcript = view.transcript
    assert transcript.segments, "the meeting has a transcript"
    row = len(transcript.segments) - 1
    start_ms = int(transcript.segments[row].start * 1000)
    qtbot.mouseClick(
        transcript.viewport(), Qt.MouseButton.LeftButton, pos=transcript.row_rect(row).center()
    )
    qtbot.waitUntil(
        lambda: view.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: view.player.position() > start_ms + 300, timeout=10_000)
    assert view.player.source().toLocalFile() == str(view.source)
    assert transcript.active_row() == row
    qtbot.waitUntil(lambda: transcript.model_.current_word is not None, timeout=5_000)
    assert "background:" in transcript.model_.html(row)
    assert view.waveform.position * 1000 >= start_ms
    # Leaving the meeting stops playback (this once deadlocked inside QMediaPlayer.stop).
    meeting_window.show_page("Analytics")
    qtbot.waitUntil(
        lambda: view.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState,
        timeout=5_000,
    )


def test_waveform_loads_off_the_gui_thread(qtbot: QtBot, meeting_window: MainWindow) -> None:
    with qtbot.waitSignal(meeting_window.meeting_view.waveform_ready, timeout=30_000):
        view = open_first(meeting_window)
    peaks = view.waveform.peaks
    assert len(peaks) > 1000 and 0.99 <= float(peaks.max()) <= 1.0 and float(peaks.min()) < 0.2
    assert view.waveform.grab().width() > 0


def test_rename_speaker_updates_view_and_store(meeting_window: MainWindow) -> None:
    view = open_first(meeting_window)
    meeting_id = view.meeting.id
    old = speakers_of(db_of(view), meeting_id)[0]
    view.rename_speaker(old, "John F. Kennedy")
    assert speakers_of(db_of(view), meeting_id) == ["John F. Kennedy"]
    segments = load_segments(db_of(view), meeting_id)
    assert all(s.speaker == "John F. Kennedy" for s in segments)
    assert all(w.speaker == "John F. Kennedy" for s in segments for w in s.words)
    rows = range(len(segments))
    assert all(shown(view, i).split("] ", 1)[1].startswith("John F. Kennedy:") for i in rows)
    assert "John F. Kennedy" in view.legend.text()


def test_reassign_and_edit_segment(meeting_window: MainWindow) -> None:
    view = open_first(meeting_window)
    meeting_id = view.meeting.id
    view.reassign(0, "Narrator")
    segments = load_segments(db_of(view), meeting_id)
    assert segments[0].speaker == "Narrator"
    assert {w.speaker for w in segments[0].words} == {"Narrator"}
    assert "] Narrator: " in shown(view, 0)

    before = segments[0]
    view.edit_text(0, "My fellow Americans")
    after = load_segments(db_of(view), meeting_id)[0]
    assert after.text == "My fellow Americans"
    assert [w.word.strip() for w in after.words] == ["My", "fellow", "Americans"]
    assert after.words[0].start == pytest.approx(before.start, abs=0.01)
    assert after.words[-1].end == pytest.approx(before.end, abs=0.01)
    assert view.transcript.model_.html(0) == "My fellow Americans"


def test_edit_text_is_a_wrapping_multi_line_box(qtbot: QtBot, meeting_window: MainWindow) -> None:
    view = open_first(meeting_window)
    meeting_id = view.meeting.id
    seg = view.segments[0]
    dialog = view.ask_edit(0)
    assert isinstance(dialog, SegmentTextDialog) and dialog.isVisible()
    editor = dialog.editor
    assert editor.toPlainText() == seg.text.strip()
    # Several lines tall, wrapping at its width: never a box that scrolls sideways.
    assert editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    assert editor.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert editor.height() >= 4 * editor.fontMetrics().lineSpacing()
    editor.setPlainText(" ".join([seg.text.strip()] * 6))
    qtbot.wait(10)
    assert editor.horizontalScrollBar().maximum() == 0
    editor.setPlainText("")
    assert not dialog.save.isEnabled()
    editor.setPlainText("And so, my fellow Americans,\nask not")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    stored = load_segments(db_of(view), meeting_id)[0]
    assert stored.text == "And so, my fellow Americans, ask not"
    assert shown(view, 0).endswith(": And so, my fellow Americans, ask not")


def test_export_starts_in_documents_then_the_last_folder(
    meeting_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    asked: list[tuple[str, str]] = []
    answer = tmp_path / "exports" / "minutes.md"
    answer.parent.mkdir()

    def save_dialog(_parent: object, caption: str, start: str, _filter: str) -> tuple[str, str]:
        asked.append((caption, start))
        return str(answer), ""

    monkeypatch.setattr(export.QFileDialog, "getSaveFileName", save_dialog)
    view = open_first(meeting_window)
    meeting_id = view.meeting.id
    # The view's Export button opens the menu bar's Export menu: one set of actions.
    menu = view.export_button.menu()
    assert menu is meeting_window.export_menu
    assert [a.text() for a in menu.actions() if a.text()] == [
        *(f"{FORMAT_NAMES[f]}…" for f in FORMATS),
        "PDF…",
        "OpenDocument text…",
        "Copy as &Markdown",
    ]
    menu.aboutToShow.emit()
    assert all(a.isEnabled() for a in menu.actions())
    action(menu, "Markdown…").trigger()
    assert asked == [("Export as Markdown", str(home / "Documents" / "JFK.md"))]
    assert answer.read_text(encoding="utf-8") == view.library.export_text(meeting_id, "md")
    assert view.note.text() == "Exported minutes.md"
    # The next export, in this window or the next one, starts where the last one went.
    action(menu, "SubRip subtitles (SRT)…").trigger()
    assert asked[-1] == ("Export as SubRip subtitles (SRT)", str(answer.parent / "JFK.srt"))
    assert export.export_folder(view.library) == answer.parent
    answer.parent.joinpath("minutes.md").unlink()
    answer.parent.rmdir()  # a folder that went away: back to Documents
    assert export.export_folder(view.library) == home / "Documents"


def test_copy_as_markdown(qtbot: QtBot, meeting_window: MainWindow) -> None:
    """Ctrl+Shift+C, listed in the Export menu, copies the meeting shown, or the one
    selected in the library; with neither, the status bar says why nothing happened."""
    view = open_first(meeting_window)
    meeting_window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is meeting_window)
    QApplication.clipboard().clear()
    view.transcript.setFocus()
    qtbot.keyClick(view.transcript, Qt.Key.Key_C, CTRL_SHIFT)
    text = QApplication.clipboard().text()
    assert text == view.library.export_text(view.meeting.id, "md")
    assert text.startswith("# JFK") and "country" in text
    assert view.note.text() == "Copied as Markdown"
    assert dict(meeting_window.shortcuts())["Ctrl+Shift+C"] == "Copy as Markdown"

    meeting_window.show_page("Library")
    QApplication.clipboard().clear()
    meeting_window.table.clearSelection()
    meeting_window.table.setFocus()
    qtbot.keyClick(meeting_window.table, Qt.Key.Key_C, CTRL_SHIFT)
    assert QApplication.clipboard().text() == ""
    assert meeting_window.statusBar().currentMessage() == "Open or select a meeting to export it"
    meeting_window.table.selectRow(0)
    qtbot.keyClick(meeting_window.table, Qt.Key.Key_C, CTRL_SHIFT)
    assert QApplication.clipboard().text() == text
    assert meeting_window.statusBar().currentMessage() == "Copied as Markdown"


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_formats(meeting_window: MainWindow, tmp_path: Path, fmt: str) -> None:
    meeting = list_meetings(db_of(meeting_window))[0]
    out = tmp_path / f"meeting.{fmt}"
    meeting_window.export_meeting(meeting.id, fmt, out)
    text = out.read_text(encoding="utf-8")
    if fmt == "rttm":  # speaker turns, no words
        assert text.startswith("SPEAKER ")
        return
    assert "country" in text.lower()
    if fmt == "json":
        assert json.loads(text)["meeting"]["id"] == meeting.id
    if fmt in ("srt", "vtt"):
        assert "-->" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_window_and_cli_exports_are_identical(
    meeting_window: MainWindow, tmp_path: Path, fmt: str
) -> None:
    meeting = list_meetings(db_of(meeting_window))[0]
    window_file, cli_file = tmp_path / f"window.{fmt}", tmp_path / f"cli.{fmt}"
    meeting_window.export_meeting(meeting.id, fmt, window_file)
    assert main(["export", str(meeting.id), "--format", fmt, "-o", str(cli_file)]) == 0
    assert window_file.read_bytes() == cli_file.read_bytes()
    if fmt == "md":  # the window's export once left the minutes out
        assert load_minutes(db_of(meeting_window), meeting.id) is not None
        assert "## Summary" in window_file.read_text(encoding="utf-8")


def test_analytics_charts_from_store(meeting_window: MainWindow) -> None:
    """An unnamed voice is left out of talk time, with a line saying how much; once
    the speaker has a name (a person), the talk is theirs."""
    meeting_window.show_page("Analytics")
    page = meeting_window.analytics
    assert meeting_window.stack.currentWidget() is page
    meeting = list_meetings(db_of(meeting_window))[0]
    segments = load_segments(db_of(meeting_window), meeting.id)
    spoken = round(sum(s.end - s.start for s in segments), 1)
    assert page.talk.bars == [] and page.talk.empty_text == "No named people yet"
    assert f"Not counted: {clock(spoken)} by voices with no name yet" in page.unnamed.text()
    assert sum(b.value for b in page.weeks.bars) == 1
    assert "1 meeting" in page.summary.text()
    view = open_first(meeting_window)
    view.rename_speaker(speakers_of(db_of(view), meeting.id)[0], "John F. Kennedy")
    meeting_window.show_page("Analytics")
    assert page.talk.bars == [Bar("John F. Kennedy", pytest.approx(spoken, abs=0.1))]
    assert page.talk.bars == talk_time_by_person(db_of(meeting_window))
    assert page.unnamed.text() == ""


def test_library_filter_and_sort(meeting_window: MainWindow) -> None:
    proxy = meeting_window.proxy
    assert proxy.rowCount() == 1
    meeting_window.search.setText("no such meeting")
    assert proxy.rowCount() == 0
    meeting_window.search.setText("jfk")
    assert proxy.rowCount() == 1


def test_pdf_and_opendocument_hold_the_meeting(
    meeting_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documents to read and print: a real PDF whose pages carry the transcript,
    an OpenDocument text (a zip with content.xml) with the same words."""
    out = tmp_path / "out"
    out.mkdir()
    answers = iter([out / "jfk.pdf", out / "jfk.odt"])
    monkeypatch.setattr(export.QFileDialog, "getSaveFileName", lambda *_a: (str(next(answers)), ""))
    view = open_first(meeting_window)
    action(view.export_button.menu(), "PDF…").trigger()
    action(view.export_button.menu(), "OpenDocument text…").trigger()
    pdf = QPdfDocument()
    assert pdf.load(str(out / "jfk.pdf")) == QPdfDocument.Error.None_
    text = " ".join(pdf.getAllText(p).text() for p in range(pdf.pageCount()))
    assert "JFK" in text and "country" in text.lower()
    with zipfile.ZipFile(out / "jfk.odt") as odt:
        assert "country" in odt.read("content.xml").decode().lower()
    assert sorted(p.name for p in out.iterdir()) == ["jfk.odt", "jfk.pdf"]  # no .part left
    assert view.note.text() == "Exported jfk.odt"


def test_a_document_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "jfk.pdf"
    with pytest.raises(MeetingAppError, match="cannot save the PDF"):
        export.write_document("# JFK", "pdf", target)
    assert not target.parent.exists()
