"""The transcript: one row per segment with time, speaker colour and text.

A list view over a model with a painting delegate, so a meeting of a
thousand segments opens at once (rows are laid out in batches, only the
visible ones are painted). The row being played shows its current word
highlighted; clicking a row asks to play from its start; its context menu
edits text and speakers.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from meetingapp.domain.times import clock
from meetingapp.domain.transcript import Segment
from meetingapp.ui.speaker_colors import SpeakerColors, speaker_name

HIGHLIGHT = "#ffe066"
ACTIVE_BG = QColor("#edf2ff")
HOVER_BG = QColor("#f8f9fa")
TIME_COLOR = QColor("#868e96")
PAD = 6
TIME_W = 52
GAP = 12

Index = QModelIndex | QPersistentModelIndex


def word_at(seg: Segment, t: float) -> int | None:
    """Index of the word being spoken at ``t`` (the last one started), if any."""
    if not seg.words or t < seg.words[0].start:
        return None
    return bisect_right([w.start for w in seg.words], t) - 1


def segment_html(seg: Segment, current: int | None) -> str:
    """The segment's text; with words, the ``current`` one highlighted."""
    joined = "".join(w.word for w in seg.words).strip()
    if not seg.words or joined != seg.text.strip():
        return html.escape(seg.text.strip())
    parts = []
    for i, w in enumerate(seg.words):
        # each word keeps its own leading space: "plug" + "-in" is "plug-in", as in the text
        space = " " if w.word[:1].isspace() else ""
        text = html.escape(w.word.strip())
        if i == current:
            text = f'<span style="background:{HIGHLIGHT}">{text}</span>'
        parts.append(space + text)
    return "".join(parts).strip()


class TranscriptModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.segments: list[Segment] = []
        self.colors = SpeakerColors([])
        self.active: int | None = None
        self.current_word: int | None = None

    def set_segments(self, segments: list[Segment], colors: SpeakerColors) -> None:
        self.beginResetModel()
        self.segments, self.colors = segments, colors
        self.active = self.current_word = None
        self.endResetModel()

    def update_segment(self, row: int, seg: Segment) -> None:
        self.segments[row] = seg
        self._changed(row)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.segments)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        seg = self.segments[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"[{clock(seg.start)}] {speaker_name(seg.speaker)}: {seg.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Click to play from here; right-click to edit"
        return None

    def html(self, row: int) -> str:
        current = self.current_word if row == self.active else None
        return segment_html(self.segments[row], current)

    def set_playing(self, row: int | None, word: int | None) -> None:
        if (row, word) == (self.active, self.current_word):
            return
        old = self.active
        self.active, self.current_word = row, word
        for r in {old, row} - {None}:
            assert r is not None
            self._changed(r)

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)


class SegmentDelegate(QStyledItemDelegate):
    """Paints time, coloured speaker and wrapped text; caches row heights per width."""

    def __init__(self, view: TranscriptView) -> None:
        super().__init__(view)
        self.view = view
        self._heights: dict[tuple[int, int, str], int] = {}
        self.text_font = QFont(view.font())
        self.text_font.setPointSizeF(view.font().pointSizeF() + 1)
        self.bold = QFont(view.font())
        self.bold.setWeight(QFont.Weight.DemiBold)
        self.mono = QFont("monospace")
        self.mono.setStyleHint(QFont.StyleHint.Monospace)

    def forget_sizes(self) -> None:
        self._heights.clear()

    def _doc(self, html_text: str, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(self.text_font)
        doc.setDocumentMargin(0)
        doc.setHtml(html_text)
        doc.setTextWidth(width)
        return doc

    def _text_width(self) -> int:
        return max(120, self.view.viewport().width() - (PAD + TIME_W + GAP) - 2 * PAD - 4)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        model = self.view.model_
        seg = model.segments[index.row()]
        width = self._text_width()
        key = (index.row(), width, seg.text)
        if key not in self._heights:
            doc = self._doc(segment_html(seg, None), width)  # as paint() lays it out
            name_h = QFontMetrics(self.bold).height()
            self._heights[key] = int(doc.size().height()) + name_h + 2 + 2 * PAD
        return QSize(self.view.viewport().width(), self._heights[key])

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        model = self.view.model_
        row = index.row()
        seg = model.segments[row]
        r: QRect = option.rect  # type: ignore[attr-defined]
        p.save()
        if row == model.active:
            p.fillRect(r.adjusted(2, 1, -2, -1), ACTIVE_BG)
        elif option.state & QStyle.StateFlag.State_MouseOver:  # type: ignore[attr-defined]
            p.fillRect(r.adjusted(2, 1, -2, -1), HOVER_BG)
        color = model.colors(seg.speaker)
        p.fillRect(QRect(r.x() + 2, r.y() + 3, 3, r.height() - 6), color)
        x = r.x() + PAD
        name_h = QFontMetrics(self.bold).height()
        p.setFont(self.mono)
        p.setPen(TIME_COLOR)
        p.drawText(
            QRect(x, r.y() + PAD, TIME_W, name_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            clock(seg.start),
        )
        x += TIME_W + GAP
        p.setFont(self.bold)
        p.setPen(color)
        p.drawText(
            QRect(x, r.y() + PAD, r.width(), name_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            speaker_name(seg.speaker),
        )
        doc = self._doc(model.html(row), self._text_width())
        p.translate(x, r.y() + PAD + name_h + 2)
        doc.drawContents(p)
        p.restore()


class TranscriptView(QListView):
    play_requested = Signal(float)
    menu_requested = Signal(int, QPoint)

    def __init__(self) -> None:
        super().__init__()
        self.model_ = TranscriptModel()
        self.setModel(self.model_)
        self.delegate = SegmentDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setObjectName("transcript")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(50)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Rows wrap to the width: a horizontal bar would only scroll an empty margin.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.clicked.connect(
            lambda i: self.play_requested.emit(self.model_.segments[i.row()].start)
        )
        self.customContextMenuRequested.connect(self._menu)
        self._starts: list[float] = []

    @property
    def segments(self) -> list[Segment]:
        return self.model_.segments

    def viewportEvent(self, event: QEvent) -> bool:
        """Lay the rows out again when the viewport's width changes. The list's own
        resize handling lays them out while the viewport still has its old width (a
        splitter moved, a scroll bar shown), so wrapped rows kept one-line heights and
        were drawn over the next row."""
        if event.type() == QEvent.Type.Resize:
            resized = cast(QResizeEvent, event)
            if resized.oldSize().width() != resized.size().width():
                self.scheduleDelayedItemsLayout()
        return super().viewportEvent(event)

    def set_segments(self, segments: list[Segment], colors: SpeakerColors) -> None:
        self._starts = [s.start for s in segments]
        self.delegate.forget_sizes()
        self.model_.set_segments(segments, colors)

    def update_segment(self, row: int, seg: Segment) -> None:
        self.model_.update_segment(row, seg)

    def recolor(self, segments: list[Segment], colors: SpeakerColors) -> None:
        active, word = self.model_.active, self.model_.current_word
        self.set_segments(segments, colors)
        self.model_.set_playing(active, word)

    def row_rect(self, row: int) -> QRect:
        return self.visualRect(self.model_.index(row))

    def active_row(self) -> int | None:
        return self.model_.active

    def follow(self, t: float) -> None:
        """Mark the segment playing at ``t`` and its current word; keep it in view."""
        i = bisect_right(self._starts, t) - 1
        segs = self.model_.segments
        row = i if 0 <= i < len(segs) and t <= segs[i].end + 0.5 else None
        moved = row != self.model_.active
        self.model_.set_playing(row, None if row is None else word_at(segs[row], t))
        if moved and row is not None:
            if not self.row_rect(row).isValid():  # still laying out in batches: finish now
                self.setLayoutMode(QListView.LayoutMode.SinglePass)
                self.doItemsLayout()
                self.setLayoutMode(QListView.LayoutMode.Batched)
            self.scrollTo(self.model_.index(row), QAbstractItemView.ScrollHint.EnsureVisible)

    def _menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if index.isValid():
            self.menu_requested.emit(index.row(), self.viewport().mapToGlobal(pos))
