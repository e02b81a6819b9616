"""The processing queue: one row per job with progress, stage, time left and Cancel.

A failed job keeps its row, with its one-line error, Retry and Dismiss, until the
user decides (it is shown again at the next start: the job table keeps it). Notes
that must not vanish with the next status message, such as a recording that is
already in the library, are rows too, closed by the user.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.jobs import FINISHED
from meetingapp.domain.times import clock
from meetingapp.engine.jobs import JobEvent

STAGE_NAMES = {
    "decode": "Decoding audio",
    "vad": "Finding speech",
    "transcribe": "Transcribing",
    "store": "Saving",
    "done": "Done",
}


def time_left(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return "less than a minute left"
    return f"about {clock(seconds)} left"


class EtaEstimator:
    """Time left from the progress rate since the job started running."""

    #: Show nothing until this much progress and time have passed: early rates lie.
    MIN_PROGRESS = 0.02
    MIN_SECONDS = 1.0

    def __init__(self) -> None:
        self._first: tuple[float, float] | None = None

    def update(self, progress: float, now: float | None = None) -> float | None:
        now = time.monotonic() if now is None else now
        if self._first is None:
            self._first = (now, progress)
            return None
        t0, p0 = self._first
        done, spent = progress - p0, now - t0
        if done < self.MIN_PROGRESS or spent < self.MIN_SECONDS:
            return None
        return spent / done * (1.0 - progress)


class ElidedLabel(QLabel):
    """One line that ends in … when it does not fit, instead of widening the panel
    (a long file name pushed the row's buttons out of sight)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.full = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self.full, Qt.TextElideMode.ElideMiddle, self.width()))


class JobRow(QFrame):
    cancel_requested = Signal(int)
    open_requested = Signal(int)
    retry_requested = Signal(int)
    dismiss_requested = Signal(int)

    def __init__(self, job_id: int, name: str) -> None:
        super().__init__()
        self.job_id = job_id
        self.status = "queued"
        self.meeting_id: int | None = None
        self.eta = EtaEstimator()
        self.setObjectName("jobRow")
        self.name = ElidedLabel(name)
        self.name.setObjectName("jobName")
        self.stage = QLabel("Waiting")
        self.stage.setObjectName("jobStage")
        self.stage.setWordWrap(True)
        self.left = QLabel("")
        self.left.setObjectName("jobStage")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(6)
        self.button = QPushButton("Cancel")
        self.button.clicked.connect(self._clicked)
        # a failed job's choices, under its error
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Process this recording again")
        self.retry_button.clicked.connect(self._retry)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setToolTip("Forget this failed recording")
        self.dismiss_button.clicked.connect(lambda: self.dismiss_requested.emit(self.job_id))
        self.failed_actions = QWidget()
        actions = QHBoxLayout(self.failed_actions)
        actions.setContentsMargins(0, 2, 0, 0)
        actions.addStretch(1)
        actions.addWidget(self.dismiss_button)
        actions.addWidget(self.retry_button)
        self.failed_actions.hide()
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.button)
        info = QHBoxLayout()
        info.addWidget(self.stage, 1)
        info.addWidget(self.left)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.bar)
        lay.addLayout(info)
        lay.addWidget(self.failed_actions)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def _clicked(self) -> None:
        if self.status == "done" and self.meeting_id is not None:
            self.open_requested.emit(self.meeting_id)
        elif not self.finished:
            self.button.setEnabled(False)
            self.stage.setText("Cancelling…")
            self.cancel_requested.emit(self.job_id)

    def _retry(self) -> None:
        self.retry_button.setEnabled(False)
        self.dismiss_button.setEnabled(False)
        self._set_error(False)
        self.stage.setText("Retrying…")
        self.retry_requested.emit(self.job_id)

    def _set_error(self, error: bool) -> None:
        self.stage.setProperty("error", error)
        self.stage.style().polish(self.stage)

    def _show_button(self, text: str | None) -> None:
        """The row's action for its status (None: none; a failed job has Retry and
        Dismiss on a line of their own)."""
        self.button.setVisible(text is not None)
        self.button.setText(text or "")
        self.button.setEnabled(True)
        self.failed_actions.setVisible(self.status == "failed")
        self.retry_button.setEnabled(True)
        self.dismiss_button.setEnabled(True)

    def note(self, message: str) -> None:
        """Why an action on a failed job did not work (a Retry whose file is gone)."""
        self.stage.setText(message)
        self._set_error(True)
        self._show_button(None)

    def apply(self, ev: JobEvent) -> None:
        was = self.status
        self.status = ev.status
        self.bar.setValue(int(ev.progress * 1000))
        if ev.status != "failed":
            self._set_error(False)
        if ev.status in ("queued", "running") and was not in ("queued", "running"):
            self.eta = EtaEstimator()  # retried: the clock starts again
            self._show_button("Cancel")
        if ev.status == "running":
            self.stage.setText(STAGE_NAMES.get(ev.stage or "", ev.stage or "Working"))
            left = self.eta.update(ev.progress)
            self.left.setText(time_left(left))
            return
        self.left.setText("")
        if ev.status == "queued":
            self.stage.setText("Waiting")
        elif ev.status == "done":
            self.meeting_id = ev.meeting_id
            self.bar.setValue(1000)
            self.stage.setText("Done")
            self._show_button("Open")
        elif ev.status == "failed":
            self.stage.setText(ev.error or "Failed")
            self._set_error(True)
            self._show_button(None)
        elif ev.status == "cancelled":
            self.stage.setText("Cancelled")
            self._show_button(None)


class NoticeRow(QFrame):
    """A note about one import that stays until closed: the status bar's 8 s were
    overwritten by the next message before anyone read them."""

    open_requested = Signal(int)
    closed = Signal()

    def __init__(self, text: str, meeting_id: int | None = None) -> None:
        super().__init__()
        self.setObjectName("notice")
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.meeting_id = meeting_id
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.addWidget(self.text, 1)
        if meeting_id is not None:
            self.open_button = QPushButton("Open")
            self.open_button.clicked.connect(lambda: self.open_requested.emit(meeting_id))
            lay.addWidget(self.open_button)
        self.close_button = QPushButton("✕")
        self.close_button.setObjectName("closeNotice")
        self.close_button.setToolTip("Close this note")
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(28)
        self.close_button.clicked.connect(self.closed)
        lay.addWidget(self.close_button)


class QueuePanel(QWidget):
    """Jobs of this session and failed ones from earlier, newest last, with notes.
    Done and cancelled rows stay until cleared; failed ones until retried or
    dismissed (Clear finished leaves them: they wait for a decision)."""

    cancel_requested = Signal(int)
    open_requested = Signal(int)
    retry_requested = Signal(int)
    dismiss_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, JobRow] = {}
        self.notices: list[NoticeRow] = []
        title = QLabel("Processing")
        title.setObjectName("panelTitle")
        self.clear_button = QPushButton("Clear finished")
        self.clear_button.setFlat(True)
        self.clear_button.clicked.connect(self.clear_finished)
        head = QHBoxLayout()
        head.addWidget(title, 1)
        head.addWidget(self.clear_button)
        self.empty = QLabel("Drop recordings or folders anywhere to import them.")
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.list = QVBoxLayout()
        self.list.setSpacing(6)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.addLayout(head)
        lay.addWidget(self.empty)
        lay.addLayout(self.list)
        lay.addStretch(1)

    def unfinished(self) -> list[int]:
        return [job_id for job_id, row in self.rows.items() if not row.finished]

    def add_job(self, job_id: int, source: str) -> JobRow:
        row = self.rows.get(job_id)
        if row is None:
            row = JobRow(job_id, Path(source).name)
            row.setToolTip(source)
            row.cancel_requested.connect(self.cancel_requested)
            row.open_requested.connect(self.open_requested)
            row.retry_requested.connect(self.retry_requested)
            row.dismiss_requested.connect(self.dismiss_requested)
            self.rows[job_id] = row
            self.list.addWidget(row)
            self.empty.hide()
        return row

    def apply(self, ev: JobEvent, source: str) -> None:
        self.add_job(ev.job_id, source).apply(ev)

    def add_notice(self, text: str, meeting_id: int | None = None) -> NoticeRow:
        """A note that stays until the user closes it (or clears finished rows)."""
        notice = NoticeRow(text, meeting_id)
        notice.open_requested.connect(self.open_requested)
        notice.closed.connect(lambda: self._drop(notice))
        self.notices.append(notice)
        self.list.addWidget(notice)
        self.empty.hide()
        return notice

    def remove_job(self, job_id: int) -> None:
        """Take a job's row away (a dismissed job: it is no longer in the job table)."""
        row = self.rows.pop(job_id, None)
        if row is not None:
            self._drop(row)

    def clear_finished(self) -> None:
        for job_id in [j for j, r in self.rows.items() if r.status in ("done", "cancelled")]:
            self._drop(self.rows.pop(job_id))
        for notice in list(self.notices):
            self._drop(notice)

    def _drop(self, widget: QWidget) -> None:
        if isinstance(widget, NoticeRow):
            self.notices.remove(widget)
        self.list.removeWidget(widget)
        widget.hide()
        widget.deleteLater()
        self.empty.setVisible(not self.rows and not self.notices)
