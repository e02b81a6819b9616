"""Exporting a meeting from the window: where the save dialog starts, Markdown to
the clipboard, and documents to read and print (PDF, OpenDocument).

The save dialog used to start in the process's working folder (wherever the app
happened to be launched from, often not a place the user knows). It now starts
in the folder of the last export, else in the user's Documents, and suggests the
file name the CLI would write (``Library.export_filename``). PDF and
OpenDocument text (which Word and LibreOffice open) are the Markdown export laid
out by Qt: the window's own, since the CLI and the API serve tools that want text.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QStandardPaths
from PySide6.QtGui import QGuiApplication, QPageSize, QPdfWriter, QTextDocument, QTextDocumentWriter
from PySide6.QtWidgets import QFileDialog, QWidget

from meetingapp.domain.meetings import FORMAT_NAMES
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library
from meetingapp.ui.window_state import window_state

#: in the window's remembered state (window.ini in the data folder)
LAST_FOLDER = "export/last_folder"
#: documents written from the Markdown export, by file extension
DOCUMENTS = {"pdf": "PDF", "odt": "OpenDocument text"}


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


def ask_path(parent: QWidget, library: Library, meeting_id: int, fmt: str) -> Path | None:
    """The save dialog (it asks before replacing a file), starting where the last
    export went with the CLI's file name; None when the user cancels."""
    label = FORMAT_NAMES.get(fmt) or DOCUMENTS[fmt]
    start = export_folder(library) / library.export_filename(meeting_id, fmt)
    name, _ = QFileDialog.getSaveFileName(
        parent, f"Export as {label}", str(start), f"{label} (*.{fmt});;All files (*)"
    )
    return Path(name) if name else None


def export_meeting(parent: QWidget, library: Library, meeting_id: int, fmt: str) -> Path | None:
    """Ask where to save, write the export the CLI would write (or, for a document
    format, the document), and remember the folder; None when the user cancels.
    Raises MeetingAppError when the file cannot be written."""
    name = ask_path(parent, library, meeting_id, fmt)
    if name is None:
        return None
    if fmt in DOCUMENTS:
        path = write_document(library.export_text(meeting_id, "md"), fmt, name)
    else:
        path = library.export_to(meeting_id, fmt, name, force=True)
    remember_folder(library, path.parent)
    return path


def write_document(markdown: str, fmt: str, path: Path) -> Path:
    """The Markdown laid out as a PDF (A4) or an OpenDocument text, written beside
    ``path`` and moved into place only when whole, so a full disk leaves no half file."""
    doc = QTextDocument()
    doc.setMarkdown(markdown)
    part = path.with_name(f".{path.name}.part")
    try:
        if fmt == "pdf":
            writer = QPdfWriter(str(part))
            writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
            doc.print_(writer)
            del writer  # the file is complete once the writer is gone
            written = part.is_file() and part.stat().st_size > 0
        else:
            written = QTextDocumentWriter(str(part), QByteArray(b"ODF")).write(doc)
        if not written:
            raise OSError("the file could not be written")
        os.replace(part, path)
    except OSError as e:
        part.unlink(missing_ok=True)
        raise MeetingAppError(f"{path}: cannot save the {DOCUMENTS[fmt]}: {e}") from None
    return path


def copy_markdown(library: Library, meeting_id: int) -> str:
    """Put the meeting's Markdown export (transcript and minutes) on the clipboard, to
    paste into notes, a wiki or a chat; returns the text."""
    text = library.export_text(meeting_id, "md")
    QGuiApplication.clipboard().setText(text)
    return text
