"""Starting the app: `meetingapp` with no arguments opens the window, and work left
unfinished by an earlier run resumes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_data import JFK

from meetingapp import cli
from meetingapp.engine.whisper_models import FAST_MODEL
from meetingapp.store import jobs as jobstore
from meetingapp.store.db import open_db
from meetingapp.store.originals import sha256_of, store_original
from meetingapp.ui.app import run_app
from meetingapp.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_cli_does_not_load_qt() -> None:
    code = "import sys, meetingapp.cli; sys.exit('PySide6' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_no_arguments_means_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[str]] = []
    monkeypatch.setattr("meetingapp.ui.app.run_app", lambda argv: opened.append(argv) or 0)
    assert cli.main([]) == 0
    assert cli.main(["gui"]) == 0
    assert len(opened) == 2


def test_unfinished_job_resumes_at_start(qtbot: QtBot, ui_home: Path) -> None:
    db = open_db(ui_home)
    sha = sha256_of(JFK)
    stored = store_original(JFK, sha, ui_home)
    job_id = jobstore.create_job(
        db,
        str(JFK),
        jobstore.JobOptions(model=FAST_MODEL, language="en"),
        sha,
        str(stored.relative_to(ui_home)),
    )
    jobstore.update_job(db, job_id, status="running")  # as a crash would leave it

    def close_when_done() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        row = windows[0].queue.rows.get(job_id) if windows else None
        if row is not None and row.finished:
            windows[0].close()
        else:
            QTimer.singleShot(100, close_when_done)

    QTimer.singleShot(100, close_when_done)
    assert run_app(["meetingapp"]) == 0
    job = jobstore.get_job(db, job_id)
    assert job.status == "done" and job.meeting_id is not None
