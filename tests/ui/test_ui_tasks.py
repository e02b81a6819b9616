"""Task: started then done, cooperative abort reports aborted (not failed), and every
signal arrives on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from pytestqt.qtbot import QtBot

from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.errors import Cancelled
from meetingapp.ui.bridge import Task


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=1) as p:
        yield p


def record(task: Task) -> list[tuple[str, object, bool]]:
    """(signal, value, on the GUI thread) in the order they arrive."""
    got: list[tuple[str, object, bool]] = []
    gui = threading.main_thread()

    def note(name: str):  # noqa: ANN202
        return lambda *v: got.append((name, v[0] if v else None, threading.current_thread() is gui))

    for name in ("started", "progress", "done", "failed", "aborted"):
        getattr(task, name).connect(note(name))
    return got


def test_started_progress_then_done_on_the_gui_thread(
    qtbot: QtBot, pool: ThreadPoolExecutor
) -> None:
    worker: list[threading.Thread] = []

    def work(progress: ProgressFn) -> int:
        worker.append(threading.current_thread())
        progress(0.5)
        return 42

    task = Task(work)
    got = record(task)
    with qtbot.waitSignal(task.done, timeout=10_000):
        task.start(pool)
    assert worker and worker[0] is not threading.main_thread()
    assert [(n, v) for n, v, _ in got] == [("started", None), ("progress", 0.5), ("done", 42)]
    assert all(gui for _, _, gui in got)


def test_abort_reports_aborted_not_failed(qtbot: QtBot, pool: ThreadPoolExecutor) -> None:
    token = CancelToken()
    running = threading.Event()

    def work(_p: ProgressFn) -> str:
        running.set()
        for _ in range(1000):
            token.check()
            threading.Event().wait(0.01)
        return "not aborted"

    task = Task(work, cancel=token)
    got = record(task)
    assert task.token is token
    with qtbot.waitSignal(task.started, timeout=10_000):
        task.start(pool)
    assert running.wait(10)
    with qtbot.waitSignal(task.aborted, timeout=10_000):
        task.abort()
    qtbot.wait(50)
    assert [n for n, _, _ in got] == ["started", "aborted"]
    assert all(gui for _, _, gui in got)


def test_cancelled_raised_is_aborted_and_errors_still_fail(
    qtbot: QtBot, pool: ThreadPoolExecutor
) -> None:
    def cancelled(_p: ProgressFn) -> None:
        raise Cancelled()

    task = Task(cancelled)
    got = record(task)
    with qtbot.waitSignal(task.aborted, timeout=10_000):
        task.start(pool)
    assert [n for n, _, _ in got] == ["started", "aborted"]

    def broken(_p: ProgressFn) -> None:
        raise ValueError("bad")

    task = Task(broken)
    got = record(task)
    with qtbot.waitSignal(task.failed, timeout=10_000) as sig:
        task.start(pool)
    assert sig.args == ["ValueError: bad"]
    assert [n for n, _, _ in got] == ["started", "failed"]
