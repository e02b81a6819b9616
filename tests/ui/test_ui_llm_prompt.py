"""The first-run offer of a minutes model: shown once, downloads off the GUI thread with
progress and Cancel (resumed later), Choose file…, and Not now remembered."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import make_window
from llm_hub import Hub, gguf_bytes, running_hub
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from meetingapp.config import Settings
from meetingapp.engine import llm_models
from meetingapp.engine.llm_models import CATALOG, local_path
from meetingapp.library import Library
from meetingapp.ui.llm_prompt import LlmPromptDialog, needs_offer, offer_minutes_model

SIZE = 4 << 20


def offered(home: Path) -> Path:
    """The UI tests' data folder turns the offer down up front; a first run has not."""
    dataclasses.replace(Settings.load(home), llm_prompt_dismissed=False).save(home)
    return home


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    p = ThreadPoolExecutor(max_workers=2)
    yield p
    p.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    with running_hub() as h:
        monkeypatch.setenv("HF_ENDPOINT", h.url)
        yield h


def test_download_shows_progress_cancels_resumes_and_sets(
    qtbot: QtBot, ui_home: Path, pool: ThreadPoolExecutor, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = gguf_bytes(SIZE)
    spec = dataclasses.replace(
        CATALOG[llm_models.RECOMMENDED], sha256=hashlib.sha256(content).hexdigest(), size_mb=4
    )
    monkeypatch.setitem(CATALOG, spec.name, spec)
    hub.serve(spec, content)
    hub.pace = 0.02  # ~3 MB/s: slow enough to cancel midway
    library = Library(offered(ui_home))
    dialog = offer_minutes_model(library, pool, None)
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    assert dialog.models.currentItem().data(Qt.ItemDataRole.UserRole) == llm_models.RECOMMENDED
    assert "Apache-2.0" in dialog.models.currentItem().text()

    dialog.download_button.click()
    assert dialog.download_button.text() == "Cancel"  # the GUI thread is free meanwhile
    qtbot.waitUntil(lambda: dialog.bar.value() > 0, timeout=10_000)
    assert "of 4 MB" in dialog.status.text()
    dialog.download_button.click()
    qtbot.waitUntil(lambda: "cancelled" in dialog.status.text(), timeout=10_000)
    part = local_path(spec, ui_home).with_name(spec.file + ".part")
    kept = part.stat().st_size
    assert 0 < kept < SIZE and dialog.download_button.text() == "Download"
    assert Settings.load(ui_home).llm_path() is None and dialog.isVisible()

    hub.pace = 0.0
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.download_button.click()
    assert hub.ranges == [f"bytes={kept}-"]
    dest = local_path(spec, ui_home)
    assert dest.read_bytes() == content
    assert Settings.load(ui_home).llm_path() == dest == dialog.chosen
    assert not needs_offer(Settings.load(ui_home))


def test_a_failed_download_says_why_and_sets_nothing(
    qtbot: QtBot, ui_home: Path, pool: ThreadPoolExecutor, hub: Hub
) -> None:
    hub.serve(CATALOG[llm_models.RECOMMENDED], gguf_bytes(1 << 16))  # not the published file
    dialog = LlmPromptDialog(Library(ui_home), pool)
    qtbot.addWidget(dialog)
    dialog.download_button.click()
    qtbot.waitUntil(lambda: "Download failed" in dialog.status.text(), timeout=10_000)
    assert "checksum mismatch" in dialog.status.text()
    assert dialog.download_button.text() == "Download" and dialog.models.isEnabled()
    assert Settings.load(ui_home).llm_path() is None


def test_choose_file_takes_only_a_gguf(
    qtbot: QtBot, ui_home: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong, right = ui_home / "notes.gguf", ui_home / "mine.gguf"
    wrong.write_text("not a model")
    right.write_bytes(gguf_bytes(64))
    picks = iter([str(wrong), str(right)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (next(picks), ""))
    dialog = LlmPromptDialog(Library(ui_home), pool)
    qtbot.addWidget(dialog)
    dialog.choose_button.click()
    assert "not a GGUF model file" in dialog.status.text()
    assert Settings.load(ui_home).llm_path() is None
    dialog.choose_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert Settings.load(ui_home).llm_path() == right


def test_not_now_is_remembered(qtbot: QtBot, ui_home: Path, pool: ThreadPoolExecutor) -> None:
    library = Library(offered(ui_home))
    assert needs_offer(library.settings())
    dialog = offer_minutes_model(library, pool, None)
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.later_button.click()
    assert not dialog.isVisible()
    saved = Settings.load(ui_home)
    assert saved.llm_prompt_dismissed and saved.llm_path() is None
    assert saved.asr_model == "tiny.en"  # the other settings are kept
    assert offer_minutes_model(library, pool, None) is None


def test_a_model_already_set_is_not_offered(ui_home: Path, pool: ThreadPoolExecutor) -> None:
    Settings(model_paths={"llm": str(ui_home / "m.gguf")}).save(ui_home)
    assert offer_minutes_model(Library(ui_home), pool, None) is None


def test_the_window_offers_it_at_first_start_and_in_the_file_menu(
    qtbot: QtBot, ui_home: Path
) -> None:
    offered(ui_home)
    for window in make_window(qtbot, ui_home):
        window.start()
        assert window.llm_prompt is not None and window.llm_prompt.isVisible()
        window.llm_prompt.later_button.click()
        menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
        (item,) = [a for a in menu.actions() if a.text() == "&Minutes model…"]
        item.trigger()  # still there after "Not now"
        assert window.llm_prompt.isVisible()
        window.llm_prompt.reject()
