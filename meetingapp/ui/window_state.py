"""The window's size, place and splitter positions, remembered across runs.

They live in ``window.ini`` in the data folder (one per library, so tests and a
second library stay apart), not in ``settings.json``: the engine never reads them.
A splitter is known by its place in the widget tree (object names where given),
so a page made later (the search page) finds its own positions when it is made.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

#: the window's own remembered choices, in the data folder
STATE_FILE = "window.ini"


def window_state(data: Path) -> QSettings:
    return QSettings(str(data / STATE_FILE), QSettings.Format.IniFormat)


def widget_key(widget: QWidget, root: QWidget) -> str:
    """``widget``'s place under ``root``: object names, else class and rank among
    siblings of that class (stable as long as the window is built the same way)."""
    parts = []
    w: QWidget | None = widget
    while w is not None and w is not root:
        parent = w.parentWidget()
        name = w.objectName()
        if not name:
            same = [c for c in parent.children() if type(c) is type(w)] if parent else [w]
            name = f"{type(w).__name__}{same.index(w)}"
        parts.append(name)
        w = parent
    return "/".join(reversed(parts))


def _splitters(under: QWidget) -> list[QSplitter]:
    inner = under.findChildren(QSplitter)
    return [under, *inner] if isinstance(under, QSplitter) else inner


def restore_splitters(settings: QSettings, root: QWidget, under: QWidget | None = None) -> None:
    """Put back the positions of the splitters in ``under`` (default: all of ``root``)."""
    for splitter in _splitters(under or root):
        state = settings.value(f"splitters/{widget_key(splitter, root)}")
        if state is not None:
            splitter.restoreState(state)


def restore(window: QMainWindow, settings: QSettings) -> None:
    """Size and place, toolbars, and every splitter made so far."""
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    state = settings.value("window/state")
    if state is not None:
        window.restoreState(state)
    restore_splitters(settings, window)


def save(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    for splitter in _splitters(window):
        settings.setValue(f"splitters/{widget_key(splitter, window)}", splitter.saveState())
    settings.sync()
