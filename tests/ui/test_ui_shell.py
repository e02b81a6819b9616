"""Issue 17 items 6, 7 and 8: the window shows at once, highlights a drag, has Edit and
View menus with keyboard shortcuts and a history for Back, shows where the keyboard
focus is, remembers its size and splitters, and the library reads like the locale."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, QLocale, QMimeData, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragLeaveEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from ui_data import JFK

from meetingapp.engine.jobs import JobRunner
from meetingapp.ui.app import run_app
from meetingapp.ui.drop import DROP_TEXT
from meetingapp.ui.library_model import local_date
from meetingapp.ui.main_window import PAGES, CloseChoice, MainWindow

ROOT = Path(__file__).resolve().parents[2]
FOCUS_BLUE = QColor("#4c6ef5")


def activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def key(qtbot: QtBot, window: MainWindow, keys: str) -> None:
    """Press a key sequence where the focus is, as a user would."""
    qtbot.keySequence(QApplication.focusWidget() or window, keys)


# -- item 6: the window at once, the drag highlight ---------------------------------


def test_the_window_does_not_import_the_heavy_engine() -> None:
    """The pipeline (every model library) and the search engine (the vector store)
    took seconds to import before the window could show; they load later now."""
    code = (
        "import sys, meetingapp.ui.main_window, meetingapp.ui.app;"
        "heavy = [m for m in ('meetingapp.engine.pipeline', 'meetingapp.engine.search',"
        " 'chromadb', 'sklearn') if m in sys.modules];"
        "sys.exit(str(heavy) if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_start_waits_for_the_first_paint(
    qtbot: QtBot, ui_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    painted_at_start: list[bool] = []

    def start(self: MainWindow) -> list[int]:
        painted_at_start.append(self._painted)
        QTimer.singleShot(0, self.close)
        return []

    monkeypatch.setattr(MainWindow, "start", start)
    assert run_app(["meetingapp"]) == 0
    assert painted_at_start == [True]


def test_search_page_is_made_when_first_shown(qtbot: QtBot, window: MainWindow) -> None:
    assert window._search_page is None and "Search" not in window.pages
    window.show_page("Search")
    assert window.stack.currentWidget() is window.search_page
    assert window.pages["Search"][0] is window.search_page


def drag(window: MainWindow, paths: list[Path]) -> QDragEnterEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    return enter


def test_dragging_files_highlights_the_window(qtbot: QtBot, window: MainWindow) -> None:
    highlight = window.drop.highlight
    assert not highlight.isVisible()
    assert drag(window, [JFK]).isAccepted()
    assert highlight.isVisible() and highlight.geometry() == window.rect()
    image = highlight.grab().toImage()
    frame = [image.pixelColor(8, y) for y in range(20, image.height() - 20)]  # dashed line
    assert any(c.blue() > c.red() + 100 for c in frame)
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not highlight.isVisible()
    assert DROP_TEXT.startswith("Drop recordings")


def test_dragging_text_does_not_highlight(qtbot: QtBot, window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("not a file")
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted() and not window.drop.highlight.isVisible()


# -- item 7: menus, shortcuts, Back ---------------------------------------------------


def menu_texts(menu) -> list[str]:  # noqa: ANN001 - a QMenu
    return [a.text() for a in menu.actions()]


def test_edit_and_view_menus(qtbot: QtBot, window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Export", "&Edit", "&View", "&Help"]
    assert menu_texts(window.edit_menu) == ["Rename…", "Delete…", "", "&Search meetings…"]
    assert menu_texts(window.view_menu) == [*PAGES, "", "&Back"]
    keys = dict(window.shortcuts())
    for i, name in enumerate(PAGES, start=1):
        assert keys[f"Ctrl+{i}"] == name
    assert keys["Ctrl+F"] == "Search meetings"
    assert keys["Alt+Left / Esc"] == "Back"
    assert keys["F1"] == "Keyboard shortcuts"
    assert keys["F2"] == "Rename" and keys["Del"] == "Delete"
    window.show_page("Search")
    window.edit_menu.aboutToShow.emit()  # nothing to rename on the search page
    assert not window.library_page.rename_action.isEnabled()
    window.edit_menu.aboutToHide.emit()  # F2 in the library keeps working
    assert window.library_page.rename_action.isEnabled()


def test_page_keys_find_and_help(qtbot: QtBot, window: MainWindow) -> None:
    activate(qtbot, window)
    for i, name in enumerate(PAGES, start=1):
        key(qtbot, window, f"Ctrl+{i}")
        assert window.stack.currentWidget() is window._page(name)[0], name
        assert window.sidebar.currentRow() == i - 1
    key(qtbot, window, "Ctrl+1")
    key(qtbot, window, "Ctrl+F")
    assert window.stack.currentWidget() is window.search_page
    assert QApplication.focusWidget() is window.search_page.box
    key(qtbot, window, "F1")
    box = window.info_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.windowTitle() == "Keyboard shortcuts" and "Ctrl+F" in box.text()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc closes a dialog
    assert not box.isVisible()


def test_back_returns_where_the_meeting_was_opened(
    qtbot: QtBot, meeting_window: MainWindow
) -> None:
    window = meeting_window
    (meeting,) = window.library.meetings()
    activate(qtbot, window)
    window.show_page("Search")
    window.open_meeting(meeting.id)  # a citation in the results
    assert window.stack.currentWidget() is window.meeting_view
    window.meeting_view.setFocus()
    key(qtbot, window, "Alt+Left")
    assert window.stack.currentWidget() is window.search_page  # not the library
    assert window.sidebar.currentRow() == PAGES.index("Search")
    window.open_meeting(meeting.id)
    window.meeting_view.back_requested.emit()  # its back button
    assert window.stack.currentWidget() is window.search_page
    window.open_meeting(meeting.id)
    window.meeting_view.setFocus()
    key(qtbot, window, "Esc")
    assert window.stack.currentWidget() is window.search_page
    key(qtbot, window, "Esc")
    assert window.stack.currentWidget() is window.library_page
    key(qtbot, window, "Esc")  # nothing further back: stays
    assert window.stack.currentWidget() is window.library_page


def test_edit_menu_acts_on_the_meeting_shown(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    page = window.library_page
    (meeting,) = window.library.meetings()
    window.open_meeting(meeting.id)
    page.ask_title = lambda _m: "Renamed from the menu"
    window.edit_menu.aboutToShow.emit()
    assert page.rename_action.isEnabled()
    page.rename_action.trigger()
    assert window.library.meeting(meeting.id).title == "Renamed from the menu"
    assert window.meeting_view.title.text() == "Renamed from the menu"  # shown as it is now
    page.confirm_delete = lambda _m: True
    page.delete_action.trigger()
    assert window.library.meetings() == []
    assert window.stack.currentWidget() is window.library_page  # the meeting is gone


def test_names_learnt_for_a_meeting_deleted_meanwhile_are_dropped_quietly(
    qtbot: QtBot, meeting_window: MainWindow
) -> None:
    """The names a meeting's conversation proposes are learnt off the GUI thread; when
    the meeting is deleted before they arrive (a race CI hit), nothing is raised."""
    window = meeting_window
    (meeting,) = window.library.meetings()
    window.open_meeting(meeting.id)
    window.library.delete_meeting(meeting.id)
    window.meeting_view._proposals_done((meeting.id, {}))
    window.meeting_view._load_proposals(meeting.id)  # the worker, on a meeting that is gone
    qtbot.wait(500)


# -- item 7: focus marker, remembered size and splitters --------------------------------


def border_colour(widget) -> QColor:  # noqa: ANN001 - a QWidget
    image = widget.grab().toImage()
    return image.pixelColor(0, image.height() // 2)


def test_a_list_with_the_focus_is_framed(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    activate(qtbot, window)
    table = window.table
    window.sidebar.setFocus()
    qtbot.waitUntil(lambda: window.sidebar.hasFocus())
    assert border_colour(window.sidebar) == FOCUS_BLUE
    assert border_colour(table) != FOCUS_BLUE
    table.setFocus()
    qtbot.waitUntil(lambda: table.hasFocus())
    assert border_colour(table) == FOCUS_BLUE
    assert border_colour(window.sidebar) != FOCUS_BLUE


def open_window(qtbot: QtBot, data: Path) -> MainWindow:
    window = MainWindow(JobRunner(data))
    window.confirm_close = lambda _n: CloseChoice.CANCEL_JOBS
    qtbot.addWidget(window)
    window.show()
    return window


def test_size_and_splitters_are_remembered(qtbot: QtBot, ui_home: Path) -> None:
    window = open_window(qtbot, ui_home)
    window.resize(800, 690)  # the offscreen screen is 800 wide: within it, not the default
    window.library_page.setSizes([500, 330])
    window.meeting_view.split.setSizes([300, 600])
    window.show_page("Search")
    qtbot.wait(20)
    size = window.size()
    sizes = (window.library_page.sizes(), window.meeting_view.split.sizes())
    assert size.height() == 690
    window.close()

    again = open_window(qtbot, ui_home)
    assert again.size() == size
    assert (again.library_page.sizes(), again.meeting_view.split.sizes()) == sizes
    again.close()
    assert (ui_home / "window.ini").is_file()


# -- item 8: the library table ---------------------------------------------------------


def test_title_header_is_aligned_with_the_titles(qtbot: QtBot, meeting_window: MainWindow) -> None:
    model = meeting_window.model
    role = Qt.ItemDataRole.TextAlignmentRole
    for col in range(model.columnCount()):
        header = Qt.AlignmentFlag(model.headerData(col, Qt.Orientation.Horizontal, role))
        cell = Qt.AlignmentFlag(model.index(0, col).data(role))
        assert header == cell, col
    assert Qt.AlignmentFlag(model.headerData(0, Qt.Orientation.Horizontal, role)) & (
        Qt.AlignmentFlag.AlignLeft
    )


def test_filter_placeholder_fits_at_1024(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1024, 700)
    qtbot.wait(20)
    search = window.search
    needed = search.fontMetrics().horizontalAdvance(search.placeholderText())
    assert search.width() >= needed + 40  # the text, the clear button, the frame


@pytest.fixture
def german() -> Iterator[None]:
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    QLocale.setDefault(QLocale.system())


def test_dates_follow_the_locale(qtbot: QtBot, meeting_window: MainWindow, german: None) -> None:
    window = meeting_window
    (meeting,) = window.library.meetings()
    window.model.refresh()
    shown = window.proxy.index(0, 1).data()
    when = QDateTime.fromString(meeting.date, Qt.DateFormat.ISODate).toLocalTime()
    assert (
        shown
        == QLocale().toString(when, QLocale.FormatType.ShortFormat)
        == local_date(meeting.date)
    )
    assert "T" not in shown and shown[2] == "."  # 04.03.21 12:00, not 2021-03-04T...
    window.search.setText(shown[:5])  # the filter matches what is shown
    assert window.proxy.rowCount() == 1


def test_no_locale_means_iso_order(qtbot: QtBot) -> None:
    """The C locale has no date conventions ("2 12 2026"): year-month-day then."""
    QLocale.setDefault(QLocale.c())
    try:
        assert local_date("2021-03-04T05:06:00+00:00") == QDateTime.fromString(
            "2021-03-04T05:06:00+00:00", Qt.DateFormat.ISODate
        ).toLocalTime().toString("yyyy-MM-dd HH:mm")
    finally:
        QLocale.setDefault(QLocale.system())
