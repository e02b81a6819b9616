"""Background jobs: queueing, cancelling, and resuming after a crash or a kill."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest
from evaldata import JFK, LIBRI, STANDUP
from job_process import job_row, start_transcribe, wait_for_job

from meetingapp.engine.jobs import JobEvent, JobRunner
from meetingapp.engine.pipeline import Stage, default_stages
from meetingapp.store import jobs as jobstore
from meetingapp.store.meetings import list_meetings, load_segments

TINY = jobstore.JobOptions(model="tiny.en")


def test_killed_process_resumes_without_duplicates(home: Path, cli) -> None:
    proc = start_transcribe(home, STANDUP, "--model", "tiny.en")
    wait_for_job(proc, home, lambda row: row["stage"] == "transcribe")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    row = job_row(home)
    assert row is not None and row["status"] == "running" and row["meeting_id"] is None

    r = cli("jobs", "resume")
    assert r.code == 0, r.err
    assert "job 1: done → meeting 1" in r.out
    row = job_row(home)
    assert row is not None and row["status"] == "done" and row["attempts"] == 2
    con = sqlite3.connect(home / "meetings.db")
    assert con.execute("SELECT COUNT(*) FROM meetings").fetchone()[0] == 1
    segs = con.execute("SELECT start, text FROM segments").fetchall()
    assert len(segs) >= 5 and len(segs) == len(set(segs))
    assert "offline sync" in " ".join(t for _, t in segs).lower()
    # a second resume has nothing left to do and adds nothing
    assert cli("jobs", "resume").code == 0
    assert con.execute("SELECT COUNT(*) FROM meetings").fetchone()[0] == 1


class Crash(BaseException):
    """Stands for the process dying: not an error the engine handles."""


def test_resume_skips_finished_stages(home: Path) -> None:
    def crashing() -> list[Stage]:
        def crash(ctx, progress, cancel):
            raise Crash()

        return [*default_stages(), Stage("after-transcribe", 0.1, crash)]

    engine = JobRunner(home, stages=crashing)
    job_id = engine.submit(LIBRI, TINY).job_id
    assert job_id is not None
    with pytest.raises(Crash):
        engine.wait([job_id])
    assert jobstore.get_job(engine.db, job_id).status == "running"
    engine.close()  # the process is gone: its lease with it

    calls: list[str] = []

    def counting() -> list[Stage]:
        stages = default_stages()
        for st in stages:
            st.run = (lambda f, n: lambda *a: (calls.append(n), f(*a))[1])(st.run, st.name)
        return stages

    engine = JobRunner(home, stages=counting)
    assert engine.resume_unfinished() == [job_id]
    engine.wait([job_id])
    engine.shutdown()
    job = jobstore.get_job(engine.db, job_id)
    assert job.status == "done" and job.attempts == 2
    assert calls == []  # decode, VAD and transcription were all reused
    artifacts = jobstore.load_artifacts(engine.db, job_id)
    assert artifacts["transcribe"][0] == 1
    assert len(list_meetings(engine.db)) == 1
    assert "antecedents" in " ".join(s.text for s in load_segments(engine.db, job.meeting_id))


def test_queue_several_files_and_cancel_one(home: Path) -> None:
    engine = JobRunner(home, workers=1)
    events: list[JobEvent] = []
    engine.add_listener(events.append)
    first = engine.submit(STANDUP, TINY).job_id
    second = engine.submit(JFK, TINY).job_id
    third = engine.submit(LIBRI, TINY).job_id
    assert first and second and third
    engine.cancel(second)  # still queued behind the first
    engine.wait([first, second, third])
    engine.shutdown()
    status = {j.id: j.status for j in jobstore.list_jobs(engine.db)}
    assert status == {first: "done", second: "cancelled", third: "done"}
    assert len(list_meetings(engine.db)) == 2
    progress = [e.progress for e in events if e.job_id == first and e.status == "running"]
    assert progress == sorted(progress) and progress[-1] == 1.0
    stages = {e.stage for e in events if e.job_id == first}
    assert {"decode", "vad", "transcribe", "done"} <= stages


def test_cancel_running_job(home: Path) -> None:
    engine = JobRunner(home)
    started: list[int] = []
    engine.add_listener(lambda e: e.stage == "transcribe" and started.append(e.job_id))
    job_id = engine.submit(STANDUP, jobstore.JobOptions(model="base")).job_id
    assert job_id is not None
    deadline = time.monotonic() + 120
    while not started and time.monotonic() < deadline:
        time.sleep(0.01)
    engine.cancel(job_id)
    engine.wait([job_id])
    engine.shutdown()
    assert jobstore.get_job(engine.db, job_id).status == "cancelled"
    assert list_meetings(engine.db) == []
    assert not any((home / "originals").iterdir())  # nothing left behind


def test_reimport_is_detected(cli) -> None:
    first = cli("transcribe", JFK, "--model", "tiny.en")
    again = cli("transcribe", JFK, "--model", "tiny.en")
    assert again.code == 0 and again.last_line == first.last_line
    assert "already imported as meeting" in again.err
    assert len(cli("list").out.strip().splitlines()) == 1
