"""The meeting library as a Qt table model over the service layer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from meetingapp.domain.meetings import Meeting
from meetingapp.domain.times import clock
from meetingapp.library import Library

COLUMNS = ("Title", "Date", "Duration", "Type", "Status")
#: Role holding the raw value a column sorts by (dates as ISO text, durations as seconds);
#: the filter reads the text shown, dates as the locale writes them.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role holding the meeting id of a row.
ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex

LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
#: how each column's cells and its header are aligned (durations line up on the right)
ALIGNMENT = (LEFT, LEFT, RIGHT, LEFT, LEFT)


def local_date(iso: str) -> str:
    """A stored date (ISO, usually UTC) in the user's time zone and locale's short
    format: ISO text reads as a machine's, not as a date."""
    when = QDateTime.fromString(iso, Qt.DateFormat.ISODate)
    if not when.isValid():
        return iso
    locale = QLocale()
    if locale.language() == QLocale.Language.C:  # no conventions ("2 12 2026"): ISO's order
        return when.toLocalTime().toString("yyyy-MM-dd HH:mm")
    return locale.toString(when.toLocalTime(), QLocale.FormatType.ShortFormat)


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
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGNMENT[section]  # over the column's text, not centred
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
            return (m.title, local_date(m.date), clock(m.duration), m.type, m.status)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{m.source_name} · model {m.model or '?'} · language {m.language or '?'}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGNMENT[col]
        return None


class MeetingFilterModel(QSortFilterProxyModel):
    """Sorts by raw values and filters on title, type and date text."""

    def __init__(self, source: MeetingTableModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
