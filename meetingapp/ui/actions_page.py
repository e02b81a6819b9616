"""Every action item across meetings: tick off, edit, filter by owner, jump to where it
was agreed.

A ticked item stays in the list, struck through, with an Undo bar above it until the
page is shown again or the filter changes: an item that vanished the moment its box
was clicked (a slip of the mouse included) could not be found to untick.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.minutes import TrackedAction
from meetingapp.domain.times import clock
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library
from meetingapp.ui.action_tree import (
    ACTION_ROLE,
    STATUS_ROLE,
    TASK,
    ActionTree,
    action_row,
    strike,
    ticked,
)
from meetingapp.ui.edit_dialogs import ActionDialog

SHOW = ("Open", "Done", "All")
ANY_OWNER = "Anyone"


class ActionsPage(QWidget):
    #: (meeting id, seconds) of the moment an item was agreed
    open_requested = Signal(int, float)
    error = Signal(str)

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.actions: list[TrackedAction] = []
        self._filling = False
        #: the last tick or untick, for Undo: (action id, the status before it)
        self._undo: tuple[int, str] | None = None

        title = QLabel("Action items")
        title.setObjectName("pageTitle")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setToolTip("Change the task, owner or due date (F2)")
        self.edit_button.clicked.connect(self.edit_current)
        self.show_filter = QComboBox()
        self.show_filter.addItems(SHOW)
        self.show_filter.currentTextChanged.connect(lambda _t: self.refresh())
        self.owner = QComboBox()
        self.owner.setMinimumWidth(140)
        self.owner.currentTextChanged.connect(lambda _t: self._fill())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.edit_button)
        head.addSpacing(12)
        for label, w in (("Show", self.show_filter), ("Owner", self.owner)):
            hint = QLabel(label)
            hint.setObjectName("hint")
            head.addWidget(hint)
            head.addWidget(w)

        self.undo_text = QLabel()
        self.undo_button = QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo)
        self.undo_bar = QFrame()
        self.undo_bar.setObjectName("undoBar")
        self.undo_bar.setStyleSheet(
            "#undoBar { background: #e7f5ff; border: 1px solid #a5d8ff; border-radius: 6px; }"
        )
        bar = QHBoxLayout(self.undo_bar)
        bar.setContentsMargins(10, 4, 4, 4)
        bar.addWidget(self.undo_text, 1)
        bar.addWidget(self.undo_button)
        self.undo_bar.hide()

        self.tree = ActionTree("actions", "Task", "Meeting", editable=False)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(self._open_item)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        edit = QShortcut(QKeySequence(Qt.Key.Key_F2), self.tree)
        edit.setContext(Qt.ShortcutContext.WidgetShortcut)
        edit.activated.connect(self.edit_current)
        self.empty = QLabel("No action items. Minutes of new meetings list them here.")
        self.empty.setObjectName("hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 16, 12)
        lay.addLayout(head)
        lay.addWidget(self.undo_bar)
        lay.addWidget(self.empty)
        lay.addWidget(self.tree, 1)
        self._update_buttons()

    def refresh(self) -> None:
        """Read the items again: ticked ones kept for Undo leave the Open list now."""
        show = self.show_filter.currentText()
        items = self.library.actions(open_only=show == "Open")
        self.actions = [a for a in items if show != "Done" or a.status == "done"]
        self._undo = None
        self.undo_bar.hide()
        self._update_owners()
        self._fill()

    def _update_owners(self) -> None:
        owners = sorted({a.owner for a in self.library.actions() if a.owner}, key=str.lower)
        current = self.owner.currentText() or ANY_OWNER
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItems([ANY_OWNER, *owners])
        self.owner.setCurrentText(current if current in owners else ANY_OWNER)
        self.owner.blockSignals(False)

    def shown(self) -> list[TrackedAction]:
        owner = self.owner.currentText()
        if owner in ("", ANY_OWNER):
            return self.actions
        return [a for a in self.actions if (a.owner or "").lower() == owner.lower()]

    def _fill(self, current: int | None = None) -> None:
        """Show :meth:`shown`; ``current`` (an action id) stays the current row."""
        self._filling = True
        self.tree.clear()
        for a in self.shown():
            where = f"{a.meeting_title} · {a.meeting_date[:10]} · {clock(a.start)}"
            item = action_row(a, where)
            self.tree.addTopLevelItem(item)
            if a.id == current:
                self.tree.setCurrentItem(item)
        self.empty.setVisible(self.tree.topLevelItemCount() == 0)
        self._filling = False
        self._update_buttons()

    def row_of(self, action_id: int) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(TASK, ACTION_ROLE).id == action_id:
                return item
        return None

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.tree.currentItem() is not None)

    # -- ticking off ----------------------------------------------------------
    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        a: TrackedAction = item.data(TASK, ACTION_ROLE)
        if self._filling or column != TASK:
            return
        status = ticked(item)
        if status != a.status:
            self.set_status(a.id, status)

    def set_status(self, action_id: int, status: str) -> None:
        """Tick off or reopen; the row stays where it is (struck through when done)
        and the bar above offers Undo."""
        before = next(a.status for a in self.actions if a.id == action_id)
        if not self._store(action_id, status=status):
            return
        self._undo = (action_id, before)
        task = next(a.task for a in self.actions if a.id == action_id)
        done = "done" if status == "done" else "open again"
        self.undo_text.setText(f"Marked “{task}” {done}.")
        self.undo_bar.show()

    def undo(self) -> None:
        """Put the last ticked (or unticked) item back as it was."""
        if self._undo is None:
            return
        action_id, status = self._undo
        self._undo = None
        self.undo_bar.hide()
        self._store(action_id, status=status)

    def _store(self, action_id: int, **changes: str | None) -> bool:
        """Write a change through the library and show the stored item in its row
        (the rest of the list stays as it is); False when it failed (said in error)."""
        try:
            updated = self.library.update_action(action_id, **changes)
        except MeetingAppError as e:
            self.error.emit(str(e))
            self._fill()  # the row shows what is stored again
            return False
        self.actions = [updated if a.id == action_id else a for a in self.actions]
        item = self.row_of(action_id)
        if item is not None:
            self._filling = True
            item.setData(TASK, ACTION_ROLE, updated)
            item.setData(TASK, STATUS_ROLE, updated.status)
            done = updated.status == "done"
            item.setCheckState(TASK, Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
            strike(item, done)
            self._filling = False
        return True

    # -- editing ----------------------------------------------------------------
    def edit_current(self) -> ActionDialog | None:
        """Edit the current item's task, owner and due date in a dialog (not blocking)."""
        item = self.tree.currentItem()
        if item is None:
            return None
        action: TrackedAction = item.data(TASK, ACTION_ROLE)
        dialog = ActionDialog(action, self.people(action), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.edit_action(action.id, **dialog.changes()))
        dialog.open()
        return dialog

    def people(self, action: TrackedAction) -> list[str]:
        """Who may own an item: the speakers of its meeting ("Speaker 2" means someone
        there only), then the owners of other items."""
        names = [s for s in self.library.speakers_of(action.meeting_id) if s]
        owners = {a.owner for a in self.library.actions() if a.owner} - set(names)
        return names + sorted(owners, key=str.lower)

    def edit_action(self, action_id: int, **changes: str | None) -> None:
        if not changes or not self._store(action_id, **changes):
            return
        self._update_owners()
        self._fill(current=action_id)

    # -- going to the meeting -------------------------------------------------------
    def _open_item(self, item: QTreeWidgetItem, _column: int) -> None:
        a: TrackedAction = item.data(TASK, ACTION_ROLE)
        self.open_requested.emit(a.meeting_id, a.start)

    def _menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        self.tree.setCurrentItem(item)
        a: TrackedAction = item.data(TASK, ACTION_ROLE)
        menu = QMenu(self)
        menu.addAction("Open in the meeting", lambda: self._open_item(item, 0))
        menu.addAction("Edit…", self.edit_current)
        done = a.status == "done"
        menu.addAction(
            "Reopen" if done else "Mark done",
            lambda: self.set_status(a.id, "open" if done else "done"),
        )
        menu.popup(self.tree.viewport().mapToGlobal(pos))
