"""The first-run offer of a minutes model: download a recommended one, choose a file,
or not now.

Minutes are written offline without a language model, so nothing here is required;
but a user who never hears that a local model writes better minutes never gets
them. The offer is shown once, when no model is set and it was not turned down
("Not now", or closing it, is remembered in the settings); the window can also
open it on request. A download runs off the GUI thread with progress and Cancel, and a
cancelled download resumes where it stopped the next time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetingapp.config import Settings
from meetingapp.domain.progress import ProgressFn
from meetingapp.engine import llm_models
from meetingapp.engine.cancel import CancelToken
from meetingapp.library import Library
from meetingapp.ui.bridge import Task

INTRO = (
    "Minutes are already written on this computer without a language model. A local "
    "language model writes them more fluently and finds more owners and decisions; "
    "nothing leaves this computer. It needs one download (or a .gguf file you have)."
)


def needs_offer(settings: Settings) -> bool:
    """Whether the window should offer a minutes model: none set, never turned down."""
    return settings.llm_path() is None and not settings.llm_prompt_dismissed


def offer_minutes_model(
    library: Library, pool: ThreadPoolExecutor, parent: QWidget | None
) -> LlmPromptDialog | None:
    """Open the offer (window-modal, not blocking) when :func:`needs_offer`; the
    dialog is returned so the caller can keep it alive and follow it."""
    if not needs_offer(library.settings()):
        return None
    dialog = LlmPromptDialog(library, pool, parent)
    dialog.open()
    return dialog


class LlmPromptDialog(QDialog):
    """Recommended models with size, RAM, speed and licence; Download, Choose file…,
    Not now. Accepted once a model is set (:attr:`chosen`)."""

    def __init__(
        self, library: Library, pool: ThreadPoolExecutor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Better minutes with a local language model")
        self.setMinimumWidth(620)
        self.library, self.pool = library, pool
        #: the model file set by this dialog, once it is
        self.chosen: Path | None = None
        self._download: Task | None = None

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.models = QListWidget()
        self.models.setWordWrap(True)
        self.models.setTextElideMode(Qt.TextElideMode.ElideNone)
        for status in llm_models.list_llm(library.data, library.settings().llm_path()):
            spec = status.spec
            here = " (downloaded)" if status.downloaded else ""
            item = QListWidgetItem(f"{spec.title}{here}\n{llm_models.describe(spec)}\n{spec.note}")
            item.setData(Qt.ItemDataRole.UserRole, spec.name)
            item.setData(Qt.ItemDataRole.UserRole + 1, status.downloaded)
            self.models.addItem(item)
            if spec.name == llm_models.RECOMMENDED:
                self.models.setCurrentItem(item)
        self.models.currentItemChanged.connect(self._selected)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.hide()
        self.status = QLabel("Speeds are estimates for a 2-core laptop CPU; a GPU is faster.")
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)

        self.download_button = QPushButton("Download")
        self.download_button.setDefault(True)
        self.download_button.clicked.connect(self._download_or_cancel)
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.clicked.connect(self._choose_file)
        self.later_button = QPushButton("Not now")
        self.later_button.clicked.connect(self.not_now)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.download_button)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.models, 1)
        lay.addWidget(self.bar)
        lay.addWidget(self.status)
        lay.addLayout(buttons)
        self._selected()

    def _spec(self) -> llm_models.LlmSpec | None:
        item = self.models.currentItem()
        return llm_models.CATALOG[item.data(Qt.ItemDataRole.UserRole)] if item else None

    def _selected(self, *_: object) -> None:
        if self._download is not None:
            return
        item = self.models.currentItem()
        here = item is not None and bool(item.data(Qt.ItemDataRole.UserRole + 1))
        self.download_button.setText("Use" if here else "Download")
        self.download_button.setEnabled(item is not None)

    # -- download -----------------------------------------------------------
    def _download_or_cancel(self) -> None:
        if self._download is not None:
            self._download.abort()
            return
        spec, data = self._spec(), self.library.data
        if spec is None:
            return
        token = CancelToken()

        def work(progress: ProgressFn) -> Path:
            return llm_models.download_llm(spec.name, data, progress, token)

        task = self._download = Task(work, self, cancel=token)
        task.progress.connect(lambda f: self._progress(spec, f))
        task.done.connect(lambda path: self._use(path, f"{spec.title} will write the minutes."))
        task.failed.connect(lambda e: self._stopped(f"Download failed: {e}"))
        task.aborted.connect(
            lambda: self._stopped("Download cancelled; Download again continues where it stopped.")
        )
        self.bar.setValue(0)
        self.bar.show()
        self.download_button.setText("Cancel")
        self.choose_button.setEnabled(False)
        self.models.setEnabled(False)
        self.status.setText(f"Downloading {spec.file}…")
        task.start(self.pool)

    def _progress(self, spec: llm_models.LlmSpec, fraction: float) -> None:
        self.bar.setValue(int(fraction * 1000))
        self.status.setText(
            f"Downloading {spec.file}: {fraction * spec.size_mb:.0f} of {spec.size_mb} MB"
        )

    def _stopped(self, message: str) -> None:
        self._download = None
        self.bar.hide()
        self.choose_button.setEnabled(True)
        self.models.setEnabled(True)
        self._selected()
        self.status.setText(message)

    # -- choose -------------------------------------------------------------
    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a GGUF model", str(Path.home()), "GGUF models (*.gguf);;All files (*)"
        )
        if not name:
            return
        path = Path(name)
        if not llm_models.is_gguf(path):
            self.status.setText(f"{path.name} is not a GGUF model file.")
            return
        self._use(path, f"{path.name} will write the minutes.")

    # -- outcome ------------------------------------------------------------
    def _use(self, path: Path, message: str) -> None:
        """Set ``path`` as the minutes model: ``llm_model``, which ``Settings.llm_path()``
        (every reader's one rule) prefers."""
        self._download = None
        self.library.save_settings(replace(self.library.settings(), llm_model=str(path)))
        self.chosen = path
        self.status.setText(message)
        self.accept()

    def not_now(self) -> None:
        self.reject()

    def reject(self) -> None:
        """Not now, Esc or closing: a download stops (its part is kept to resume) and
        the answer is remembered, so the offer is not shown at every start."""
        if self._download is not None:
            self._download.abort()
        if self.chosen is None:
            settings = self.library.settings()
            self.library.save_settings(replace(settings, llm_prompt_dismissed=True))
        super().reject()
