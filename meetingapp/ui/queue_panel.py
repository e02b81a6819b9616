"""The processing queue: one row per job with progress, stage, time left and Cancel."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
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


class JobRow(QFrame):
    cancel_requested = Signal(int)
    open_requested = Signal(int)

    def __init__(self, job_id: int, name: str) -> None:
        super().__init__()
        self.job_id = job_id
        self.status = "queued"
        self.meeting_id: int | None = None
        self.eta = EtaEstimator()
        self.setObjectName("jobRow")
        self.name = QLabel(name)
        self.name.setObjectName("jobName")
        self.stage = QLabel("Waiting")
        self.stage.setObjectName("jobStage")
        self.left = QLabel("")
        self.left.setObjectName("jobStage")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(6)
        self.button = QPushButton("Cancel")
        self.button.clicked.connect(self._clicked)
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

    def apply(self, ev: JobEvent) -> None:
        self.status = ev.status
        self.bar.setValue(int(ev.progress * 1000))
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
            self.button.setText("Open")
            self.button.setEnabled(True)
        elif ev.status == "failed":
            self.stage.setText(ev.error or "Failed")
            self.stage.setWordWrap(True)
            self.stage.setProperty("error", True)
            self.stage.style().polish(self.stage)
            self.button.hide()
        elif ev.status == "cancelled":
            self.stage.setText("Cancelled")
            self.button.hide()


class QueuePanel(QWidget):
    """Jobs of this session, newest last; finished ones stay until cleared."""

    cancel_requested = Signal(int)
    open_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, JobRow] = {}
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
            row.cancel_requested.connect(self.cancel_requested)
            row.open_requested.connect(self.open_requested)
            self.rows[job_id] = row
            self.list.addWidget(row)
            self.empty.hide()
        return row

    def apply(self, ev: JobEvent, source: str) -> None:
        self.add_job(ev.job_id, source).apply(ev)

    def clear_finished(self) -> None:
        for job_id in [j for j, r in self.rows.items() if r.finished]:
            row = self.rows.pop(job_id)
            self.list.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.empty.setVisible(not self.rows)
