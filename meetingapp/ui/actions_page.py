"""Every action item across meetings: tick off, filter by owner, jump to where it was agreed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.minutes import TrackedAction
from meetingapp.domain.times import clock
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library
from meetingapp.ui.action_tree import ACTION_ROLE, TASK, ActionTree, action_row, ticked

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

        title = QLabel("Action items")
        title.setObjectName("pageTitle")
        self.show_filter = QComboBox()
        self.show_filter.addItems(SHOW)
        self.show_filter.currentTextChanged.connect(lambda _t: self.refresh())
        self.owner = QComboBox()
        self.owner.setMinimumWidth(140)
        self.owner.currentTextChanged.connect(lambda _t: self._fill())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        for label, w in (("Show", self.show_filter), ("Owner", self.owner)):
            hint = QLabel(label)
            hint.setObjectName("hint")
            head.addWidget(hint)
            head.addWidget(w)

        self.tree = ActionTree("actions", "Task", "Meeting", editable=False)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(self._open_item)
        self.empty = QLabel("No action items. Minutes of new meetings list them here.")
        self.empty.setObjectName("hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 16, 12)
        lay.addLayout(head)
        lay.addWidget(self.empty)
        lay.addWidget(self.tree, 1)

    def refresh(self) -> None:
        show = self.show_filter.currentText()
        items = self.library.actions(open_only=show == "Open")
        self.actions = [a for a in items if show != "Done" or a.status == "done"]
        owners = sorted({a.owner for a in self.library.actions() if a.owner}, key=str.lower)
        current = self.owner.currentText() or ANY_OWNER
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItems([ANY_OWNER, *owners])
        self.owner.setCurrentText(current if current in owners else ANY_OWNER)
        self.owner.blockSignals(False)
        self._fill()

    def shown(self) -> list[TrackedAction]:
        owner = self.owner.currentText()
        if owner in ("", ANY_OWNER):
            return self.actions
        return [a for a in self.actions if (a.owner or "").lower() == owner.lower()]

    def _fill(self) -> None:
        self._filling = True
        self.tree.clear()
        for a in self.shown():
            where = f"{a.meeting_title} · {a.meeting_date[:10]} · {clock(a.start)}"
            self.tree.addTopLevelItem(action_row(a, where))
        self.empty.setVisible(self.tree.topLevelItemCount() == 0)
        self._filling = False

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        a: TrackedAction = item.data(TASK, ACTION_ROLE)
        if self._filling or column != TASK:
            return
        status = ticked(item)
        if status != a.status:
            self.set_status(a.id, status)

    def set_status(self, action_id: int, status: str) -> None:
        try:
            self.library.update_action(action_id, status=status)
        except MeetingAppError as e:
            self.error.emit(str(e))
            return
        self.refresh()

    def _open_item(self, item: QTreeWidgetItem, _column: int) -> None:
        a: TrackedAction = item.data(TASK, ACTION_ROLE)
        self.open_requested.emit(a.meeting_id, a.start)
