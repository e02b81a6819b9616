"""Hand work from other threads to the GUI thread, and never let those threads
touch a Qt object.

JobRunner workers, imports, recordings and background tasks run on plain Python
threads. A PySide6 wrapper used there is a crash waiting to happen: emitting a
signal from such a thread (PySide6 6.8+, PYSIDE-3124), or merely reading
``obj.signal`` (it makes a new signal-instance wrapper on that thread), or
dropping the last reference to a widget there (the wrapper, and with it the Qt
object, is then finalised off the GUI thread while the GUI thread collects
garbage). So by design:

- worker threads only put calls in a queue, and a timer on the GUI thread runs
  them: every signal is emitted on the GUI thread;
- Qt objects are *held* here, by a number, on the GUI thread; a worker is given
  the number (:func:`emitter`), never the object, and the object is released
  on the GUI thread.
"""

from __future__ import annotations

import itertools
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
#: Qt objects (and what must die with them) that workers refer to by number
_held: dict[int, tuple[QObject, tuple[Any, ...]]] = {}
_numbers = itertools.count(1)


def init_gui_thread() -> None:
    """Call once on the GUI thread (the window does) before any worker posts."""
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()


def post(fn: Callable[..., Any], *args: Any) -> None:
    """Run ``fn(*args)`` on the GUI thread, soon. Safe from any thread; ``fn`` and
    ``args`` must not be Qt objects (use :func:`emitter` for those)."""
    assert _dispatcher is not None, "init_gui_thread() was not called"
    _dispatcher.calls.put((fn, args))


def hold(obj: QObject, *keep: Any) -> int:
    """Keep ``obj`` (and ``keep``) alive until :func:`release`; GUI thread only."""
    number = next(_numbers)
    _held[number] = (obj, keep)
    return number


def release(number: int) -> None:
    """Drop what :func:`hold` kept; GUI thread only, so it is finalised here."""
    _held.pop(number, None)


def held(number: int) -> QObject | None:
    entry = _held.get(number)
    return entry[0] if entry else None


def emitter(number: int, signal: str) -> Callable[..., None]:
    """A callback for worker threads that emits ``signal`` of the held object
    ``number`` on the GUI thread (nothing, once it is released)."""
    return lambda *args: post(_emit, number, signal, args)


def _emit(number: int, signal: str, args: tuple[Any, ...]) -> None:
    obj = held(number)
    if obj is not None:
        getattr(obj, signal).emit(*args)
