"""The meeting library as a Qt table model over the service layer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from meetingapp.domain.meetings import Meeting
from meetingapp.domain.times import clock
from meetingapp.library import Library

COLUMNS = ("Title", "Date", "Duration", "Type", "Status")
#: Role holding the raw value a column sorts by (dates as ISO text, durations as seconds).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role holding the meeting id of a row.
ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class MeetingTableModel(QAbstractTableModel):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.meetings: list[Meeting] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.meetings = self.library.meetings()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.meetings)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self.meetings[index.row()]
        col = index.column()
        if role == ID_ROLE:
            return m.id
        if role == SORT_ROLE:
            return (m.title.lower(), m.date, m.duration, m.type, m.status)[col]
        if role == Qt.ItemDataRole.DisplayRole:
            date = m.date[:16].replace("T", " ")
            return (m.title, date, clock(m.duration), m.type, m.status)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{m.source_name} · model {m.model or '?'} · language {m.language or '?'}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class MeetingFilterModel(QSortFilterProxyModel):
    """Sorts by raw values and filters on title, type and date text."""

    def __init__(self, source: MeetingTableModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
