"""The recording's waveform over a speaker timeline, with a playhead; click to seek.

The timeline writes each speaker's name on their stretch where it fits, and the
tooltip names who speaks under the pointer: colour is never the only cue."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from meetingapp.domain.times import clock
from meetingapp.domain.transcript import Segment
from meetingapp.ui.speaker_colors import SpeakerColors, speaker_name

TIMELINE_HEIGHT = 16
#: a name is written on a speaker's stretch only when this much of it shows
MIN_NAME_PX = 28
#: a pause up to this long (seconds) between one speaker's lines stays in their stretch
PAUSE_S = 1.0


def speaker_runs(segments: list[Segment]) -> list[tuple[float, float, str | None]]:
    """(start, end, speaker) of each stretch one speaker holds: consecutive lines of
    the same speaker with short pauses between them are one stretch, drawn as one
    band with the name written once (on the band, never over a gap)."""
    runs: list[tuple[float, float, str | None]] = []
    for seg in segments:
        if runs and runs[-1][2] == seg.speaker and seg.start - runs[-1][1] <= PAUSE_S:
            runs[-1] = (runs[-1][0], seg.end, seg.speaker)
        else:
            runs.append((seg.start, seg.end, seg.speaker))
    return runs


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
        self.setMouseTracking(True)  # the tooltip follows the pointer
        self.setToolTip("Click to play from there")
        self.name_font = QFont(self.font())
        self.name_font.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.8))

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

    def speaker_at(self, seconds: float) -> Segment | None:
        """The line spoken at ``seconds``, if any."""
        return next((s for s in self.segments if s.start <= seconds < s.end), None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.duration <= 0:
            return
        t = min(max(event.position().x() / max(self.width(), 1), 0.0), 1.0) * self.duration
        seg = self.speaker_at(t)
        who = f"{speaker_name(seg.speaker)} · " if seg is not None else ""
        self.setToolTip(f"{who}{clock(t)}: click to play from there")

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
        p.setFont(self.name_font)
        p.setPen(QColor("white"))  # every speaker colour reads white text at 4.5:1
        fm = QFontMetrics(self.name_font)
        for start, end, speaker in speaker_runs(self.segments):
            x0, x1 = self._x(start), self._x(end)
            p.fillRect(QRectF(x0, top, max(1.0, x1 - x0), TIMELINE_HEIGHT), self.colors(speaker))
            if x1 - x0 < MIN_NAME_PX:
                continue
            name = fm.elidedText(
                speaker_name(speaker), Qt.TextElideMode.ElideRight, int(x1 - x0) - 6
            )
            p.drawText(
                QRectF(x0 + 3, top, x1 - x0 - 6, TIMELINE_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
        if self.duration > 0:
            p.setPen(QPen(QColor("#e03131"), 2))
            p.drawLine(QPointF(played_x, 0), QPointF(played_x, h))
        p.end()
