"""File > Import…: the title, meeting type and language of the recordings chosen.

Without it every recording imported from the window became a "general" meeting
titled by its file name, in the language of the settings; only the CLI could say
``--title``, ``--type`` and ``--language``. A drop still imports at once (no
dialog in the way of a drag); a meeting can be renamed or retyped later.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.jobs import JobOptions
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.ui.settings_dialog import AUTO_LANGUAGE, LANGUAGES


class ImportDialog(QDialog):
    """Asks for what the CLI's ``transcribe`` options say, starting from ``options``
    (the settings' language); :meth:`options` is the user's choice."""

    def __init__(self, paths: list[Path], options: JobOptions, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.base = options
        one = len(paths) == 1 and paths[0].is_file()
        self.setWindowTitle("Import a recording" if one else "Import recordings")
        self.title = QLineEdit()
        if one:
            self.title.setPlaceholderText(paths[0].stem)
        else:  # one title for several meetings would make them indistinguishable
            self.title.setEnabled(False)
            self.title.setPlaceholderText("each is titled by its file name")
        self.type = QComboBox()
        self.type.addItems(MEETING_TYPES)
        self.type.setCurrentText(options.type)
        self.language = QComboBox()
        self.language.setEditable(True)
        self.language.addItem(AUTO_LANGUAGE)
        self.language.addItems(LANGUAGES)
        self.language.setCurrentText(options.language or AUTO_LANGUAGE)
        names = QLabel(", ".join(p.name for p in paths[:3]) + (" …" if len(paths) > 3 else ""))
        names.setObjectName("hint")
        names.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Type", self.type)
        form.addRow("Language", self.language)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(names)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.setMinimumWidth(420)

    def options(self) -> JobOptions:
        language = self.language.currentText().strip()
        return replace(
            self.base,
            title=self.title.text().strip() or None,
            type=self.type.currentText(),
            language=None if language in ("", AUTO_LANGUAGE) else language,
        )
