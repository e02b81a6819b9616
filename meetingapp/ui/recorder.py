"""Recording from the window: device choice, pause/resume/stop, live text, status and tray.

The capture loop runs on its own thread (it lasts as long as the meeting);
its status and live text arrive here as queued signals. Finished WAV files
are imported as meetings on that thread too, so the window never waits.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QStyle,
    QSystemTrayIcon,
    QWidget,
)

from meetingapp.domain.recording import Recorded
from meetingapp.engine.recording import InputDevice, RecordControls, list_input_devices
from meetingapp.engine.recording.autorecord import RecorderState, RecorderStatus
from meetingapp.engine.recording.live import LiveText
from meetingapp.engine.recording.source import AudioSource

__all__ = ["AudioSource", "InputDevice", "Recorder", "RecordingUi", "list_input_devices"]
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.times import clock
from meetingapp.library import Library
from meetingapp.ui.bridge import Task
from meetingapp.ui.gui_thread import emitter, hold, release

NO_DEVICES = (
    "No microphone or other audio input was found. Connect one (or start the sound"
    " server) and try again."
)
#: level shown as an empty bar at or below this (dBFS)
FLOOR_DB = -60.0


@dataclass
class RecordChoice:
    device: str | None
    auto: bool


#: what :attr:`Recorder.finished` carries (``Library.record``'s result)
RecordResult = Recorded


class RecordDialog(QDialog):
    def __init__(self, devices: list[InputDevice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record a meeting")
        self.device = QComboBox()
        for d in devices:
            label = f"{d.name} (default)" if d.is_default else d.name
            self.device.addItem(label, d.name)
            if d.is_default:
                self.device.setCurrentIndex(self.device.count() - 1)
        self.auto = QCheckBox("Auto-record on voice (one meeting per stretch of talk)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Input:", self.device)
        form.addRow(self.auto)
        form.addRow(buttons)

    def chosen(self) -> RecordChoice:
        return RecordChoice(self.device.currentData(), self.auto.isChecked())


class Recorder(QObject):
    """One recording session at a time, started and steered from the GUI thread."""

    status = Signal(object)  # RecorderStatus
    text = Signal(object)  # LiveText
    #: the session ended; its recordings are queued as jobs
    finished = Signal(object)  # RecordResult
    failed = Signal(str)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.controls: RecordControls | None = None
        self.last: RecorderStatus | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meetingapp-record")
        self._task: Task | None = None
        self.status.connect(self._remember)

    @property
    def active(self) -> bool:
        return self.controls is not None

    def _remember(self, status: RecorderStatus) -> None:
        self.last = status

    def start(
        self,
        device: str | None,
        auto: bool,
        live: bool = True,
        source: AudioSource | None = None,
    ) -> None:
        """Record until :meth:`stop`; ``source`` replaces the device (tests, files)."""
        if self.active:
            return
        controls = self.controls = RecordControls()
        library = self.library
        me = hold(self)  # the recording thread gets this number, never the recorder
        on_status, on_text = emitter(me, "status"), emitter(me, "text")

        def work(progress: ProgressFn) -> Recorded:
            return library.record(
                device,
                auto,
                live=live,
                on_status=on_status,
                on_text=on_text,
                controls=controls,
                source=source,
            )

        task = self._task = Task(work, self)
        task.done.connect(self._done)
        task.failed.connect(self._failed)
        task.done.connect(lambda _r: release(me))
        task.failed.connect(lambda _e: release(me))
        task.start(self._thread)

    def pause(self) -> None:
        if self.controls is not None:
            self.controls.pause()

    def resume(self) -> None:
        if self.controls is not None:
            self.controls.resume()

    @property
    def paused(self) -> bool:
        return self.controls is not None and self.controls.paused

    def stop(self) -> None:
        if self.controls is not None:
            self.controls.stop()

    def _done(self, result: RecordResult) -> None:
        self.controls = self._task = None
        self.finished.emit(result)

    def _failed(self, message: str) -> None:
        self.controls = self._task = None
        self.failed.emit(message)

    def shutdown(self) -> None:
        """Stop and keep what was recorded (it is imported at the next start otherwise)."""
        self.stop()
        self._thread.shutdown(wait=True)


def record_icon() -> QIcon:
    """A red dot: the record sign everyone knows."""
    pix = QPixmap(32, 32)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#e03131"))
    p.drawEllipse(6, 6, 20, 20)
    p.end()
    return QIcon(pix)


def status_text(s: RecorderStatus, paused: bool) -> str:
    if paused or s.state == RecorderState.PAUSED:
        state = "Paused"
    elif s.state == RecorderState.RECORDING:
        state = "● Recording"
    elif s.state == RecorderState.LISTENING:
        state = "Listening for voices"
    else:
        state = "Starting"
    return f"{state} · {clock(s.recording_s)} · {s.level_dbfs:.0f} dB"


class RecordingUi(QObject):
    """Everything the window shows of a recording: actions, status bar, live text, tray."""

    def __init__(self, recorder: Recorder, window: QWidget) -> None:
        super().__init__(window)
        self.recorder = recorder
        self.window = window
        style = window.style()
        self.record_action = QAction("Record…", window)
        self.record_action.setIcon(record_icon())
        self.record_action.setShortcut("Ctrl+R")
        self.pause_action = QAction("Pause recording", window)
        self.pause_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPause))
        self.pause_action.triggered.connect(self.toggle_pause)
        self.stop_action = QAction("Stop recording", window)
        self.stop_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop))
        self.stop_action.triggered.connect(self.recorder.stop)

        self.label = QLabel()
        self.label.setObjectName("recStatus")
        self.level = QProgressBar()
        self.level.setRange(0, 100)
        self.level.setFixedSize(80, 6)
        self.level.setTextVisible(False)
        self.live = QPlainTextEdit()
        self.live.setObjectName("liveText")
        self.live.setReadOnly(True)
        self.live.setPlaceholderText("The live transcript appears here while you record.")
        self.live.setMaximumHeight(90)
        self.started_at = 0.0
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(record_icon(), self)
            menu = QMenu(window)
            menu.addAction(self.pause_action)
            menu.addAction(self.stop_action)
            self.tray.setContextMenu(menu)

        recorder.status.connect(self._on_status, Qt.ConnectionType.QueuedConnection)
        recorder.text.connect(self._on_text, Qt.ConnectionType.QueuedConnection)
        recorder.finished.connect(lambda _r: self._set_active(False))
        recorder.failed.connect(lambda _e: self._set_active(False))
        self._clock = QTimer(self)
        self._clock.setInterval(500)
        self._clock.timeout.connect(self._refresh)
        self._set_active(False)

    def begin(self) -> None:
        self.live.clear()
        self.started_at = time.monotonic()
        self._set_active(True)

    def _set_active(self, active: bool) -> None:
        self.record_action.setEnabled(not active)
        self.pause_action.setVisible(active)
        self.stop_action.setVisible(active)
        self.pause_action.setText("Pause recording")
        for w in (self.label, self.level, self.live):
            w.setVisible(active)
        if active:
            self.label.setText("Starting the recording…")
            self._clock.start()
        else:
            self._clock.stop()
            self.level.setValue(0)
        if self.tray is not None:
            self.tray.setVisible(active)
            self.tray.setToolTip("Recording" if active else "")

    def toggle_pause(self) -> None:
        if self.recorder.paused:
            self.recorder.resume()
            self.pause_action.setText("Pause recording")
        else:
            self.recorder.pause()
            self.pause_action.setText("Resume recording")
        self._refresh()

    def _on_status(self, s: RecorderStatus) -> None:
        span = -FLOOR_DB
        self.level.setValue(int(max(0.0, min(1.0, (s.level_dbfs - FLOOR_DB) / span)) * 100))
        self._refresh()

    def _refresh(self) -> None:
        s = self.recorder.last
        if s is None or not self.recorder.active:
            return
        elapsed = clock(time.monotonic() - self.started_at)
        text = f"{status_text(s, self.recorder.paused)} · session {elapsed}"
        self.label.setText(text)
        if self.tray is not None:
            self.tray.setToolTip(text)

    def _on_text(self, text: LiveText) -> None:
        self.live.setPlainText(text.text)
        bar = self.live.verticalScrollBar()
        bar.setValue(bar.maximum())
