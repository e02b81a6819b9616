"""Job runner events into Qt signals, and plain threads into Qt signals.

The engine calls its listeners on worker threads; they hand each event to
the GUI thread (``gui_thread.post``), where the signal is emitted, so
widgets are only ever touched — and signals only emitted — on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from meetingapp.domain.jobs import JobOptions
from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.jobs import JobRunner
from meetingapp.errors import Cancelled, MeetingAppError
from meetingapp.library import Library
from meetingapp.ui.gui_thread import emitter, held, hold, init_gui_thread, post, release
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

    def __init__(
        self, engine: JobRunner, parent: QObject | None = None, library: Library | None = None
    ) -> None:
        super().__init__(parent)
        init_gui_thread()
        self.engine = engine
        self.library = library if library is not None else Library(engine.data, engine)
        self._number = hold(self)
        # Hashing and copying a recording can take seconds; one import at a time.
        self._imports = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meetingapp-import")
        engine.add_listener(emitter(self._number, "job_event"))

    def submit(self, paths: list[Path], options: JobOptions) -> None:
        """Import files and folders (their media files) in the background."""
        self._imports.submit(_import_all, self.library, self._number, paths, options)

    def shutdown(self) -> None:
        self._imports.shutdown(wait=True, cancel_futures=True)
        release(self._number)


def _import_all(library: Library, bridge: int, paths: list[Path], options: JobOptions) -> None:
    """On the import thread: given the bridge's number, never the bridge itself."""
    failed = emitter(bridge, "import_failed")
    files, problems = expand_paths(paths)
    for problem in problems:
        failed(problem.split(": ", 1)[0], problem)
    for path in files:
        try:
            sub = library.submit(path, options)
        except MeetingAppError as e:
            failed(str(path), str(e))
        except Exception as e:  # noqa: BLE001 - a bug must show, not kill the import thread
            failed(str(path), f"{path}: internal error: {type(e).__name__}: {e}")
        else:
            if sub.job_id is not None:
                emitter(bridge, "import_queued")(str(path), sub.job_id)
            elif sub.existing_meeting_id is not None:
                emitter(bridge, "import_duplicate")(str(path), sub.existing_meeting_id)


class Task(QObject):
    """Run one function on a plain thread; its result or error comes back as a signal.

    ``fn(progress)`` runs on a worker: ``started`` when it begins, then ``done``
    (its result), ``failed`` (a message) or ``aborted``, and ``progress`` between.
    :meth:`abort` asks it to stop: it sets the task's :class:`CancelToken`
    (``cancel``, or a new one: :attr:`token`), which a function that can stop
    early captures and checks; raising :class:`Cancelled` (``token.check()``)
    reports ``aborted``, and so does anything a function ends with after
    :meth:`abort`. Every signal arrives on the GUI thread.

    A started task keeps itself (and its function) alive until it has reported,
    and both are dropped on the GUI thread: callers need not hold it, and the
    worker never holds a Qt object (see :mod:`meetingapp.ui.gui_thread`).
    """

    started = Signal()
    done = Signal(object)
    failed = Signal(str)
    aborted = Signal()
    progress = Signal(float)

    def __init__(
        self,
        fn: Callable[[ProgressFn], Any],
        parent: QObject | None = None,
        cancel: CancelToken | None = None,
    ) -> None:
        super().__init__(parent)
        init_gui_thread()
        self._fn: Callable[[ProgressFn], Any] | None = fn
        #: set by :meth:`abort`; give it to the function to let it stop early
        self.token = cancel if cancel is not None else CancelToken()

    def start(self, pool: ThreadPoolExecutor) -> None:
        fn, self._fn = self._fn, None
        assert fn is not None, "a task runs once"
        number = hold(self, fn)
        pool.submit(_run_task, number, [fn], self.token)

    def abort(self) -> None:
        """Ask the function to stop (cooperative: it stops at its next check)."""
        self.token.cancel()


def _run_task(number: int, box: list[Callable[[ProgressFn], Any]], token: CancelToken) -> None:
    """On the worker: run the function, drop every reference to it, then report
    (so the last reference is always the GUI thread's)."""
    fn = box.pop()
    emitter(number, "started")()
    try:
        outcome: tuple[str, ...] = ("done", fn(emitter(number, "progress")))
    except Cancelled:
        outcome = ("aborted",)
    except MeetingAppError as e:
        outcome = ("failed", str(e))
    except Exception as e:  # noqa: BLE001 - shown to the user rather than lost
        outcome = ("failed", f"{type(e).__name__}: {e}")
    del fn
    if token.cancelled:
        outcome = ("aborted",)
    post(_report, number, *outcome)


def _report(number: int, signal: str, *value: Any) -> None:
    task = held(number)
    release(number)
    if task is not None:
        getattr(task, signal).emit(*value)
