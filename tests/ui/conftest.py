"""Qt runs offscreen; each test gets its own data folder set to the fast model."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc  # noqa: E402
import shutil  # noqa: E402 - the platform must be chosen before Qt loads
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from ui_data import JFK, STANDUP  # noqa: E402

from meetingapp.config import Settings  # noqa: E402
from meetingapp.engine.jobs import JobRunner  # noqa: E402
from meetingapp.engine.whisper_models import FAST_MODEL  # noqa: E402
from meetingapp.store.jobs import JobOptions  # noqa: E402
from meetingapp.ui.main_window import CloseChoice, MainWindow  # noqa: E402


def fast_settings(data: Path) -> None:
    data.mkdir(parents=True, exist_ok=True)
    # the minutes-model offer is tested on its own (test_ui_llm_prompt.py)
    Settings(asr_model=FAST_MODEL, language="en", llm_prompt_dismissed=True).save(data)


@pytest.fixture
def ui_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("MEETINGAPP_HOME", str(data))
    fast_settings(data)
    return data


def transcribe(data: Path, clip: Path, title: str) -> None:
    """Add ``clip`` to the library in ``data`` through the real engine."""
    engine = JobRunner(data)
    sub = engine.submit(clip, JobOptions(model=FAST_MODEL, language="en", title=title))
    assert sub.job_id is not None
    engine.wait([sub.job_id], timeout=300)
    engine.shutdown()


def processed(tmp_path_factory: pytest.TempPathFactory, clip: Path, title: str) -> Path:
    data = tmp_path_factory.mktemp("processed") / "data"
    fast_settings(data)
    transcribe(data, clip, title)
    return data


@pytest.fixture(scope="session")
def processed_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding JFK transcribed once by the real engine (copied per test)."""
    return processed(tmp_path_factory, JFK, "JFK")


@pytest.fixture(scope="session")
def standup_processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-voice standup, processed once: speakers, minutes and the search index."""
    return processed(tmp_path_factory, STANDUP, "Team standup")


@pytest.fixture(scope="session")
def two_meetings_processed(
    standup_processed: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The standup and JFK in one library: two meetings, each with a "Speaker 1" of
    its own (who are not the same person)."""
    data = tmp_path_factory.mktemp("two-meetings") / "data"
    shutil.copytree(standup_processed, data)
    transcribe(data, JFK, "JFK")
    return data


@pytest.fixture
def meeting_home(processed_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(processed_home, data)
    monkeypatch.setenv("MEETINGAPP_HOME", str(data))
    return data


@pytest.fixture
def standup_home(standup_processed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(standup_processed, data)
    monkeypatch.setenv("MEETINGAPP_HOME", str(data))
    return data


@pytest.fixture
def two_meetings_home(
    two_meetings_processed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    data = tmp_path / "data"
    shutil.copytree(two_meetings_processed, data)
    monkeypatch.setenv("MEETINGAPP_HOME", str(data))
    return data


@pytest.fixture(autouse=True)
def collect_garbage() -> None:
    """Finalise earlier tests' objects now, while no engine thread is working."""
    gc.collect()


def make_window(qtbot: QtBot, data: Path) -> Iterator[MainWindow]:
    engine = JobRunner(data)
    window = MainWindow(engine)
    window.confirm_close = lambda _n: CloseChoice.CANCEL_JOBS
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    engine.shutdown(cancel=True)


@pytest.fixture
def window(qtbot: QtBot, ui_home: Path) -> Iterator[MainWindow]:
    yield from make_window(qtbot, ui_home)


@pytest.fixture
def meeting_window(qtbot: QtBot, meeting_home: Path) -> Iterator[MainWindow]:
    yield from make_window(qtbot, meeting_home)


@pytest.fixture
def standup_window(qtbot: QtBot, standup_home: Path) -> Iterator[MainWindow]:
    yield from make_window(qtbot, standup_home)


@pytest.fixture
def two_meetings_window(qtbot: QtBot, two_meetings_home: Path) -> Iterator[MainWindow]:
    yield from make_window(qtbot, two_meetings_home)


@pytest.fixture(autouse=True)
def audio_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test machines have no sound card; the meeting view plays as if they had one
    (the FFmpeg backend runs without a device). tests/ui/test_ui_devices.py takes it away."""
    from meetingapp.ui import meeting_view

    monkeypatch.setattr(meeting_view, "has_audio_output", lambda: True)
