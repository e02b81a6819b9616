"""Only devices that work are offered: no GPU item without a CUDA GPU, a job set to
"cuda" on a CPU-only machine runs on the CPU, and no playback without a sound card."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from pytestqt.qtbot import QtBot
from ui_data import JFK

from meetingapp.config import Settings
from meetingapp.domain.jobs import JobOptions
from meetingapp.engine import asr
from meetingapp.engine.cuda import cuda
from meetingapp.engine.jobs import JobRunner
from meetingapp.engine.whisper_models import FAST_MODEL
from meetingapp.library import Library
from meetingapp.ui import meeting_view, settings_dialog
from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.meeting_view import MeetingView
from meetingapp.ui.settings_dialog import NO_GPU, SettingsDialog


def gpu_item_enabled(dialog: SettingsDialog) -> bool:
    return bool(dialog.device.model().item(dialog.device.findData("cuda")).isEnabled())


def test_no_gpu_means_no_gpu_choice(
    qtbot: QtBot, window: MainWindow, ui_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_dialog, "cuda_devices", lambda: 0)
    settings = Settings(asr_model=FAST_MODEL, language="en", device="cuda")
    dialog = SettingsDialog(window.library, settings, window.pool, window)
    qtbot.addWidget(dialog)
    assert not gpu_item_enabled(dialog)
    gpu = dialog.device.findData("cuda")
    assert dialog.device.itemData(gpu, Qt.ItemDataRole.ToolTipRole) == (cuda().reason or NO_GPU)
    # A settings.json from a machine with a GPU: the dialog shows what will happen.
    assert dialog.device.currentData() == "auto"
    assert not dialog.device_note.isHidden()
    assert "CPU" in dialog.device_note.text()


def test_gpu_is_offered_when_there_is_one(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_dialog, "cuda_devices", lambda: 1)
    settings = Settings(asr_model=FAST_MODEL, language="en", device="cuda")
    dialog = SettingsDialog(window.library, settings, window.pool, window)
    qtbot.addWidget(dialog)
    assert gpu_item_enabled(dialog)
    assert dialog.device.currentData() == "cuda"
    assert dialog.device_note.isHidden()


def test_cuda_job_without_a_gpu_runs_on_the_cpu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(asr, "cuda_devices", lambda: 0)
    monkeypatch.setattr(asr, "_cache", {})  # the model is loaded (and the notice said) here
    data = tmp_path / "data"
    data.mkdir()
    Settings(asr_model=FAST_MODEL, language="en", device="cuda").save(data)
    engine = JobRunner(data)
    try:
        with caplog.at_level(logging.WARNING, logger="meetingapp.engine.asr"):
            sub = engine.submit(JFK, JobOptions(model=FAST_MODEL, language="en", title="JFK"))
            assert sub.job_id is not None
            engine.wait([sub.job_id], timeout=300)
        job = Library(data, engine).job(sub.job_id)
        assert job.status == "done", job
        assert job.meeting_id is not None
        text = " ".join(s.text for s in Library(data, engine).segments(job.meeting_id))
        assert "country" in text.lower()
    finally:
        engine.shutdown()
    notices = [r.getMessage() for r in caplog.records if r.name == "meetingapp.engine.asr"]
    assert notices == [asr.no_cuda_notice()]


def open_first(window: MainWindow) -> MeetingView:
    window.open_meeting(window.library.meetings()[0].id)
    return window.meeting_view


def test_no_audio_output_turns_playback_off(
    qtbot: QtBot, meeting_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(meeting_view, "has_audio_output", lambda: False)
    view = open_first(meeting_window)
    assert not view.no_audio.isHidden()
    assert view.no_audio.text() == meeting_view.NO_AUDIO
    assert not view.play_button.isEnabled()
    assert not view.back_button.isEnabled() and not view.forward_button.isEnabled()
    row = len(view.transcript.segments) - 1
    qtbot.mouseClick(
        view.transcript.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.transcript.row_rect(row).center(),
    )
    view.toggle_play()
    qtbot.wait(500)
    # Nothing pretends to play: no clock running, no word lit.
    assert view.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState
    assert view.transcript.model_.current_word is None
    assert view.clock.text().startswith("00:00 /")


def test_skip_five_seconds(qtbot: QtBot, meeting_window: MainWindow) -> None:
    view = open_first(meeting_window)
    assert view.no_audio.isHidden() and view.play_button.isEnabled()
    qtbot.waitUntil(lambda: view._loaded, timeout=10_000)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.waveform.position == pytest.approx(5.0, abs=0.1)
    view.forward_button.click()
    assert view.waveform.position == pytest.approx(10.0, abs=0.1)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.waveform.position == pytest.approx(5.0, abs=0.1)
    view.back_button.click()
    view.back_button.click()
    assert view.waveform.position == 0.0  # never before the start
    for _ in range(5):
        view.forward_button.click()
    assert view.meeting is not None
    assert view.waveform.position == pytest.approx(view.meeting.duration)  # nor past the end
    assert dict(meeting_window.shortcuts())["Left / Right"] == "In a meeting: back / forward 5 s"
