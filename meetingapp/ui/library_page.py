"""The library page: the meetings table with its filter, and the processing queue.

A meeting is managed from its row: the context menu (Open, Rename…, Change type,
Delete…), F2 renames, Delete deletes after asking (the window's Edit menu holds the
same two actions). The table follows the database,
changes by other processes (``meetingapp transcribe``, a second window) included:
while the page shows, it polls :meth:`Library.meetings_signature` every second.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.meetings import Meeting
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library
from meetingapp.ui.library_model import ID_ROLE, MeetingFilterModel, MeetingTableModel
from meetingapp.ui.queue_panel import QueuePanel
from meetingapp.ui.tables import style_table


class LibraryPage(QSplitter):
    #: a meeting was activated (double-click or Enter): its id
    open_requested = Signal(int)
    #: the Import… button
    import_requested = Signal()
    #: the meetings changed (renamed, retyped, deleted here, or by another process)
    changed = Signal()
    #: an action failed: one line for the user
    error = Signal(str)
    #: what an action did, for the status bar
    status = Signal(str)

    #: how often the database is checked for changes, in milliseconds
    POLL_MS = 1000

    def __init__(self, library: Library, queue: QueuePanel) -> None:
        super().__init__()
        self.library = library
        self.model = MeetingTableModel(library)
        self.proxy = MeetingFilterModel(self.model)
        self.queue = queue

        self.setObjectName("libraryPage")
        #: the meeting Rename… and Delete… act on: the selected row, unless the window
        #: says otherwise (its Edit menu acts on the meeting it shows)
        self.target: Callable[[], int | None] = self.selected_meeting
        title = QLabel("Library")
        title.setObjectName("pageTitle")
        self.search = QLineEdit()
        placeholder = "Filter by title, type or date"
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.setAcceptDrops(False)  # a dropped file imports, it is not text
        # never narrower than its placeholder (it was cut off in a narrow window),
        # with room for the clear button and the frame
        room = self.search.fontMetrics().horizontalAdvance(placeholder) + 56
        self.search.setMinimumWidth(room)
        self.search.setMaximumWidth(max(320, room))
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        import_button = QPushButton("Import…")
        import_button.clicked.connect(self.import_requested)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.search)
        head.addWidget(import_button)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        style_table(self.table, 5)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.activated.connect(self._open_index)
        self.table.doubleClicked.connect(self._open_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_menu)
        self.rename_action = self._table_action("Rename…", "F2", self.rename_selected)
        self.delete_action = self._table_action("Delete…", "Delete", self.delete_selected)
        self.empty_hint = QLabel(
            "No meetings yet. Drop recordings or folders here, or use File → Import."
        )
        self.empty_hint.setObjectName("hint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(20, 16, 12, 12)
        ll.addLayout(head)
        ll.addWidget(self.empty_hint)
        ll.addWidget(self.table, 1)
        queue_scroll = QScrollArea()
        queue_scroll.setObjectName("queue")
        queue_scroll.setWidgetResizable(True)
        # rows fit the panel's width (long names elide, errors wrap): no sideways scrolling
        queue_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        queue_scroll.setWidget(queue)
        queue_scroll.setMinimumWidth(300)
        self.addWidget(left)
        self.addWidget(queue_scroll)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)
        self.setSizes([860, 320])
        self.empty_hint.setVisible(self.model.rowCount() == 0)

        self.signature: tuple[Any, ...] | None = self._read_signature()
        self.poll = QTimer(self)
        self.poll.setInterval(self.POLL_MS)
        self.poll.timeout.connect(self.check_for_changes)

    def _table_action(self, text: str, key: str, slot: Any) -> QAction:
        act = QAction(text, self.table)
        act.setShortcut(key)
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(slot)
        self.table.addAction(act)
        return act

    # -- following the database -------------------------------------------------
    def refresh(self) -> None:
        """Read the meetings again, keeping the selection; the hint shows while there
        are none."""
        selected = self.selected_meeting()
        self.signature = self._read_signature()
        self.model.refresh()
        self.empty_hint.setVisible(self.model.rowCount() == 0)
        if selected is not None:
            self.select_meeting(selected)

    def _read_signature(self) -> tuple[Any, ...] | None:
        try:
            return self.library.meetings_signature()
        except (MeetingAppError, sqlite3.Error):
            return None  # busy or unreadable for a moment: the next poll tries again

    def check_for_changes(self) -> bool:
        """Reload the table when the meetings changed since it was read; True if so."""
        signature = self._read_signature()
        if signature is None or signature == self.signature:
            return False
        self.refresh()
        self.changed.emit()
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.check_for_changes()
        self.poll.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.poll.stop()

    # -- selection -----------------------------------------------------------------
    def selected_meeting(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.data(rows[0], ID_ROLE) if rows else None

    def select_meeting(self, meeting_id: int) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.proxy.data(index, ID_ROLE) == meeting_id:
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return True
        return False

    # -- managing a meeting ------------------------------------------------------
    def context_menu(self, meeting_id: int) -> QMenu:
        """Open, Rename…, Change type ▸, Delete… for one meeting."""
        meeting = self.library.meeting(meeting_id)
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_requested.emit(meeting_id))
        menu.setDefaultAction(menu.actions()[0])
        rename = menu.addAction("Rename…", lambda: self.rename_meeting(meeting_id))
        rename.setShortcut(self.rename_action.shortcut())
        types = menu.addMenu("Change type")
        for name in MEETING_TYPES:
            act = types.addAction(name, lambda name=name: self.retype_meeting(meeting_id, name))
            act.setCheckable(True)
            act.setChecked(name == meeting.type)
        menu.addSeparator()
        delete = menu.addAction("Delete…", lambda: self.delete_meeting(meeting_id))
        delete.setShortcut(self.delete_action.shortcut())
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        meeting_id = self.proxy.data(index, ID_ROLE)
        self.select_meeting(meeting_id)
        try:
            menu = self.context_menu(meeting_id)
        except MeetingAppError as e:
            self.error.emit(str(e))
            self.refresh()
            return
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def ask_title(self, meeting: Meeting) -> str | None:
        """The new title, or None when the user cancels (tests replace this)."""
        text, ok = QInputDialog.getText(
            self, "Rename meeting", "Title:", QLineEdit.EchoMode.Normal, meeting.title
        )
        return text if ok else None

    def confirm_delete(self, meeting: Meeting) -> bool:
        """Whether to delete the meeting; No is the default (tests replace this)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete meeting")
        box.setText(f"Delete “{meeting.title}”?")
        box.setInformativeText(
            "Its transcript, speakers, minutes and stored recording are removed. "
            "This cannot be undone."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def rename_selected(self) -> None:
        if (meeting_id := self.target()) is not None:
            self.rename_meeting(meeting_id)

    def delete_selected(self) -> None:
        if (meeting_id := self.target()) is not None:
            self.delete_meeting(meeting_id)

    def rename_meeting(self, meeting_id: int) -> None:
        try:
            title = self.ask_title(self.library.meeting(meeting_id))
            if title is None:
                return
            self.library.update_meeting(meeting_id, title=title)
        except MeetingAppError as e:
            self.error.emit(str(e))
        self._changed_here()

    def retype_meeting(self, meeting_id: int, meeting_type: str) -> None:
        try:
            self.library.update_meeting(meeting_id, type=meeting_type)
        except MeetingAppError as e:
            self.error.emit(str(e))
        self._changed_here()

    def delete_meeting(self, meeting_id: int) -> None:
        try:
            if not self.confirm_delete(self.library.meeting(meeting_id)):
                return
            title = self.library.delete_meeting(meeting_id)
            self.status.emit(f"Deleted “{title}”")
        except MeetingAppError as e:
            self.error.emit(str(e))
        self._changed_here()

    def _changed_here(self) -> None:
        self.refresh()
        self.changed.emit()

    def _open_index(self, index: QModelIndex) -> None:
        self.open_requested.emit(self.proxy.data(index, ID_ROLE))
