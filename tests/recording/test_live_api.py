"""GET /api/v1/recording/live end to end: a real `meetingapp record` process records a
virtual microphone (PulseAudio null sink, speech played into it) while a real `meetingapp
serve` process streams its live transcript to an httpx client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, suppress
from pathlib import Path

import httpx
import pytest
from api_server import Server, Sse, serve, sse_events
from evaldata import JFK, ROOT
from pulse_server import as_wav, play, pulse_server
from recording_helpers import words

from meetingapp.engine.recording.feed import CRASHED

LIVE = "/api/v1/recording/live"
SINK = "livesink"


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen]:
    with pulse_server(tmp_path_factory.mktemp("pulse"), (SINK,)) as daemon:
        yield daemon


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("live-api") / "data"
    home.mkdir()
    (home / "settings.json").write_text('{"asr_model": "tiny.en"}', encoding="utf-8")
    with serve(home) as running:
        yield running


def start_record(home: Path, logs: Path, *args: str) -> subprocess.Popen[bytes]:
    """`meetingapp record` from the virtual sink's monitor, in its own process (its
    output in ``logs``)."""
    with (logs / "record.out").open("wb") as out, (logs / "record.err").open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "meetingapp", "record", "--device", f"{SINK}.monitor", *args],
            cwd=ROOT,
            env={**os.environ, "MEETINGAPP_HOME": str(home)},
            stdout=out,
            stderr=err,
        )


def only_event(client: httpx.Client) -> Sse:
    """The answer when nothing records: one event, then the stream ends."""
    with client.stream("GET", LIVE) as s:
        assert s.status_code == 200 and s.headers["content-type"].startswith("text/event-stream")
        events = list(sse_events(s))
    assert len(events) == 1, events
    return events[0]


def open_when_recording(
    client: httpx.Client, recorder: subprocess.Popen[bytes], headers: dict[str, str] | None = None
) -> tuple[httpx.Response, Iterator[Sse], Sse]:
    """A stream on the recording ``recorder`` makes, opened as soon as it has started (it
    loads its live model first: until then the answer is idle); and its first event."""
    deadline = time.monotonic() + 120
    while True:
        s = client.send(client.build_request("GET", LIVE, headers=headers), stream=True)
        events = sse_events(s)
        first = next(events)
        if first.kind != "idle":
            return s, events, first
        s.close()
        assert recorder.poll() is None, "the recorder ended before it started"
        assert time.monotonic() < deadline, "the recording never started"
        time.sleep(0.2)


def test_nothing_recording_is_one_idle_event(server: Server) -> None:
    with server.client() as c:
        idle = only_event(c)
    assert idle.kind == "idle" and idle.data == {"recording": False, "last": None}


@pytest.mark.parametrize("token", [None, "wrong"])
def test_the_live_transcript_needs_the_token(server: Server, token: str | None) -> None:
    with server.client(token) as c:
        r = c.get(LIVE)
    assert r.status_code == 401 and "token" in r.json()["error"]


def test_live_lines_of_a_recording_in_another_process_arrive_in_order(
    pulse, server: Server, tmp_path: Path
) -> None:
    speech = as_wav(JFK, tmp_path)  # 11 s: "... ask not what your country can do for you ..."
    recorder = start_record(server.home, tmp_path, "--max-duration", "16", "--title", "Live")
    player = None
    try:
        with server.client() as c:
            s, stream, started = open_when_recording(c, recorder)
            events = [started]
            with closing(s):
                for event in stream:
                    events.append(event)
                    if event.kind == "state" and player is None:  # audio flows: speak
                        player = play(SINK, speech)
            assert recorder.wait(timeout=600) == 0, (tmp_path / "record.err").read_text()
            meeting_id = int((tmp_path / "record.out").read_text().split()[-1])

            kinds = [e.kind for e in events]
            assert kinds[0] == "started" and kinds[-1] == "stopped", kinds
            assert kinds.count("started") == kinds.count("stopped") == 1
            assert [e.data["seq"] for e in events] == sorted({e.data["seq"] for e in events})
            assert {e.data["recording_id"] for e in events} == {started.data["recording_id"]}
            assert started.data["devices"] == [f"{SINK}.monitor"] and started.data["live"]
            assert started.data["title"] == "Live" and started.data["pid"] == recorder.pid
            lines = [e for e in events if e.kind == "line"]
            said = words(" ".join(e.data["text"] for e in lines))
            assert "americans" in said and "country" in said, said
            assert said.index("americans") < said.index("country")
            # live: words came while the recording went on, seconds before it stopped
            stopped = events[-1]
            heard = [e.at for e in events if e.kind in ("line", "partial") and e.data["text"]]
            assert stopped.at - heard[0] > 3, [(e.kind, e.data) for e in events]
            partials = [e for e in events if e.kind == "partial"]
            assert partials and partials[-1].data["text"] == ""  # the last pass committed all

            assert stopped.data["problem"] is None and len(stopped.data["job_ids"]) == 1
            job = c.get(f"/api/v1/jobs/{stopped.data['job_ids'][0]}").json()
            assert job["status"] == "done" and job["meeting_id"] == meeting_id
            # once it has stopped: idle, with what the last recording became
            idle = only_event(c)
            assert idle.kind == "idle" and idle.data == {"recording": False, "last": stopped.data}
    finally:
        for proc in (recorder, player):
            if proc is not None:
                proc.kill()
                proc.wait()


def feed_handles(server: Server) -> int:
    """How many files the server has open on the live feed."""
    feed = str(server.home / "recordings" / "live.jsonl")
    fds = Path(f"/proc/{server.proc.pid}/fd")
    count = 0
    for fd in fds.iterdir():
        with suppress(OSError):  # closed meanwhile
            count += os.readlink(fd) == feed
    return count


def eventually_handles(server: Server, count: int) -> int:
    deadline = time.monotonic() + 10
    while feed_handles(server) != count and time.monotonic() < deadline:
        time.sleep(0.1)
    return feed_handles(server)


def test_a_killed_recorder_ends_the_stream_and_a_client_that_leaves_lets_go(
    pulse, server: Server, tmp_path: Path
) -> None:
    recorder = start_record(server.home, tmp_path, "--no-live")
    try:
        with server.client() as c:
            s, stream, started = open_when_recording(c, recorder)
            with closing(s):
                assert started.kind == "started" and started.data["live"] is False
                rid = started.data["recording_id"]
                state = next(stream)
                assert state.kind == "state" and state.data["state"] == "recording"
                # a client reconnecting gets only what it missed, then it leaves
                again, _, first = open_when_recording(
                    c, recorder, headers={"Last-Event-ID": f"{rid}:0"}
                )
                assert first.kind == "state" and first.id == f"{rid}:1"
                assert eventually_handles(server, 2) == 2
                again.close()
                assert eventually_handles(server, 1) == 1  # its stream stopped and let go

                recorder.send_signal(signal.SIGKILL)
                recorder.wait()
                ending = list(stream)
            assert [e.kind for e in ending] == ["stopped"], ending
            assert ending[0].data["problem"] == CRASHED and ending[0].data["recording_id"] == rid
            assert eventually_handles(server, 0) == 0
            idle = only_event(c)
            assert idle.data["last"]["problem"] == CRASHED
    finally:
        recorder.kill()
        recorder.wait()
