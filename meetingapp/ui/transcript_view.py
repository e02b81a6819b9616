"""The transcript: one row per segment with time, speaker colour and text.

The row being played shows its current word highlighted. Clicking a row
asks to play from its start; its context menu edits text and speakers.
"""

from __future__ import annotations

import html
from bisect import bisect_right

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from meetingapp.engine.types import Segment
from meetingapp.store.export import clock
from meetingapp.ui.speaker_colors import SpeakerColors, speaker_name

HIGHLIGHT = "#ffe066"


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
        text = html.escape(w.word.strip())
        if i == current:
            text = f'<span style="background:{HIGHLIGHT}">{text}</span>'
        parts.append(text)
    return " ".join(parts)


class SegmentRow(QFrame):
    clicked = Signal(int)
    menu_requested = Signal(int, QPoint)

    def __init__(self, idx: int, seg: Segment, colors: SpeakerColors) -> None:
        super().__init__()
        self.idx = idx
        self.seg = seg
        self.current: int | None = None
        self.setObjectName("segmentRow")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.time = QLabel(clock(seg.start))
        self.time.setObjectName("segmentTime")
        self.time.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.time.setFixedWidth(52)
        self.speaker = QLabel()
        self.speaker.setObjectName("segmentSpeaker")
        self.text = QLabel()
        self.text.setObjectName("segmentText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        body = QVBoxLayout()
        body.setSpacing(2)
        body.addWidget(self.speaker)
        body.addWidget(self.text)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 6, 12, 6)
        lay.setSpacing(12)
        lay.addWidget(self.time)
        lay.addLayout(body, 1)
        self.set_segment(seg, colors)

    def set_segment(self, seg: Segment, colors: SpeakerColors) -> None:
        self.seg = seg
        color = colors(seg.speaker).name()
        self.speaker.setText(speaker_name(seg.speaker))
        self.speaker.setStyleSheet(f"color: {color}; font-weight: 600;")
        self.setStyleSheet(f"#segmentRow {{ border-left: 3px solid {color}; }}")
        self.text.setText(segment_html(seg, self.current))

    def set_current_word(self, current: int | None) -> None:
        if current != self.current:
            self.current = current
            self.text.setText(segment_html(self.seg, current))

    def set_active(self, active: bool) -> None:
        self.setProperty("active", active)
        self.style().unpolish(self)
        self.style().polish(self)
        if not active:
            self.set_current_word(None)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.idx)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.menu_requested.emit(self.idx, event.globalPos())


class TranscriptView(QScrollArea):
    play_requested = Signal(float)
    menu_requested = Signal(int, QPoint)

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.rows: list[SegmentRow] = []
        self._starts: list[float] = []
        self._active: int | None = None
        self._body = QWidget()
        self._body.setObjectName("transcriptBody")
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(2)
        self._layout.addStretch(1)
        self.setWidget(self._body)

    def set_segments(self, segments: list[Segment], colors: SpeakerColors) -> None:
        for row in self.rows:
            row.deleteLater()
        self.rows, self._active = [], None
        self._starts = [s.start for s in segments]
        for i, seg in enumerate(segments):
            row = SegmentRow(i, seg, colors)
            row.clicked.connect(lambda idx: self.play_requested.emit(self.rows[idx].seg.start))
            row.menu_requested.connect(self.menu_requested)
            self._layout.insertWidget(i, row)
            self.rows.append(row)

    def update_segment(self, idx: int, seg: Segment, colors: SpeakerColors) -> None:
        self.rows[idx].set_segment(seg, colors)

    def recolor(self, segments: list[Segment], colors: SpeakerColors) -> None:
        for row, seg in zip(self.rows, segments, strict=True):
            row.set_segment(seg, colors)

    def active_row(self) -> SegmentRow | None:
        return None if self._active is None else self.rows[self._active]

    def follow(self, t: float) -> None:
        """Mark the segment playing at ``t`` and its current word."""
        i = bisect_right(self._starts, t) - 1
        idx = i if 0 <= i < len(self.rows) and t <= self.rows[i].seg.end + 0.5 else None
        if idx != self._active:
            if self._active is not None:
                self.rows[self._active].set_active(False)
            self._active = idx
            if idx is not None:
                self.rows[idx].set_active(True)
                self.ensureWidgetVisible(self.rows[idx], 0, 80)
        if idx is not None:
            self.rows[idx].set_current_word(word_at(self.rows[idx].seg, t))
