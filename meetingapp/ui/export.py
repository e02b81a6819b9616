"""Exporting a meeting from the window: where the save dialog starts, and Markdown to
the clipboard.

The save dialog used to start in the process's working folder (wherever the app
happened to be launched from, often not a place the user knows). It now starts
in the folder of the last export, else in the user's Documents, and suggests the
file name the CLI would write (``Library.export_filename``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from meetingapp.domain.meetings import FORMAT_NAMES
from meetingapp.library import Library
from meetingapp.ui.window_state import window_state

#: in the window's remembered state (window.ini in the data folder)
LAST_FOLDER = "export/last_folder"


def documents_folder() -> Path:
    """The user's Documents folder, or the home folder where there is none."""
    location = QStandardPaths.StandardLocation.DocumentsLocation
    docs = Path(QStandardPaths.writableLocation(location))
    return docs if docs.is_dir() else Path.home()


def export_folder(library: Library) -> Path:
    """Where the next export starts: the last one's folder while it exists, else Documents."""
    last = str(window_state(library.data).value(LAST_FOLDER, "") or "")
    return Path(last) if last and Path(last).is_dir() else documents_folder()


def remember_folder(library: Library, folder: Path) -> None:
    state = window_state(library.data)
    state.setValue(LAST_FOLDER, str(folder))
    state.sync()


def export_meeting(parent: QWidget, library: Library, meeting_id: int, fmt: str) -> Path | None:
    """Ask where to save (the dialog asks before replacing a file), write the export
    the CLI would write, and remember the folder; None when the user cancels.
    Raises MeetingAppError when the file cannot be written."""
    start = export_folder(library) / library.export_filename(meeting_id, fmt)
    name, _ = QFileDialog.getSaveFileName(
        parent,
        f"Export as {FORMAT_NAMES[fmt]}",
        str(start),
        f"{FORMAT_NAMES[fmt]} (*.{fmt});;All files (*)",
    )
    if not name:
        return None
    path = library.export_to(meeting_id, fmt, Path(name), force=True)
    remember_folder(library, path.parent)
    return path


def copy_markdown(library: Library, meeting_id: int) -> str:
    """Put the meeting's Markdown export (transcript and minutes) on the clipboard, to
    paste into notes, a wiki or a chat; returns the text."""
    text = library.export_text(meeting_id, "md")
    QGuiApplication.clipboard().setText(text)
    return text
