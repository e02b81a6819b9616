"""The window's one action-item tree: the tracker page and a meeting's minutes show
their items with the same columns, check box, strike-through and item data, so a
change to how an action looks or is ticked off is made once."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from meetingapp.domain.minutes import TrackedAction
from meetingapp.ui.wrap_delegate import WrapDelegate

#: item data: seconds into the recording (float), the action (TrackedAction) and
#: its status as last shown ("open" / "done")
START_ROLE = Qt.ItemDataRole.UserRole
ACTION_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
TASK, OWNER, DUE, LAST = range(4)


class ActionTree(QTreeWidget):
    """Task · Owner · Due · ``last`` (where, or when in the meeting)."""

    def __init__(self, name: str, first: str, last: str, editable: bool) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setHeaderLabels([first, "Owner", "Due", last])
        self.setRootIsDecorated(False)
        self.setItemDelegate(WrapDelegate(self))
        triggers = QAbstractItemView.EditTrigger
        self.setEditTriggers(
            triggers.DoubleClicked | triggers.EditKeyPressed
            if editable
            else triggers.NoEditTriggers
        )
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TASK, QHeaderView.ResizeMode.Stretch)
        for col in (OWNER, DUE, LAST):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

    def event(self, e: QEvent) -> bool:
        """Space ticks the current item off, before a page's Space shortcut (the
        meeting view's play / pause) can take it."""
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent):
            item = self.currentItem()
            checkable = item is not None and bool(item.flags() & Qt.ItemFlag.ItemIsUserCheckable)
            if e.key() == Qt.Key.Key_Space and not e.modifiers() and checkable:
                e.accept()
                return True
        return super().event(e)


def action_row(a: TrackedAction, last: str, editable: bool = False) -> QTreeWidgetItem:
    """A checkable row for one action item, struck through when done."""
    # ``due`` is the resolved date, else the phrase itself; None only when there is
    # none (or the user cleared it: the phrase that was said must not come back).
    item = QTreeWidgetItem([a.task, a.owner or "", a.due or "", last])
    if a.due_text and a.due_text != a.due:
        item.setToolTip(DUE, f"said: “{a.due_text}”")
    item.setData(TASK, START_ROLE, a.start)
    item.setData(TASK, ACTION_ROLE, a)
    item.setData(TASK, STATUS_ROLE, a.status)
    flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
    item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags)
    done = a.status == "done"
    item.setCheckState(TASK, Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
    item.setToolTip(TASK, a.task)
    strike(item, done)
    return item


def strike(item: QTreeWidgetItem, done: bool) -> None:
    font = item.font(TASK)
    font.setStrikeOut(done)
    item.setFont(TASK, font)


def ticked(item: QTreeWidgetItem) -> str:
    """The status the row's check box now says."""
    return "done" if item.checkState(TASK) == Qt.CheckState.Checked else "open"
