"""A meeting's minutes beside its transcript: tick off actions, jump to where things were said."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyleOptionViewItem,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.minutes import MEETING_TYPES, Minutes, TrackedAction
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.times import clock
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library
from meetingapp.ui.action_tree import (
    ACTION_ROLE,
    DUE,
    LAST,
    OWNER,
    START_ROLE,
    STATUS_ROLE,
    TASK,
    ActionTree,
    action_row,
    strike,
    ticked,
)
from meetingapp.ui.bridge import Task
from meetingapp.ui.wrap_delegate import WrapDelegate

ACTION_FIELDS = {TASK: "task", OWNER: "owner", DUE: "due"}
#: the sections, in the order shown; each empty one says "No … recorded" alike
SECTIONS = ("Summary", "Decisions", "Action items", "Key points", "Highlights", "Topics")
NO_MINUTES = "No minutes yet. Use Regenerate… to write them."
NOTE_COLOR = QColor("#868e96")


def nothing_recorded(section: str) -> str:
    """What an empty section says: "No decisions recorded", "No summary recorded"…"""
    return f"No {section.lower()} recorded"


class MinutesDelegate(WrapDelegate):
    """A text-only row spans the whole width (a decision wraps to two lines, not six
    under the action items' Owner and Due columns); its time stays in the At column."""

    def _start(self, index: QModelIndex | QPersistentModelIndex) -> float | None:
        start = index.data(START_ROLE)
        return None if start is None or not self.spanned(index) else float(start)

    def reserved(self, index: QModelIndex | QPersistentModelIndex) -> int:
        return self.tree.columnWidth(LAST) if self._start(index) is not None else 0

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        start = self._start(index)
        if start is None:
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect  # type: ignore[attr-defined]
        at = self.reserved(index)
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        full.text = ""  # type: ignore[attr-defined]
        style = self.tree.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, full, painter, self.tree)
        text = QStyleOptionViewItem(option)
        text.rect = rect.adjusted(0, 0, -at, 0)  # type: ignore[attr-defined]
        super().paint(painter, text, index)
        selected = option.state & QStyle.StateFlag.State_Selected  # type: ignore[attr-defined]
        painter.save()
        palette = option.palette  # type: ignore[attr-defined]
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        painter.drawText(
            QRect(rect.right() - at, rect.top(), at - 6, rect.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            clock(start),
        )
        painter.restore()


class RegenerateDialog(QDialog):
    """Choose a language model file (optional) and the template for new minutes."""

    def __init__(self, model: Path | None, template: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Regenerate minutes")
        self.model = QLineEdit(str(model) if model else "")
        self.model.setPlaceholderText("none: offline extraction only")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.model, 1)
        row.addWidget(browse)
        self.template = QComboBox()
        self.template.addItems(MEETING_TYPES)
        self.template.setCurrentText(template)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Language model (GGUF):", row)
        form.addRow("Template:", self.template)
        form.addRow(buttons)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Language model", self.model.text(), "GGUF models (*.gguf);;All files (*)"
        )
        if name:
            self.model.setText(name)

    def chosen(self) -> tuple[Path | None, str]:
        text = self.model.text().strip()
        return (Path(text).expanduser() if text else None), self.template.currentText()


class MinutesPanel(QWidget):
    """Summary, decisions, action items, key points, topics, highlights and mood."""

    seek_requested = Signal(float)
    #: minutes or an action item changed in the store (meeting id)
    changed = Signal(int)
    error = Signal(str)

    def __init__(self, library: Library, pool: ThreadPoolExecutor) -> None:
        super().__init__()
        self.library, self.pool = library, pool
        self.meeting_id: int | None = None
        self.minutes: Minutes | None = None
        self._filling = False
        self._toggled = False

        title = QLabel("Minutes")
        title.setObjectName("panelTitle")
        self.mood = QLabel()
        self.mood.setObjectName("hint")
        self.regenerate_button = QPushButton("Regenerate…")
        self.regenerate_button.clicked.connect(self.ask_regenerate)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.mood)
        head.addStretch(1)
        head.addWidget(self.regenerate_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFixedHeight(6)
        self.progress.setTextVisible(False)
        self.progress.hide()

        # One tree for every section, the summary included: a long summary scrolls with
        # the rest instead of squeezing the items out of a short window.
        self.tree = ActionTree("minutes", "Item", "At", editable=True)
        self.tree.setItemDelegate(MinutesDelegate(self.tree))
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemClicked.connect(self._item_clicked)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.tree)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_current)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.progress)
        lay.addWidget(self.tree, 1)

    # -- showing ------------------------------------------------------------
    def show_meeting(self, meeting_id: int) -> None:
        """Show another meeting's minutes from their top (not where the last one was)."""
        self.meeting_id = meeting_id
        self.reload()
        self.tree.scrollToTop()

    def reload(self) -> None:
        assert self.meeting_id is not None
        self.minutes = self.library.minutes(self.meeting_id)
        actions = self.library.actions(meeting_id=self.meeting_id)
        self._fill(self.minutes, actions)

    def _fill(self, m: Minutes | None, actions: list[TrackedAction]) -> None:
        self._filling = True
        self.tree.clear()
        if m is None:
            self.mood.setText("")
            self._note(self.tree.invisibleRootItem(), NO_MINUTES)
            self._filling = False
            return
        said = m.summary.strip() or m.decisions or actions or m.key_points or m.highlights
        # The mood of minutes with nothing in them would be a guess about silence.
        self.mood.setText(f"· mood: {m.mood}" if said else "")
        self._section("Summary", [(m.summary, None)] if m.summary.strip() else [])
        self._section("Decisions", [(d.text, d.start) for d in m.decisions])
        acts = self._section("Action items", [])
        for a in actions:
            acts.addChild(action_row(a, clock(a.start), editable=True))
        if not actions:
            self._note(acts, nothing_recorded("Action items"))
        self._section("Key points", [(k.text, k.start) for k in m.key_points])
        self._section("Highlights", [(h.text, h.start) for h in m.highlights])
        self._section("Topics", [(" · ".join(m.topics), None)] if m.topics else [])
        self.tree.expandAll()
        self._filling = False

    def _section(self, name: str, rows: list[tuple[str, float | None]]) -> QTreeWidgetItem:
        """A bold head and its text rows (spanning the row); a note when it has none."""
        head = QTreeWidgetItem([name])
        font = head.font(TASK)
        font.setBold(True)
        head.setFont(TASK, font)
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.addTopLevelItem(head)
        head.setFirstColumnSpanned(True)
        for text, start in rows:
            item = QTreeWidgetItem([text])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if start is not None:
                item.setData(TASK, START_ROLE, start)
                item.setToolTip(TASK, f"Click to play from {clock(start)}")
            head.addChild(item)
            item.setFirstColumnSpanned(True)
        if not rows and name != "Action items":  # actions are added by the caller
            self._note(head, nothing_recorded(name))
        return head

    def _note(self, parent: QTreeWidgetItem, text: str) -> None:
        """A grey, italic row that says a section (or the minutes) is empty."""
        item = QTreeWidgetItem([text])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = item.font(TASK)
        font.setItalic(True)
        item.setFont(TASK, font)
        item.setForeground(TASK, NOTE_COLOR)
        parent.addChild(item)
        item.setFirstColumnSpanned(True)

    def section(self, name: str) -> list[str]:
        """The texts shown under a section's head (its note when it is empty)."""
        heads = self.tree.findItems(name, Qt.MatchFlag.MatchExactly)
        if not heads:
            return []
        return [heads[0].child(i).text(TASK) for i in range(heads[0].childCount())]

    def action_items(self) -> list[QTreeWidgetItem]:
        """The rows of the action-item section, in order."""
        head = self.tree.findItems("Action items", Qt.MatchFlag.MatchExactly)[0]
        rows = [head.child(i) for i in range(head.childCount())]
        return [r for r in rows if r.data(TASK, ACTION_ROLE) is not None]

    def copy_current(self) -> None:
        """Ctrl+C: the current row's text (the summary is no longer a selectable label)."""
        item = self.tree.currentItem()
        if item is not None and item.text(TASK):
            QApplication.clipboard().setText(item.text(TASK))

    # -- editing ------------------------------------------------------------
    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        action: TrackedAction | None = item.data(TASK, ACTION_ROLE)
        if self._filling or action is None:
            return
        action_id, status = action.id, ticked(item)
        if column == TASK and status != item.data(TASK, STATUS_ROLE):
            # the click that ticked the box comes next; it should not also start playback
            self._toggled = True
            QTimer.singleShot(0, self._clear_toggled)
            self._filling = True
            item.setData(TASK, STATUS_ROLE, status)
            strike(item, status == "done")
            self._filling = False
            self.set_status(action_id, status)
        elif column in ACTION_FIELDS:
            text = item.text(column).strip()
            if column == TASK and not text:
                self.reload()  # a task cannot be empty: show the stored one again
                return
            self.edit_action(action_id, **{ACTION_FIELDS[column]: text or None})

    def set_status(self, action_id: int, status: str) -> None:
        self.edit_action(action_id, status=status)

    def edit_action(self, action_id: int, **changes: str | None) -> None:
        try:
            self.library.update_action(action_id, **changes)
        except MeetingAppError as e:
            self.error.emit(str(e))
            return
        assert self.meeting_id is not None
        self.changed.emit(self.meeting_id)

    def _clear_toggled(self) -> None:
        self._toggled = False

    def _item_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if self._toggled:
            return
        start = item.data(TASK, START_ROLE)
        if start is not None:
            self.seek_requested.emit(float(start))

    # -- regenerating -------------------------------------------------------
    def ask_regenerate(self) -> None:
        if self.meeting_id is None:
            return
        meeting = self.library.meeting(self.meeting_id)
        dialog = RegenerateDialog(self.library.settings().llm_path(), meeting.type, self)
        if dialog.exec():
            self.regenerate(*dialog.chosen())

    def regenerate(self, llm: Path | None, template: str) -> Task:
        """Write new minutes off the GUI thread; ticked-off actions stay ticked off."""
        assert self.meeting_id is not None
        meeting_id, library = self.meeting_id, self.library

        def work(progress: ProgressFn) -> int:
            library.regenerate_minutes(meeting_id, llm, template, progress=progress)
            return meeting_id

        task = Task(work, self)
        self.regenerate_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        task.progress.connect(lambda f: self.progress.setValue(int(f * 100)))
        task.done.connect(self._regenerated)
        task.failed.connect(self._regenerate_failed)
        task.start(self.pool)
        return task

    def _end_regenerate(self) -> None:
        self.regenerate_button.setEnabled(True)
        self.progress.hide()

    def _regenerated(self, meeting_id: int) -> None:
        self._end_regenerate()
        if meeting_id == self.meeting_id:
            self.reload()
        self.changed.emit(meeting_id)

    def _regenerate_failed(self, message: str) -> None:
        self._end_regenerate()
        self.error.emit(message)
