"""Problems, collected in one non-modal box rather than a dialog each."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

#: how many of the latest problems the box shows
SHOWN = 8
#: said under a failed job's error: the box alone led nowhere
RETRY_HINT = "Failed recordings stay in the Processing panel, with Retry and Dismiss."


class ProblemBox:
    """Shows each new problem with the ones not yet dismissed; closing it clears them.

    Not every problem is the file's (a model that cannot load fails every job), so
    the box is titled "Problems", and says where a failed job can be retried.
    """

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.problems: list[str] = []
        self.box: QMessageBox | None = None
        self.hint = ""

    def add(self, message: str, retry: bool = False) -> None:
        """Show ``message``; ``retry`` when it is a failed job's (it has a Retry)."""
        self.problems.append(message)
        if retry:
            self.hint = RETRY_HINT
        if self.box is None:
            box = QMessageBox(self.parent)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Problems")
            box.setWindowModality(Qt.WindowModality.NonModal)
            box.finished.connect(self._seen)
            self.box = box
        self.box.setText("\n\n".join(self.problems[-SHOWN:]))
        self.box.setInformativeText(self.hint)
        self.box.show()

    def _seen(self) -> None:
        self.problems.clear()
        self.hint = ""
