"""The dialogs that edit what the engine wrote: a transcript line, an action item.

A transcript line is often a long sentence; a one-line input made the user edit it
scrolling sideways through a box narrower than the text. Both dialogs wrap text
in a box as wide as the dialog, and open non-modally (``open()``) so the caller
goes on from their ``accepted`` signal.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.minutes import TrackedAction
from meetingapp.domain.times import clock
from meetingapp.domain.transcript import Segment
from meetingapp.ui.speaker_colors import speaker_name


def flat(text: str) -> str:
    """Words separated by single spaces: a line and a task are one line of text."""
    return " ".join(text.split())


def wrapping_editor(text: str, lines: int) -> QPlainTextEdit:
    """A plain-text box that wraps at its width (never scrolls sideways), ``lines`` tall."""
    edit = QPlainTextEdit(text)
    edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    edit.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    edit.setTabChangesFocus(True)
    line = edit.fontMetrics().lineSpacing()
    edit.setMinimumHeight(lines * line + 2 * int(edit.document().documentMargin()) + 8)
    return edit


def save_buttons(dialog: QDialog) -> tuple[QDialogButtonBox, QPushButton]:
    """Save / Cancel, and Ctrl+Enter to save from inside the text box."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut = QShortcut(QKeySequence(keys), dialog)
        shortcut.activated.connect(lambda: save.isEnabled() and dialog.accept())
    return buttons, save


class SegmentTextDialog(QDialog):
    """Correct the words of one transcript line (its timing is kept)."""

    def __init__(self, seg: Segment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit text")
        who = QLabel(f"{speaker_name(seg.speaker)} at {clock(seg.start)}")
        who.setObjectName("hint")
        self.editor = wrapping_editor(seg.text.strip(), lines=5)
        buttons, self.save = save_buttons(self)
        self.editor.textChanged.connect(lambda: self.save.setEnabled(bool(self.text())))
        hint = QLabel("Ctrl+Enter saves. The words keep their times in the recording.")
        hint.setObjectName("hint")
        lay = QVBoxLayout(self)
        lay.addWidget(who)
        lay.addWidget(self.editor, 1)
        lay.addWidget(hint)
        lay.addWidget(buttons)
        self.resize(560, 260)
        self.editor.setFocus()

    def text(self) -> str:
        """The line as one run of words: a line break typed in the box is a space."""
        return flat(self.editor.toPlainText())


class ActionDialog(QDialog):
    """Edit an action item's task, owner and due date; blank owner or due clears them."""

    def __init__(
        self, action: TrackedAction, people: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle("Edit action item")
        self.task = wrapping_editor(action.task, lines=3)
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.addItems(["", *people])
        self.owner.setCurrentText(action.owner or "")
        assert self.owner.lineEdit() is not None
        self.owner.lineEdit().setPlaceholderText("nobody yet")
        self.due = QLineEdit(action.due or "")
        self.due.setPlaceholderText("a date (2026-12-08) or words (Friday)")
        buttons, self.save = save_buttons(self)
        self.task.textChanged.connect(
            lambda: self.save.setEnabled(bool(flat(self.task.toPlainText())))
        )
        where = QLabel(f"From {action.meeting_title} at {clock(action.start)}")
        where.setObjectName("hint")
        form = QFormLayout(self)
        form.addRow(where)
        form.addRow("Task:", self.task)
        form.addRow("Owner:", self.owner)
        form.addRow("Due:", self.due)
        form.addRow(buttons)
        self.resize(520, 260)

    def changes(self) -> dict[str, str | None]:
        """The fields the user changed, as ``Library.update_action`` takes them."""
        a = self.action
        chosen: dict[str, str | None] = {
            "task": flat(self.task.toPlainText()),
            "owner": self.owner.currentText().strip() or None,
            "due": self.due.text().strip() or None,
        }
        before = {"task": a.task, "owner": a.owner, "due": a.due}
        return {k: v for k, v in chosen.items() if v != before[k]}
