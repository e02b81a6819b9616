"""Engine events into Qt signals, and plain threads into Qt signals.

The engine calls its listeners on worker threads; they hand each event to
the GUI thread (``gui_thread.post``), where the signal is emitted, so
widgets are only ever touched — and signals only emitted — on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from meetingapp.engine.jobs import Engine
from meetingapp.errors import MeetingAppError
from meetingapp.store.jobs import JobOptions
from meetingapp.ui.gui_thread import init_gui_thread, on_gui, post
from meetingapp.ui.import_paths import expand_paths


class EngineBridge(QObject):
    """Re-emits :class:`JobEvent` as ``job_event`` and runs imports off the GUI thread."""

    job_event = Signal(object)
    #: (path, job id) once a file is copied and queued
    import_queued = Signal(str, int)
    #: (path, id of the meeting that already holds this recording)
    import_duplicate = Signal(str, int)
    #: (path, message naming the file and the cause)
    import_failed = Signal(str, str)

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        init_gui_thread()
        self.engine = engine
        # Hashing and copying a recording can take seconds; one import at a time.
        self._imports = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meetingapp-import")
        engine.add_listener(on_gui(self.job_event.emit))

    def submit(self, paths: list[Path], options: JobOptions) -> None:
        """Import files and folders (their media files) in the background."""
        self._imports.submit(self._submit_all, paths, options)

    def _submit_all(self, paths: list[Path], options: JobOptions) -> None:
        files, problems = expand_paths(paths)
        for problem in problems:
            post(self.import_failed.emit, problem.split(": ", 1)[0], problem)
        for path in files:
            self._submit_one(path, replace(options))

    def _submit_one(self, path: Path, options: JobOptions) -> None:
        try:
            sub = self.engine.submit(path, options)
        except MeetingAppError as e:
            post(self.import_failed.emit, str(path), str(e))
        except Exception as e:  # noqa: BLE001 - a bug must show, not kill the import thread
            message = f"{path}: internal error: {type(e).__name__}: {e}"
            post(self.import_failed.emit, str(path), message)
        else:
            if sub.job_id is not None:
                post(self.import_queued.emit, str(path), sub.job_id)
            elif sub.existing_meeting_id is not None:
                post(self.import_duplicate.emit, str(path), sub.existing_meeting_id)

    def shutdown(self) -> None:
        self._imports.shutdown(wait=True, cancel_futures=True)


class Task(QObject):
    """Run one function on a plain thread; its result or error comes back as a signal."""

    done = Signal(object)
    failed = Signal(str)
    progress = Signal(float)

    def __init__(self, fn: Callable[..., Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        init_gui_thread()
        self._fn = fn

    def start(self, pool: ThreadPoolExecutor) -> None:
        pool.submit(self._run)

    def _run(self) -> None:
        try:
            result = self._fn(on_gui(self.progress.emit))
        except MeetingAppError as e:
            post(self.failed.emit, str(e))
        except Exception as e:  # noqa: BLE001 - shown to the user rather than lost
            post(self.failed.emit, f"{type(e).__name__}: {e}")
        else:
            post(self.done.emit, result)
