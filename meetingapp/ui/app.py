"""Start the desktop app: one engine, one window; unfinished jobs resume.

The window shows before anything slow starts (``benchmarks/time_to_window.py``
measures it): the speech models load, and jobs resume, after its first paint.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from meetingapp.config import data_dir
from meetingapp.engine.jobs import JobRunner
from meetingapp.errors import MeetingAppError
from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.style import STYLE


def run_app(argv: list[str], files: list[Path] | None = None) -> int:
    """The window until it closes; ``files`` are queued for transcription at once."""
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("meetingapp")
    app.setApplicationDisplayName("meetingapp")
    app.setStyleSheet(STYLE)
    try:
        engine = JobRunner(data_dir())
    except MeetingAppError as e:
        QMessageBox.critical(None, "meetingapp cannot start", str(e))
        return 1
    window = MainWindow(engine)

    def start() -> None:
        window.start()
        if files:
            window.import_paths(files)

    # The window first: loading models and resuming jobs can wait for its first paint.
    window.first_painted.connect(start)  # emitted once
    window.show()
    code = app.exec()
    if window.kept_jobs:
        # Stop like a crash would: jobs stay 'running' in the database and the next
        # start re-queues them from their last finished stage. Waiting for the worker
        # threads instead would keep the process alive until they finish.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
