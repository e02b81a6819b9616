"""People the app knows by voice: enroll from recordings, rename, merge, forget."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.progress import ProgressFn
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library
from meetingapp.ui.bridge import Task
from meetingapp.ui.import_paths import MEDIA_EXTENSIONS
from meetingapp.ui.tables import style_table

#: Profiles from before voice samples were kept cannot be given CAM++ vectors, the only
#: evidence that names someone unasked (identify.py): the user is told how to fix it.
REENROLL_HINT = (
    "Enrolled before voice samples were kept: this voice is suggested, never named"
    " automatically. Select it and press Enroll again."
)


class SpeakersPage(QWidget):
    #: profiles changed in the store (names in meetings may have changed too)
    changed = Signal()
    error = Signal(str)

    def __init__(self, library: Library, pool: ThreadPoolExecutor) -> None:
        super().__init__()
        self.library, self.pool = library, pool
        #: asks before deleting voice data (tests answer for the user)
        self.confirm_forget: Callable[[str], bool] = self._ask_forget
        #: asks for recordings of one person when no meeting has their voice (tests answer)
        self.choose_recordings: Callable[[str], list[Path]] = self._ask_recordings
        #: profiles enrolled before voice samples were kept, as listed by refresh()
        self._stale: set[str] = set()

        title = QLabel("Speakers")
        title.setObjectName("pageTitle")
        self.enroll_button = QPushButton("Enroll from recordings…")
        self.enroll_button.clicked.connect(self.enroll_dialog)
        self.again_button = QPushButton("Enroll again")
        self.again_button.setToolTip(
            "Learn the selected person's voice anew from the meetings where you named it"
        )
        self.again_button.clicked.connect(self._again_selected)
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(self._ask_rename)
        self.merge_button = QPushButton("Merge")
        self.merge_button.setToolTip("Select two profiles of the same person")
        self.merge_button.clicked.connect(self._merge_selected)
        self.forget_button = QPushButton("Forget…")
        self.forget_button.clicked.connect(self._forget_selected)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        buttons = (
            self.enroll_button,
            self.again_button,
            self.rename_button,
            self.merge_button,
            self.forget_button,
        )
        for b in buttons:
            head.addWidget(b)

        self.hint = QLabel(
            "Known voices are recognised in new meetings. Enroll a person from a recording of"
            " them alone, or name a speaker in a meeting (right-click a line)."
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Name", "Voice samples", "Meetings", "Updated"])
        self.table.horizontalHeaderItem(0).setTextAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        style_table(self.table, 4, QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self._ask_rename())

        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 16, 12)
        lay.addLayout(head)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        profiles = self.library.profiles()
        self._stale = {p.name for p in profiles if p.needs_reenrollment}
        self.table.setRowCount(len(profiles))
        for row, p in enumerate(profiles):
            cells = [
                p.name,
                f"{p.embeddings} · enroll again" if p.needs_reenrollment else str(p.embeddings),
                str(p.meetings),
                p.updated_at[:16].replace("T", " "),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if p.needs_reenrollment:
                    item.setToolTip(REENROLL_HINT)
                self.table.setItem(row, col, item)
        self._update_buttons()

    def names(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def selected(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.table.item(r, 0).text() for r in rows]

    def _update_buttons(self) -> None:
        selected = self.selected()
        n = len(selected)
        self.again_button.setEnabled(n == 1 and selected[0] in self._stale)
        self.rename_button.setEnabled(n == 1)
        self.forget_button.setEnabled(n == 1)
        self.merge_button.setEnabled(n == 2)

    def _apply(self, change: Callable[[], object]) -> bool:
        try:
            change()
        except MeetingAppError as e:
            self.error.emit(str(e))
            return False
        self.refresh()
        self.changed.emit()
        return True

    # -- enrolling ----------------------------------------------------------
    def enroll_dialog(self) -> None:
        files = self._recordings("Recordings of one person")
        if not files:
            return
        name, ok = QInputDialog.getItem(
            self, "Enroll a voice", "Whose voice is this?", self.names(), editable=True
        )
        if ok and name.strip():
            self.enroll_files(name.strip(), files)

    def _recordings(self, title: str) -> list[Path]:
        patterns = " ".join(f"*{e}" for e in sorted(MEDIA_EXTENSIONS))
        files, _ = QFileDialog.getOpenFileNames(
            self, title, "", f"Audio and video ({patterns});;All files (*)"
        )
        return [Path(f) for f in files]

    def enroll_files(self, name: str, paths: list[Path]) -> Task:
        """Learn ``name``'s voice from recordings of them alone (off the GUI thread)."""
        library = self.library

        def work(progress: ProgressFn) -> str:
            return library.enroll_files(name, paths, progress=progress).name

        task = Task(work, self)
        self.enroll_button.setEnabled(False)
        self.enroll_button.setText("Learning the voice…")
        task.done.connect(self._enrolled)
        task.failed.connect(self._enroll_failed)
        task.start(self.pool)
        return task

    def enroll_again(self, name: str) -> Task:
        """Learn ``name``'s voice anew from the meetings where the user named it (off the
        GUI thread: it decodes those recordings); with none, from recordings chosen now."""
        library = self.library

        def work(_progress: ProgressFn) -> str:
            return library.enroll_again(name).name

        task = Task(work, self)
        self.again_button.setEnabled(False)
        self.again_button.setText("Learning the voice…")
        task.done.connect(self._enrolled_again)
        task.failed.connect(lambda message: self._again_failed(name, message))
        task.start(self.pool)
        return task

    def _again_selected(self) -> None:
        if len(selected := self.selected()) == 1:
            self.enroll_again(selected[0])

    def _end_again(self) -> None:
        self.again_button.setText("Enroll again")
        self._update_buttons()

    def _enrolled_again(self, name: str) -> None:
        self._end_again()
        self._enrolled(name)

    def _again_failed(self, name: str, message: str) -> None:
        """No meeting held the voice: recordings of the person are the other way."""
        self._end_again()
        paths = self.choose_recordings(name)
        if paths:
            self.enroll_files(name, paths)
        else:
            self.error.emit(message)

    def _ask_recordings(self, name: str) -> list[Path]:
        return self._recordings(f"No meeting has {name}'s voice named: recordings of {name} alone")

    def _end_enroll(self) -> None:
        self.enroll_button.setEnabled(True)
        self.enroll_button.setText("Enroll from recordings…")

    def _enrolled(self, _name: str) -> None:
        self._end_enroll()
        self.refresh()
        self.changed.emit()

    def _enroll_failed(self, message: str) -> None:
        self._end_enroll()
        self.error.emit(message)

    # -- editing ------------------------------------------------------------
    def rename(self, old: str, new: str) -> bool:
        return self._apply(lambda: self.library.rename_profile(old, new))

    def merge(self, keep: str, drop: str) -> bool:
        return self._apply(lambda: self.library.merge_profiles(keep, drop))

    def forget(self, name: str) -> bool:
        if not self.confirm_forget(name):
            return False
        return self._apply(lambda: self.library.forget_profile(name))

    def _ask_rename(self) -> None:
        selected = self.selected()
        if len(selected) != 1:
            return
        new, ok = QInputDialog.getText(self, "Rename", "New name:", text=selected[0])
        if ok and new.strip() and new.strip() != selected[0]:
            self.rename(selected[0], new)

    def _merge_selected(self) -> None:
        selected = self.selected()
        if len(selected) != 2:
            return
        keep, ok = QInputDialog.getItem(
            self, "Merge", "These are one person. Keep the name:", selected, editable=False
        )
        if ok:
            self.merge(keep, next(n for n in selected if n != keep))

    def _forget_selected(self) -> None:
        selected = self.selected()
        if len(selected) == 1:
            self.forget(selected[0])

    def _ask_forget(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Forget this person?",
            f"Delete {name}'s voice data? Past meetings keep the name as text, but new"
            " meetings will no longer recognise this voice.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes
