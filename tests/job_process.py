"""A `meetingapp transcribe` in another process, and its job as the database shows it:
for the tests of what two processes, or a killed one, do to one library."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaldata import ROOT


def start_transcribe(home: Path, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "meetingapp", "transcribe", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "MEETINGAPP_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def job_row(home: Path, job_id: int = 1) -> dict[str, Any] | None:
    """The job's row, read-only; None while the database or the job does not exist."""
    try:
        con = sqlite3.connect(f"file:{home / 'meetings.db'}?mode=ro", uri=True, timeout=5)
        try:
            con.row_factory = sqlite3.Row
            row = con.execute("SELECT * FROM jobs WHERE id = ?", [job_id]).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return dict(row) if row else None


def wait_for_job(
    proc: subprocess.Popen[str],
    home: Path,
    until: Callable[[dict[str, Any]], bool],
    job_id: int = 1,
    timeout: float = 120,
) -> dict[str, Any]:
    """Poll the job until ``until(row)`` holds; fails if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while True:
        row = job_row(home, job_id)
        if row is not None and until(row):
            return row
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
