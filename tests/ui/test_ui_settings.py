"""The settings dialog saves what the engine reads; a chosen data folder applies next start."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from meetingapp.config import Settings, data_dir, set_data_dir
from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.settings_dialog import SettingsDialog


def test_settings_dialog_saves_choices(qtbot: QtBot, window: MainWindow, ui_home: Path) -> None:
    dialog = SettingsDialog(window.library, window.engine.settings, window.pool, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.count() > 0, timeout=60_000)
    installed = [dialog.model.itemData(i) for i in range(dialog.model.count())]
    assert {"tiny.en", "base"} <= set(installed)  # the model packs in the environment
    assert dialog.download_choice.count() > 0  # catalog models not installed yet
    assert dialog.folder.text() == str(ui_home)
    dialog.model.setCurrentIndex(installed.index("base"))
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.language.setCurrentText("de")
    dialog.accept()
    saved = Settings.load(ui_home)
    assert (saved.asr_model, saved.device, saved.language) == ("base", "cpu", "de")


def test_chosen_data_folder_applies_at_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEETINGAPP_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    default = data_dir()
    set_data_dir(tmp_path / "elsewhere")
    assert data_dir() == tmp_path / "elsewhere" != default
    monkeypatch.setenv("MEETINGAPP_HOME", str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"


def test_saving_the_dialog_keeps_every_setting_it_does_not_show(
    qtbot: QtBot, window: MainWindow, ui_home: Path
) -> None:
    before = Settings(
        asr_model="tiny.en",
        live_model="base",
        model_paths={"llm": str(ui_home / "model.gguf"), "asr": "/models/whisper"},
        llm_model=str(ui_home / "minutes.gguf"),
        device="cpu",
        workers=2,
        batch_size=8,
    )
    before.save(ui_home)
    dialog = SettingsDialog(window.library, Settings.load(ui_home), window.pool, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.count() > 0, timeout=60_000)
    dialog.language.setCurrentText("fr")
    dialog.accept()
    after = Settings.load(ui_home)
    assert after.language == "fr"
    assert replace(after, language=None) == replace(before, language=None)
