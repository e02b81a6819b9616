"""Issue 17 items 3 and 6: a failed job stays in the queue panel, across a restart, with
its one-line error, Retry and Dismiss; a duplicate import is a note that stays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_ui_import_and_jobs import drop
from ui_data import JFK, db_of

from meetingapp.engine.jobs import JobEvent, JobRunner
from meetingapp.engine.whisper_models import FAST_MODEL
from meetingapp.store import jobs as jobstore
from meetingapp.store.db import open_db
from meetingapp.store.originals import sha256_of, store_original
from meetingapp.ui.main_window import CloseChoice, MainWindow
from meetingapp.ui.problems import RETRY_HINT

ERROR = "weekly.flac: cannot load Whisper model tiny.en: CUDA failed (no CUDA driver)"


def failed_job(data: Path, source: Path, keep_copy: bool = True) -> int:
    """A job an earlier run left failed, as the job table keeps it."""
    db = open_db(data)
    sha = sha256_of(source)
    stored = store_original(source, sha, data) if keep_copy else data / "originals" / "gone.flac"
    job_id = jobstore.create_job(
        db,
        str(source),
        jobstore.JobOptions(model=FAST_MODEL, language="en"),
        sha,
        str(stored.relative_to(data)),
    )
    jobstore.update_job(db, job_id, status="failed", error=ERROR)
    db.close()
    return job_id


@pytest.fixture
def restarted(
    request: pytest.FixtureRequest, ui_home: Path, tmp_path: Path
) -> tuple[MainWindow, int]:
    """The window started again after a run whose job failed (the user still has the
    file; the library kept its copy)."""
    source = tmp_path / "weekly.flac"
    shutil.copy(JFK, source)
    job_id = failed_job(ui_home, source)
    return request.getfixturevalue("window"), job_id


def test_a_failed_row_fits_the_panel(qtbot: QtBot, ui_home: Path, tmp_path: Path) -> None:
    """A long file name and a long error once pushed Retry out of the panel."""
    source = tmp_path / "2412-153948-0000 weekly planning call, second half.flac"
    shutil.copy(JFK, source)
    job_id = failed_job(ui_home, source)
    window = MainWindow(JobRunner(ui_home))
    window.confirm_close = lambda _n: CloseChoice.CANCEL_JOBS
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.wait(50)
    row = window.queue.rows[job_id]
    panel = window.library_page.widget(1)  # the queue's scroll area
    right = row.retry_button.mapTo(panel, row.retry_button.rect().topRight()).x()
    assert right < panel.width()
    assert row.name.text().endswith(".flac") and "…" in row.name.text()
    window.close()


def test_failed_job_is_kept_across_a_restart(restarted: tuple[MainWindow, int]) -> None:
    window, job_id = restarted
    row = window.queue.rows[job_id]
    assert row.isVisible() and row.status == "failed"
    assert row.name.text() == "weekly.flac"
    assert row.stage.text() == ERROR and row.stage.property("error") is True
    assert row.retry_button.isVisible() and row.dismiss_button.isVisible()
    assert not row.button.isVisible()  # no Cancel for a job that is not running
    window.queue.clear_finished()  # it waits for a decision: not cleared
    assert job_id in window.queue.rows


def test_retry_runs_the_job_again(qtbot: QtBot, restarted: tuple[MainWindow, int]) -> None:
    window, job_id = restarted
    row = window.queue.rows[job_id]
    with qtbot.waitSignal(
        window.bridge.job_event,
        timeout=300_000,
        check_params_cb=lambda e: e.job_id == job_id and e.status == "done",
    ):
        qtbot.mouseClick(row.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: row.button.text() == "Cancel", timeout=10_000)
        assert row.button.isVisible() and not row.retry_button.isVisible()
        assert not row.dismiss_button.isVisible() and row.stage.property("error") is False
    assert row.button.text() == "Open" and row.stage.text() == "Done"
    job = jobstore.get_job(db_of(window), job_id)
    assert job.status == "done" and job.error is None
    assert window.model.rowCount() == 1


def test_retry_when_the_file_is_gone(
    qtbot: QtBot, request: pytest.FixtureRequest, ui_home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "weekly.flac"
    shutil.copy(JFK, source)
    job_id = failed_job(ui_home, source, keep_copy=False)
    source.unlink()
    window: MainWindow = request.getfixturevalue("window")
    row = window.queue.rows[job_id]
    qtbot.mouseClick(row.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "the file is gone" in row.stage.text(), timeout=10_000)
    assert row.stage.text() == (
        f"{source}: cannot retry: the file is gone (moved or deleted) and no copy of it was kept"
    )
    assert row.retry_button.isVisible() and row.retry_button.isEnabled()  # nothing changed
    assert window.problems.box is not None and window.problems.box.isVisible()
    assert window.problems.box.windowTitle() == "Problems"
    assert jobstore.get_job(db_of(window), job_id).status == "failed"


def test_dismiss_forgets_the_job(qtbot: QtBot, restarted: tuple[MainWindow, int]) -> None:
    window, job_id = restarted
    qtbot.mouseClick(window.queue.rows[job_id].dismiss_button, Qt.MouseButton.LeftButton)
    assert job_id not in window.queue.rows
    assert window.queue.empty.isVisible()
    assert jobstore.list_jobs(db_of(window)) == []


def test_a_failure_points_to_retry(qtbot: QtBot, window: MainWindow) -> None:
    window.queue.add_job(7, "/recordings/weekly.flac")
    window.job_sources[7] = "/recordings/weekly.flac"
    window._on_job_event(JobEvent(7, "failed", None, 0.0, error=ERROR))
    box = window.problems.box
    assert box is not None and box.text() == ERROR and box.informativeText() == RETRY_HINT
    qtbot.waitUntil(window.queue.rows[7].retry_button.isVisible)


def test_duplicate_import_note_stays(qtbot: QtBot, meeting_window: MainWindow) -> None:
    window = meeting_window
    with qtbot.waitSignal(window.bridge.import_duplicate, timeout=30_000):
        assert drop(window, [JFK])
    (notice,) = window.queue.notices
    assert notice.text.text() == "jfk.flac is already in the library as “JFK”"
    window.statusBar().showMessage("something else happened", 1000)  # the next message
    qtbot.wait(50)
    assert notice.isVisible()
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.meeting_view
    qtbot.mouseClick(notice.close_button, Qt.MouseButton.LeftButton)
    assert window.queue.notices == []
