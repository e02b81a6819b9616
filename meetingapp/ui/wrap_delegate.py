"""Word-wrapped first column for tree views (Qt elides instead of growing the row)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeView

#: room a check box takes in front of the text
CHECK_W = 24

Index = QModelIndex | QPersistentModelIndex


class WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text in column 0; re-laid out when the column resizes.

    A row whose first column spans the row (``setFirstColumnSpanned``) wraps across
    the whole width, less what :meth:`reserved` keeps at its right end.
    """

    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self.tree = tree
        tree.setWordWrap(True)
        tree.header().sectionResized.connect(lambda *_: tree.doItemsLayout())

    def spanned(self, index: Index) -> bool:
        return self.tree.isFirstColumnSpanned(index.row(), index.parent())

    def reserved(self, index: Index) -> int:
        """Pixels at the right of a spanned row that its text must leave free."""
        return 0

    def text_width(self, index: Index) -> int:
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        if self.spanned(index):
            width = self.tree.viewport().width() - self.reserved(index)
        else:
            width = self.tree.columnWidth(0)
        width -= depth * self.tree.indentation() + 8
        if index.data(Qt.ItemDataRole.CheckStateRole) is not None:
            width -= CHECK_W
        return max(width, 40)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        text = index.data()
        if index.column() != 0 or not text:
            return hint
        box = QRect(0, 0, self.text_width(index), 100_000)
        drawn = QStyleOptionViewItem(option)
        self.initStyleOption(drawn, index)  # the item's own font: a bold head measures bold
        metrics = drawn.fontMetrics  # type: ignore[attr-defined]
        text_h = metrics.boundingRect(box, Qt.TextFlag.TextWordWrap, text).height()
        return QSize(hint.width(), max(hint.height(), text_h + 6))
