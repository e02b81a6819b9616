"""Recording from the window: no inputs gives a clear message; a session becomes a meeting."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from ui_data import JFK, db_of

from meetingapp.engine.audio import load_audio
from meetingapp.engine.recording.source import ArraySource
from meetingapp.store import jobs as jobstore
from meetingapp.store.meetings import list_meetings, load_segments
from meetingapp.ui import recorder as rec
from meetingapp.ui.main_window import MainWindow


def test_no_input_devices_says_so(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rec, "list_input_devices", lambda refresh=False: [])
    window.record_dialog()
    qtbot.waitUntil(lambda: window.record_box is not None and window.record_box.isVisible())
    assert window.record_box.text() == rec.NO_DEVICES
    assert window.recording.record_action.isEnabled() and not window.recorder.active


def test_record_pause_stop_then_import(qtbot: QtBot, window: MainWindow) -> None:
    audio = load_audio(JFK)
    source = ArraySource(audio.samples, realtime=True)
    texts: list[str] = []
    window.recorder.text.connect(lambda t: texts.append(t.text))
    window.start_recording(None, auto=False, live=True, source=source)
    ui = window.recording
    assert window.recorder.active and not ui.record_action.isEnabled()
    assert ui.stop_action.isVisible() and ui.live.isVisibleTo(window)
    qtbot.waitUntil(lambda: window.recorder.last is not None, timeout=30_000)
    qtbot.waitUntil(lambda: "Recording" in ui.label.text(), timeout=10_000)
    assert "dB" in ui.label.text() and "session" in ui.label.text()
    ui.toggle_pause()
    assert window.recorder.paused and ui.label.text().startswith("Paused")
    ui.toggle_pause()
    assert not window.recorder.paused
    qtbot.waitUntil(lambda: window.recorder.last.recording_s > 6, timeout=30_000)
    with qtbot.waitSignal(window.recorder.finished, timeout=60_000) as sig:
        ui.stop_action.trigger()
    result: rec.RecordResult = sig.args[0]
    assert len(result.job_ids) == 1 and result.problem is None
    assert not window.recorder.active and ui.record_action.isEnabled()
    assert not ui.label.isVisibleTo(window)
    assert result.job_ids[0] in window.queue.rows
    assert texts and "fellow americans" in ui.live.toPlainText().lower()

    window.engine.wait(result.job_ids, timeout=300)
    assert jobstore.get_job(db_of(window), result.job_ids[0]).status == "done"
    [meeting] = list_meetings(db_of(window))
    assert meeting.title.startswith("Recording ")
    assert 6 < meeting.duration < 11.5
    assert load_segments(db_of(window), meeting.id)
