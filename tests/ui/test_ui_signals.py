"""Guard against PySide6 builds whose Signal.emit() corrupts reference counts."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    fired = Signal(object)


def test_emitting_signals_keeps_refcounts(qtbot: object) -> None:
    # PySide6 6.12.0 on Python 3.11 loses a reference to True per emit(); the
    # app then aborts with "bool_dealloc" after a few hundred progress events.
    e = Emitter()
    got: list[object] = []
    e.fired.connect(got.append)
    before = sys.getrefcount(True)
    for i in range(200):
        e.fired.emit(i)
    assert len(got) == 200
    assert sys.getrefcount(True) >= before - 5
