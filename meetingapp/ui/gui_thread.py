"""Hand work from other threads to the GUI thread without emitting Qt signals there.

Engine workers, imports, recordings and background tasks run on plain Python
threads. Emitting a PySide6 signal from such a thread can crash the process
(PySide6 6.8+, PYSIDE-3124; seen here as a segfault during garbage
collection), so those threads only put calls in a queue, and a timer on the
GUI thread runs them — every signal is then emitted on the GUI thread.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: How often the GUI thread picks up posted calls (ms): well under a frame.
INTERVAL_MS = 10


class _Dispatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.calls: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]]] = (
            queue.SimpleQueue()
        )
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.drain)
        self.timer.start()

    def drain(self) -> None:
        while True:
            try:
                fn, args = self.calls.get_nowait()
            except queue.Empty:
                return
            try:
                fn(*args)
            except RuntimeError as e:  # its receiver was deleted meanwhile (window closed)
                log.debug("dropped a call for a deleted object: %s", e)


_dispatcher: _Dispatcher | None = None


def init_gui_thread() -> None:
    """Call once on the GUI thread (the window does) before any worker posts."""
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()


def post(fn: Callable[..., Any], *args: Any) -> None:
    """Run ``fn(*args)`` on the GUI thread, soon. Safe from any thread."""
    assert _dispatcher is not None, "init_gui_thread() was not called"
    _dispatcher.calls.put((fn, args))


def on_gui(fn: Callable[..., Any]) -> Callable[..., None]:
    """A callback for worker threads that runs ``fn`` on the GUI thread."""
    return lambda *args: post(fn, *args)
