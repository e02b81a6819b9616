"""Analytics: talk time per person and meetings per week, drawn with QPainter."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from meetingapp.domain.analytics import Bar
from meetingapp.domain.times import clock
from meetingapp.library import Library

#: a horizontal chart's row (one person), its height with no bars (the message), and
#: the most any chart grows to
ROW_H = 34
EMPTY_H = 80
MAX_H = 360


class BarChart(QWidget):
    """Horizontal bars (long labels, e.g. names) or vertical columns (weeks)."""

    def __init__(self, horizontal: bool, color: str, fmt: str = "{:g}") -> None:
        super().__init__()
        self.horizontal = horizontal
        self.color = QColor(color)
        self.fmt = fmt
        #: what an empty chart says
        self.empty_text = "No meetings yet"
        self.bars: list[Bar] = []
        self.setMinimumHeight(220)
        self.setMaximumHeight(MAX_H)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = bars
        if self.horizontal:  # one row per bar: as tall as its rows, not a fixed block
            self.setFixedHeight(min(max(len(bars) * ROW_H, EMPTY_H), MAX_H))
        self.update()

    def _value_text(self, v: float) -> str:
        return clock(v) if self.fmt == "clock" else self.fmt.format(v)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        text_color = self.palette().text().color()
        if not self.bars:
            p.setPen(QColor("#868e96"))
            p.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            p.end()
            return
        top = max(b.value for b in self.bars) or 1.0
        if self.horizontal:
            label_w = min(max(fm.horizontalAdvance(b.label) for b in self.bars) + 16, 180)
            value_w = fm.horizontalAdvance("00:00:00") + 8
            row_h = min(float(ROW_H), self.height() / len(self.bars))
            bar_h = row_h * 0.62
            span = self.width() - label_w - value_w
            for i, b in enumerate(self.bars):
                y = i * row_h
                p.setPen(text_color)
                label = fm.elidedText(b.label, Qt.TextElideMode.ElideRight, label_w - 8)
                p.drawText(
                    QRectF(0, y, label_w - 8, row_h),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    label,
                )
                w = max(2.0, span * b.value / top)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(self.color)
                p.drawRoundedRect(QRectF(label_w, y + (row_h - bar_h) / 2, w, bar_h), 3, 3)
                p.setPen(text_color)
                p.drawText(
                    QRectF(label_w + w + 6, y, value_w, row_h),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    self._value_text(b.value),
                )
        else:
            base = self.height() - fm.height() - 6
            head = fm.height() + 4
            col_w = self.width() / len(self.bars)
            bar_w = col_w * 0.6
            # Label every n-th column so labels never run into each other.
            widest = max(fm.horizontalAdvance(b.label) for b in self.bars) + 8
            every = max(1, math.ceil(widest / col_w))
            for i, b in enumerate(self.bars):
                x = i * col_w
                h = (base - head) * b.value / top
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(self.color)
                if b.value:
                    p.drawRoundedRect(QRectF(x + (col_w - bar_w) / 2, base - h, bar_w, h), 3, 3)
                p.setPen(text_color)
                if b.value:
                    p.drawText(
                        QRectF(x, base - h - head, col_w, head),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        self._value_text(b.value),
                    )
                if (len(self.bars) - 1 - i) % every == 0:  # kept inside the chart
                    p.drawText(
                        QRectF(
                            min(x + col_w / 2 - widest / 2, self.width() - widest),
                            base + 4,
                            widest,
                            fm.height(),
                        ),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                        b.label,
                    )
            p.setPen(QColor("#dee2e6"))
            p.drawLine(0, int(base), self.width(), int(base))
        p.end()


class AnalyticsPage(QWidget):
    """Who talks and how often we meet, across every meeting.

    Talk time counts people (speaker profiles) only: a meeting's "Speaker 1" is
    someone else in the next meeting, so the labels are never added up. The talk
    of voices nobody has named yet is one line under the chart, with where to
    name them.
    """

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.talk = BarChart(horizontal=True, color="#4263eb", fmt="clock")
        self.weeks = BarChart(horizontal=False, color="#12b886")
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.unnamed = QLabel()
        self.unnamed.setObjectName("hint")
        self.unnamed.setWordWrap(True)
        title = QLabel("Analytics")
        title.setObjectName("pageTitle")
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        for col, name in enumerate(("Talk time per person", "Meetings per week")):
            label = QLabel(name)
            label.setObjectName("sectionTitle")
            grid.addWidget(label, 0, col)
        # the note sits right under the people's bars, however few they are
        talk = QVBoxLayout()
        talk.addWidget(self.talk)
        talk.addWidget(self.unnamed)
        talk.addStretch(1)
        grid.addLayout(talk, 1, 0)
        grid.addWidget(self.weeks, 1, 1, Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        lay.addWidget(title)
        lay.addWidget(self.summary)
        lay.addSpacing(12)
        lay.addLayout(grid)
        lay.addStretch(1)

    def refresh(self) -> None:
        t = self.library.totals()
        self.talk.empty_text = "No named people yet" if t.meetings else "No meetings yet"
        self.talk.set_bars(self.library.talk_time())
        self.weeks.set_bars(self.library.meetings_per_week())
        plural = "s" if t.meetings != 1 else ""
        self.summary.setText(f"{t.meetings} meeting{plural} · {clock(t.duration)} recorded")
        self.unnamed.setText(
            f"Not counted: {clock(t.unnamed_talk)} by voices with no name yet"
            " (“Speaker 1” is someone else in every meeting). Name them in a meeting,"
            " or enroll them on the Speakers page."
            if t.unnamed_talk
            else ""
        )
