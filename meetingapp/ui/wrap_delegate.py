"""Word-wrapped first column for tree views (Qt elides instead of growing the row)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeView

#: room a check box takes in front of the text
CHECK_W = 24


class WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text in column 0; re-laid out when the column resizes."""

    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self.tree = tree
        tree.setWordWrap(True)
        tree.header().sectionResized.connect(lambda *_: tree.doItemsLayout())

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        text = index.data()
        if index.column() != 0 or not text:
            return hint
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self.tree.columnWidth(0) - depth * self.tree.indentation() - 8
        if index.data(Qt.ItemDataRole.CheckStateRole) is not None:
            width -= CHECK_W
        box = QRect(0, 0, max(width, 40), 100_000)
        text_h = option.fontMetrics.boundingRect(box, Qt.TextFlag.TextWordWrap, text).height()
        return QSize(hint.width(), max(hint.height(), text_h + 6))
