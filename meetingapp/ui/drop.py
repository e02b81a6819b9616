"""Drag-and-drop of files and folders onto a widget: they are imported.

While files are dragged over the widget it is covered by a highlight saying what
a drop will do, so the user sees the window takes them before letting go.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPen
from PySide6.QtWidgets import QWidget

#: what the highlight says
DROP_TEXT = "Drop recordings or folders to import them"


def dropped_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """The local files and folders an event carries (none for text or web links)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


class DropHighlight(QWidget):
    """A tinted cover with a dashed frame and :data:`DROP_TEXT`; it lets every mouse
    and drag event through to the widget below."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dropHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def paintEvent(self, _event: QEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(66, 99, 235, 40))
        pen = QPen(QColor("#4263eb"), 3, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawRoundedRect(self.rect().adjusted(8, 8, -8, -8), 12, 12)
        font = p.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#364fc7"))
        p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, DROP_TEXT)
        p.end()


class FileDrop(QObject):
    """Accepts drags of local files onto ``widget`` and emits ``dropped`` with them;
    :attr:`highlight` covers the widget while they hover over it."""

    dropped = Signal(list)

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.highlight = DropHighlight(widget)
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def _hover(self, on: bool) -> None:
        if on:
            self.highlight.setGeometry(self.widget.rect())
            self.highlight.raise_()
        self.highlight.setVisible(on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDragMoveEvent)
            if dropped_paths(event):
                event.acceptProposedAction()
                self._hover(True)
            return True
        if kind == QEvent.Type.DragLeave:
            self._hover(False)
            return True
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            self._hover(False)
            paths = dropped_paths(event)
            if paths:
                event.acceptProposedAction()
                self.dropped.emit(paths)
            return True
        return False
