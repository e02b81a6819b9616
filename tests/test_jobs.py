"""Background jobs: queueing, cancelling, and resuming after a crash or a kill."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from evaldata import JFK, LIBRI, STANDUP
from job_process import job_row, start_transcribe, wait_for_job
from media import encode

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio
from meetingapp.engine.jobs import JobEvent, JobRunner
from meetingapp.engine.pipeline import Stage, default_stages
from meetingapp.errors import MeetingAppError
from meetingapp.store import jobs as jobstore
from meetingapp.store.db import open_db
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


class FailsOnce:
    """Stages whose first run fails as a model that cannot load does (one line), and
    that can take the user's file away first, as a user moving it meanwhile would."""

    def __init__(self, remove_source: bool = False) -> None:
        self.remove_source = remove_source
        self.failed = False

    def __call__(self) -> list[Stage]:
        def flaky(ctx, progress, cancel) -> dict:
            if not self.failed:
                self.failed = True
                if self.remove_source:
                    Path(ctx.job.source_path).unlink()
                raise MeetingAppError(f"{ctx.job.source_path}: cannot load the model (CUDA)")
            return {}

        stages = default_stages()
        return [*stages[:2], Stage("flaky", 0.1, flaky), *stages[2:]]  # after VAD


def failed_job(home: Path, source: Path, remove_source: bool = False) -> tuple[JobRunner, int]:
    engine = JobRunner(home, stages=FailsOnce(remove_source))
    job_id = engine.submit(source, jobstore.JobOptions(model="tiny.en")).job_id
    assert job_id is not None
    engine.wait([job_id])
    job = jobstore.get_job(engine.db, job_id)
    assert job.status == "failed" and "cannot load the model" in (job.error or "")
    return engine, job_id


def test_retry_from_the_stored_copy(home: Path, tmp_path: Path) -> None:
    """The user's file is gone: the copy kept in the library is what runs again."""
    source = tmp_path / "weekly.flac"
    shutil.copy(JFK, source)
    engine, job_id = failed_job(home, source, remove_source=True)
    stored = home / (jobstore.get_job(engine.db, job_id).stored_path or "")
    assert stored.is_file()  # the only copy left: kept on failure
    vad = jobstore.load_artifacts(engine.db, job_id)["vad"]
    sub = engine.retry(job_id)
    assert sub.job_id == job_id
    engine.wait([job_id])
    job = jobstore.get_job(engine.db, job_id)
    assert job.status == "done" and job.error is None and job.attempts == 2
    assert jobstore.load_artifacts(engine.db, job_id)["vad"] == vad  # the same audio: kept
    assert "country" in " ".join(s.text for s in load_segments(engine.db, job.meeting_id))
    engine.close()


def test_retry_from_the_users_file_and_when_it_is_gone(cli, home: Path, tmp_path: Path) -> None:
    source = tmp_path / "weekly.flac"
    shutil.copy(JFK, source)
    engine, job_id = failed_job(home, source)
    engine.close()
    stored = jobstore.get_job(open_db(home), job_id).stored_path
    assert stored and not (home / stored).exists()  # released: the user has the file
    assert f"{job_id:>4}  failed" in cli("jobs").out  # kept, with its error

    r = cli("jobs", "retry", job_id)  # the CLI's retry is the window's (Library.retry_job)
    assert r.code == 0, r.err
    job = jobstore.get_job(open_db(home), job_id)
    assert job.status == "done" and r.last_line == str(job.meeting_id)
    assert (home / (job.stored_path or "")).is_file()  # copied in again

    r = cli("jobs", "retry", job_id)
    assert r.code == 1 and "only a failed job can be retried" in r.err

    gone = tmp_path / "gone.flac"
    shutil.copy(LIBRI, gone)
    engine, gone_id = failed_job(home, gone)
    engine.close()
    gone.unlink()
    r = cli("jobs", "retry", gone_id)
    assert r.code == 1 and r.out == ""
    assert r.err.strip() == (
        f"meetingapp: {gone}: cannot retry: the file is gone (moved or deleted)"
        " and no copy of it was kept"
    )
    assert cli("jobs", "dismiss", gone_id).code == 0
    assert [j.id for j in jobstore.list_jobs(open_db(home))] == [job_id]


def test_retry_of_a_recording_imported_again_meanwhile(home: Path) -> None:
    engine, job_id = failed_job(home, JFK)
    # the user dropped the file once more, and this time it worked
    again = engine.submit(JFK, jobstore.JobOptions(model="tiny.en")).job_id
    assert again is not None
    engine.wait([again])
    meeting_id = jobstore.get_job(engine.db, again).meeting_id
    sub = engine.retry(job_id)
    assert sub.job_id is None and sub.existing_meeting_id == meeting_id  # no second meeting
    assert [j.id for j in jobstore.list_jobs(engine.db)] == [again]  # the failed one is moot
    assert len(list_meetings(engine.db)) == 1
    engine.close()


def test_meeting_date_is_when_it_was_recorded(home: Path, tmp_path: Path) -> None:
    """A phone's memo copied today: the date is in its metadata, not in its mtime."""

    def stop(ctx, progress, cancel) -> None:
        raise MeetingAppError("stopped here: only the date is looked at")

    samples = load_audio(JFK).samples[: 2 * SAMPLE_RATE]
    memo = encode(
        samples, tmp_path / "memo.m4a", "aac", metadata={"creation_time": "2021-03-04T05:06:07Z"}
    )
    plain = encode(samples, tmp_path / "plain.flac", "flac")
    copied = datetime(2024, 6, 1, 12, 0, tzinfo=UTC).timestamp()  # when it was copied here
    for path in (memo, plain):
        os.utime(path, (copied, copied))
    engine = JobRunner(home, stages=lambda: [Stage("stop", 1.0, stop)])
    # fresh options each: submit fills in the date of the one it is given
    ids = [engine.submit(path, jobstore.JobOptions()).job_id for path in (memo, plain)]
    dates = [jobstore.get_job(engine.db, job_id).options.date for job_id in ids if job_id]
    assert dates == ["2021-03-04T05:06:07+00:00", "2024-06-01T12:00:00+00:00"]
    engine.wait([i for i in ids if i])
    engine.close()
