"""The library page: the meetings table with its filter, and the processing queue."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from meetingapp.library import Library
from meetingapp.ui.library_model import ID_ROLE, MeetingFilterModel, MeetingTableModel
from meetingapp.ui.queue_panel import QueuePanel
from meetingapp.ui.tables import style_table


class LibraryPage(QSplitter):
    #: a meeting was activated (double-click or Enter): its id
    open_requested = Signal(int)
    #: the Import… button
    import_requested = Signal()

    def __init__(self, library: Library, queue: QueuePanel) -> None:
        super().__init__()
        self.model = MeetingTableModel(library)
        self.proxy = MeetingFilterModel(self.model)
        self.queue = queue

        title = QLabel("Library")
        title.setObjectName("pageTitle")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by title, type or date")
        self.search.setClearButtonEnabled(True)
        self.search.setAcceptDrops(False)  # a dropped file imports, it is not text
        self.search.setMaximumWidth(320)
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
        queue_scroll.setWidget(queue)
        queue_scroll.setMinimumWidth(300)
        self.addWidget(left)
        self.addWidget(queue_scroll)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)
        self.setSizes([860, 320])
        self.empty_hint.setVisible(self.model.rowCount() == 0)

    def refresh(self) -> None:
        """Read the meetings again; the hint shows while there are none."""
        self.model.refresh()
        self.empty_hint.setVisible(self.model.rowCount() == 0)

    def selected_meeting(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.data(rows[0], ID_ROLE) if rows else None

    def _open_index(self, index: QModelIndex) -> None:
        self.open_requested.emit(self.proxy.data(index, ID_ROLE))
