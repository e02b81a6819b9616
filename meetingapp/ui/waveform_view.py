"""The recording's waveform over a speaker timeline, with a playhead; click to seek."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from meetingapp.domain.transcript import Segment
from meetingapp.ui.speaker_colors import SpeakerColors

TIMELINE_HEIGHT = 10


class WaveformView(QWidget):
    seek_requested = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.peaks = np.zeros(0, dtype=np.float32)
        self._cols: np.ndarray | None = None
        self.duration = 0.0
        self.position = 0.0
        self.segments: list[Segment] = []
        self.colors = SpeakerColors([])
        self.setMinimumHeight(96)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to play from there")

    def set_meeting(self, duration: float, segments: list[Segment], colors: SpeakerColors) -> None:
        self.duration, self.segments, self.colors = duration, segments, colors
        self.set_peaks(np.zeros(0, dtype=np.float32))
        self.position = 0.0

    def set_peaks(self, peaks: np.ndarray) -> None:
        self.peaks = peaks
        self._cols = None
        self.update()

    def set_position(self, seconds: float) -> None:
        self.position = seconds
        self.update()

    def _columns(self, width: int) -> np.ndarray:
        """One amplitude per pixel column (the loudest bin in it), cached per width."""
        if self._cols is None or len(self._cols) != width:
            n = len(self.peaks)
            if n < width:
                self._cols = self.peaks[(np.arange(width) * n) // width]
                return self._cols
            idx = np.minimum((np.arange(n) * width) // max(n, 1), width - 1)
            cols = np.zeros(width, dtype=np.float32)
            np.maximum.at(cols, idx, self.peaks)
            self._cols = cols
        return self._cols

    def _x(self, t: float) -> float:
        return t / self.duration * self.width() if self.duration > 0 else 0.0

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.duration > 0 and event.button() == Qt.MouseButton.LeftButton:
            frac = min(max(event.position().x() / max(self.width(), 1), 0.0), 1.0)
            self.seek_requested.emit(frac * self.duration)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), self.palette().base())
        wave_h = h - TIMELINE_HEIGHT - 6
        mid = wave_h / 2 + 2
        played_x = self._x(self.position)
        if len(self.peaks):
            for x, amp in enumerate(self._columns(w)):
                half = max(0.5, float(amp) * (wave_h / 2 - 2))
                p.setPen(QColor("#4263eb") if x <= played_x else QColor("#adb5bd"))
                p.drawLine(QPointF(x + 0.5, mid - half), QPointF(x + 0.5, mid + half))
        else:
            p.setPen(QPen(QColor("#ced4da"), 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(0, mid), QPointF(w, mid))
        top = h - TIMELINE_HEIGHT - 2
        p.fillRect(QRectF(0, top, w, TIMELINE_HEIGHT), QColor("#f1f3f5"))
        for seg in self.segments:
            x0, x1 = self._x(seg.start), self._x(seg.end)
            band = QRectF(x0, top, max(1.0, x1 - x0), TIMELINE_HEIGHT)
            p.fillRect(band, self.colors(seg.speaker))
        if self.duration > 0:
            p.setPen(QPen(QColor("#e03131"), 2))
            p.drawLine(QPointF(played_x, 0), QPointF(played_x, h))
        p.end()
