"""Problems with files, collected in one non-modal box rather than a dialog each."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

#: how many of the latest problems the box shows
SHOWN = 8


class ProblemBox:
    """Shows each new problem with the ones not yet dismissed; closing it clears them."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.problems: list[str] = []
        self.box: QMessageBox | None = None

    def add(self, message: str) -> None:
        self.problems.append(message)
        if self.box is None:
            box = QMessageBox(self.parent)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Some files could not be used")
            box.setWindowModality(Qt.WindowModality.NonModal)
            box.finished.connect(self._seen)
            self.box = box
        self.box.setText("\n\n".join(self.problems[-SHOWN:]))
        self.box.show()

    def _seen(self) -> None:
        self.problems.clear()
