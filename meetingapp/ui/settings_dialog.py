"""Settings: data folder, Whisper model (with downloads), device and language."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
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
    QVBoxLayout,
    QWidget,
)

from meetingapp.config import Settings, set_data_dir
from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.asr import cuda_devices
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.cuda import cuda
from meetingapp.engine.whisper_models import CATALOG, ModelStatus, download_whisper, list_whisper
from meetingapp.library import Library
from meetingapp.ui.bridge import Task

DEVICES = (("auto", "Automatic"), ("cpu", "CPU"), ("cuda", "GPU (CUDA)"))
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "ja", "zh")
AUTO_LANGUAGE = "Auto-detect"
NO_GPU = "no CUDA GPU found"


class SettingsDialog(QDialog):
    def __init__(
        self,
        library: Library,
        settings: Settings,
        pool: ThreadPoolExecutor,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self.library, self.settings, self.pool = library, settings, pool
        data = self.data = library.data
        self.new_data_dir: Path | None = None
        self._download: Task | None = None

        self.folder = QLineEdit(str(data))
        self.folder.setReadOnly(True)
        change = QPushButton("Change…")
        change.clicked.connect(self._choose_data_dir)
        self.folder_note = QLabel()
        self.folder_note.setObjectName("hint")
        self.folder_note.setWordWrap(True)
        if os.environ.get("MEETINGAPP_HOME"):
            change.setEnabled(False)
            self.folder_note.setText("Set by the MEETINGAPP_HOME environment variable.")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(change)

        self.model = QComboBox()
        self.model.setMinimumWidth(260)
        own = QPushButton("Choose folder…")
        own.clicked.connect(self._choose_model_dir)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(own)
        self.download_choice = QComboBox()
        self.download_button = QPushButton("Download")
        self.download_button.clicked.connect(self._download_or_cancel)
        self.download_bar = QProgressBar()
        self.download_bar.setRange(0, 1000)
        self.download_bar.hide()
        download_row = QHBoxLayout()
        download_row.addWidget(self.download_choice, 1)
        download_row.addWidget(self.download_button)
        self.model_note = QLabel("Looking for installed models…")
        self.model_note.setObjectName("hint")
        self.model_note.setWordWrap(True)

        self.device = QComboBox()
        for key, label in DEVICES:
            self.device.addItem(label, key)
        self.device_note = QLabel()
        self.device_note.setObjectName("hint")
        self.device_note.setWordWrap(True)
        self.device_note.hide()
        chosen = settings.device if settings.device in dict(DEVICES) else "auto"
        if cuda_devices() == 0:
            # Offer only what works here: the GPU item stays, greyed out, saying why.
            gpu = self.device.findData("cuda")
            model = self.device.model()
            assert isinstance(model, QStandardItemModel)
            item = model.item(gpu)
            assert item is not None
            item.setEnabled(False)
            why = cuda().reason or NO_GPU
            self.device.setItemData(gpu, why, Qt.ItemDataRole.ToolTipRole)
            if chosen == "cuda":
                chosen = "auto"
                self.device_note.setText(f"GPU (CUDA) was chosen, but {why}: jobs run on the CPU.")
                self.device_note.show()
        self.device.setCurrentIndex(max(0, self.device.findData(chosen)))
        self.language = QComboBox()
        self.language.setEditable(True)
        self.language.addItem(AUTO_LANGUAGE)
        self.language.addItems(LANGUAGES)
        self.language.setCurrentText(settings.language or AUTO_LANGUAGE)

        form = QFormLayout()
        form.addRow("Data folder", folder_row)
        form.addRow("", self.folder_note)
        form.addRow("Whisper model", model_row)
        form.addRow("Get a model", download_row)
        form.addRow("", self.download_bar)
        form.addRow("", self.model_note)
        form.addRow("Device", self.device)
        form.addRow("", self.device_note)
        form.addRow("Language", self.language)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self._refresh_models()

    # -- models -------------------------------------------------------------
    def _refresh_models(self) -> None:
        # Finding the packs reads model files: not on the GUI thread.
        data = self.data
        task = Task(lambda _p: list_whisper(data), self)
        self._run(task)
        task.done.connect(self._show_models)
        task.failed.connect(self.model_note.setText)

    def _run(self, task: Task) -> None:
        task.start(self.pool)

    def _show_models(self, models: list[ModelStatus]) -> None:
        current = self.settings.asr_model
        self.model.clear()
        for m in models:
            if m.available:
                lang = "multilingual" if m.multilingual else "English only"
                self.model.addItem(f"{m.name} ({lang}, {m.size_mb} MB)", m.name)
        if current not in CATALOG:
            self.model.addItem(current, current)
        self.model.setCurrentIndex(max(0, self.model.findData(current)))
        self.download_choice.clear()
        for m in models:
            if not m.available and CATALOG[m.name].repo:
                self.download_choice.addItem(f"{m.name} ({m.size_mb} MB)", m.name)
        has = self.download_choice.count() > 0
        self.download_choice.setEnabled(has)
        self.download_button.setEnabled(has)
        self.model_note.setText(
            "Installed packs and downloaded models work offline. Downloading needs internet once."
        )

    def _choose_model_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Whisper model folder (CTranslate2)")
        if folder:
            self.model.addItem(folder, folder)
            self.model.setCurrentIndex(self.model.count() - 1)

    def _download_or_cancel(self) -> None:
        if self._download is not None:
            self._download.abort()
            return
        name, data = self.download_choice.currentData(), self.data
        token = CancelToken()

        def work(progress: ProgressFn) -> str:
            return download_whisper(name, data, progress, token).name

        task = self._download = Task(work, self, cancel=token)
        task.progress.connect(lambda f: self.download_bar.setValue(int(f * 1000)))
        task.done.connect(lambda n: self._download_finished(f"Downloaded {n}.", n))
        task.failed.connect(lambda e: self._download_finished(f"Download failed: {e}", None))
        task.aborted.connect(lambda: self._download_finished("Download cancelled.", None))
        self.download_bar.setValue(0)
        self.download_bar.show()
        self.download_button.setText("Cancel")
        self.model_note.setText(f"Downloading {name}…")
        self._run(task)

    def _download_finished(self, message: str, name: str | None) -> None:
        self._download = None
        self.download_button.setText("Download")
        self.download_bar.hide()
        if name is not None:
            self.settings.asr_model = name
            self._refresh_models()
        self.model_note.setText(message)

    # -- data folder --------------------------------------------------------
    def _choose_data_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Data folder", str(self.data))
        if folder and Path(folder) != self.data:
            self.new_data_dir = Path(folder)
            self.folder.setText(folder)
            self.folder_note.setText("The new data folder is used from the next start.")

    # -- result -------------------------------------------------------------
    def chosen(self) -> Settings:
        """The settings as edited in the dialog; every setting it does not show is
        kept as it was (a fresh ``Settings`` here once erased the language model)."""
        lang = self.language.currentText().strip()
        return replace(
            self.settings,
            asr_model=self.model.currentData() or self.settings.asr_model,
            model_paths=dict(self.settings.model_paths),
            language=None if lang in ("", AUTO_LANGUAGE) else lang,
            device=self.device.currentData(),
        )

    def accept(self) -> None:
        if self._download is not None:
            self._download.abort()
        self.library.save_settings(self.chosen())
        if self.new_data_dir is not None:
            set_data_dir(self.new_data_dir)
        super().accept()

    def reject(self) -> None:
        if self._download is not None:
            self._download.abort()
        super().reject()
