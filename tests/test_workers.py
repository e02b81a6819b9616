"""Scale-out with real parts: a real ``redis-server``, real ``meetingapp worker``
processes (one CPU thread each) and a real ``meetingapp transcribe --broker`` in
another process; each recording must land in the submitting library exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_server import serve, sse_events
from broker import RedisServer, Worker
from evaldata import EVAL, JFK, ROOT, STANDUP
from job_process import start_transcribe

from meetingapp.domain.meetings import Meeting
from meetingapp.engine.remote.broker import safe_url
from meetingapp.library import Library

#: Eight different recordings with human transcripts (the short eval clips).
EIGHT = [
    EVAL / "asr" / "lhotse" / "2412-153948-0000.flac",
    EVAL / "diar" / "ami" / "trn02.wav",
    EVAL / "asr" / "lhotse" / "ES2011a.Headset-0-40s-46s.wav",
    EVAL / "asr" / "lhotse" / "LJ002-0020.wav",
    EVAL / "asr" / "lhotse" / "LJ002-0035.wav",
    JFK,
    EVAL / "diar" / "ami" / "trn00.wav",
    EVAL / "diar" / "ami" / "trn01.wav",
]


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Worker]]:
    """Started workers, stopped at the end of the test (append to it)."""
    started: list[Worker] = []
    yield started
    for w in started:
        w.stop()


def meetingapp(home: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "meetingapp", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "MEETINGAPP_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def started_on(workers: list[Worker], proc: subprocess.Popen[str]) -> Worker:
    """The worker that started the submitted recording (fails if the submitter exits)."""
    deadline = time.monotonic() + 120
    while not (busy := [w for w in workers if w.lines("started")]):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    return busy[0]


def meetings(home: Path) -> list[Meeting]:
    return Library(home).meetings()


def text_of(home: Path, meeting_id: int) -> str:
    return " ".join(s.text for s in Library(home).segments(meeting_id)).lower()


def test_two_workers_share_eight_recordings_and_each_lands_once(
    redis: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    workers += [Worker(redis.url, tmp_path / f"worker{n}") for n in (1, 2)]
    home = tmp_path / "library"
    done = meetingapp(home, "transcribe", "--broker", redis.url, "--model", "tiny.en", *EIGHT)
    assert done.returncode == 0, done.stderr
    ids = done.stdout.split()
    assert len(ids) == 8 and len(set(ids)) == 8
    listed = meetings(home)
    assert sorted(m.source_name for m in listed) == sorted(p.name for p in EIGHT)
    ran = [len(w.lines("done")) for w in workers]
    assert sum(ran) == 8 and min(ran) >= 1, ran  # both took their share, none twice
    assert "country" in text_of(home, int(ids[5]))  # JFK's famous line


def test_a_worker_killed_mid_recording_leaves_it_to_the_other(
    redis: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    workers += [Worker(redis.url, tmp_path / f"worker{n}") for n in (1, 2)]
    home = tmp_path / "library"
    proc = start_transcribe(home, "--broker", redis.url, "--model", "tiny.en", STANDUP)
    victim = started_on(workers, proc)
    victim.kill()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    survivor = next(w for w in workers if w is not victim)
    assert survivor.lines("done") and not victim.lines("done")
    assert "sent to another worker" in err
    assert [m.source_name for m in meetings(home)] == [STANDUP.name]
    assert out.split() == ["1"]


def test_audio_goes_through_the_broker_when_the_worker_cannot_read_it(
    redis: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    library = tmp_path / "elsewhere" / "library"  # on a disk the worker does not see
    library.mkdir(parents=True)
    try:
        workers.append(Worker(redis.url, tmp_path / "worker", hide=(library.parent,)))
    except AssertionError as e:
        if "mount" in str(e):
            pytest.skip(f"cannot hide a folder from the worker here: {e}")
        raise
    done = meetingapp(library, "transcribe", "--broker", redis.url, "--model", "tiny.en", JFK)
    assert done.returncode == 0, done.stderr
    assert workers[0].lines("receiving") and workers[0].lines("done")
    assert "country" in text_of(library, 1)
    assert not list((tmp_path / "worker").rglob("worker-audio/*"))  # the copy is gone


def test_cancel_reaches_the_worker(
    redis: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    workers.append(Worker(redis.url, tmp_path / "worker"))
    home = tmp_path / "library"
    proc = start_transcribe(home, "--broker", redis.url, "--model", "tiny.en", STANDUP)
    started_on(workers, proc)
    cancelled = meetingapp(home, "jobs", "cancel", "1")
    assert cancelled.returncode == 0, cancelled.stderr
    proc.communicate(timeout=120)
    assert proc.returncode == 1
    workers[0].wait_for(": cancelled standup.wav", timeout=60)
    assert meetings(home) == []
    assert "cancelled" in meetingapp(home, "jobs").stdout


def test_a_broker_that_goes_away_fails_the_job_with_one_line(
    redis: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    workers.append(Worker(redis.url, tmp_path / "worker"))
    home = tmp_path / "library"
    proc = start_transcribe(home, "--broker", redis.url, "--model", "tiny.en", STANDUP)
    started_on(workers, proc)
    redis.stop()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert f"{STANDUP}: lost the broker at {redis.url}" in err, err
    assert "Traceback" not in err
    assert meetings(home) == [] and Library(home).jobs()[0].status == "failed"


def test_a_password_never_appears_in_messages() -> None:
    assert safe_url("redis://:s3cret@host:6379/0") == "redis://:***@host:6379/0"
    assert safe_url("redis://localhost:6379/0") == "redis://localhost:6379/0"


def test_the_api_server_sends_uploads_to_the_workers(
    redis: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    workers.append(Worker(redis.url, tmp_path / "worker"))
    home = tmp_path / "library"
    with serve(home, args=("--broker", redis.url)) as server, server.client() as c:
        with JFK.open("rb") as f:
            r = c.post("/api/v1/meetings", files={"file": ("jfk.flac", f)}, data={"title": "JFK"})
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        with c.stream("GET", f"/api/v1/jobs/{job_id}/events", timeout=300) as stream:
            stages = [e.data["stage"] for e in sse_events(stream)]
        assert "worker" in stages and stages[-1] == "done"
        meeting_id = c.get(f"/api/v1/jobs/{job_id}").json()["meeting_id"]
        text = c.get(f"/api/v1/meetings/{meeting_id}/export", params={"format": "txt"}).text
    assert "country" in text.lower()
    assert workers[0].lines("done")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("redis://127.0.0.1:1/0", "cannot reach the broker at redis://127.0.0.1:1/0"),
        ("amqp://localhost//", "must be a Redis URL"),
    ],
)
def test_a_broker_that_is_not_there_is_one_line(tmp_path: Path, url: str, said: str) -> None:
    for args in (["transcribe", "--broker", url, JFK], ["worker", "--broker", url]):
        r = meetingapp(tmp_path / "home", *args)
        assert r.returncode == 1
        assert said in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "Traceback" not in r.stderr
