"""The live feed file (recordings/live.jsonl): what a recording writes, and how another
process follows it, including a writer that is killed or a recording that replaces it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from evaldata import ROOT

from meetingapp.api.app import latest_partial_only, seen_up_to
from meetingapp.domain.recording import LINE, PARTIAL, STARTED, STATE, STOPPED
from meetingapp.engine.recording.autorecord import RecorderState, RecorderStatus
from meetingapp.engine.recording.feed import CRASHED, FeedWriter, feed_path, open_feed
from meetingapp.engine.recording.live import LiveText
from meetingapp.errors import MeetingAppError


def status(state: RecorderState) -> RecorderStatus:
    return RecorderStatus(state, -30.0, 1.0, 0)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return feed_path(tmp_path / "recordings")


def test_a_recording_is_started_states_lines_partials_and_stopped(path: Path) -> None:
    assert open_feed(path) is None  # nothing has recorded yet
    with FeedWriter(path, devices=["mic"], auto=True, live=True, title="Sync") as writer:
        reader = open_feed(path)
        assert reader is not None
        writer.status(status(RecorderState.LISTENING))
        writer.status(status(RecorderState.RECORDING))
        writer.status(status(RecorderState.RECORDING))  # only the level changed: nothing
        writer.text(LiveText("", "hello wor"))
        writer.text(LiveText("", "hello world how"))
        writer.text(LiveText("hello world", "how are"))
        first = reader.poll()
        writer.text(LiveText("hello world", "how are"))  # the same again: nothing
        writer.status(status(RecorderState.PAUSED))
        writer.text(LiveText("hello world how are you", ""))  # the closing pass
        writer.text(LiveText("", "next", part=1))  # auto-record's next recording
        writer.text(LiveText("next one", "", part=1))
        writer.status(status(RecorderState.IDLE))  # the end: ``stopped`` says it
        writer.stop([4, 5])
        writer.stop([99], "a second stop writes nothing")
    events = first + reader.poll()
    assert reader.poll() == [] and reader.ended
    reader.close()

    assert [e.seq for e in events] == list(range(len(events)))
    assert {e.data["recording_id"] for e in events} == {writer.recording_id}
    assert reader.recording_id == writer.recording_id
    assert [(e.kind, e.data.get("text", e.data.get("state"))) for e in events[1:-1]] == [
        (STATE, "listening"),
        (STATE, "recording"),
        (PARTIAL, "hello wor"),
        (PARTIAL, "hello world how"),
        (LINE, "hello world"),
        (PARTIAL, "how are"),
        (STATE, "paused"),
        (LINE, "how are you"),
        (PARTIAL, ""),
        (PARTIAL, "next"),
        (LINE, "next one"),
        (PARTIAL, ""),
    ]
    assert [e.data["part"] for e in events if e.kind == LINE] == [0, 0, 1]
    started, stopped = events[0], events[-1]
    assert started.kind == STARTED and started.data["pid"] == os.getpid()
    assert started.data["devices"] == ["mic"] and started.data["title"] == "Sync"
    assert stopped.kind == STOPPED and stopped.data["job_ids"] == [4, 5]
    assert stopped.data["problem"] is None
    ats = [e.data["at"] for e in events]
    assert ats == sorted(ats)
    # the file: one JSON object per line, readable without the app
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["event"] for r in records] == [e.kind for e in events]
    assert path.stat().st_mode & 0o777 == 0o600  # a transcript: the user's only


def test_a_line_is_held_back_until_it_is_complete(path: Path) -> None:
    writer = FeedWriter(path)
    with open_feed(path) as reader:
        assert [e.kind for e in reader.poll()] == [STARTED]
        half = json.dumps({"event": LINE, "recording_id": "x", "seq": 1, "text": "half"})
        with path.open("a", encoding="utf-8") as f:
            f.write(half[:20])
            f.flush()
            assert reader.poll() == []
            f.write(half[20:] + "\n" + "not json\n")
        events = reader.poll()
        assert [(e.kind, e.data["text"]) for e in events] == [(LINE, "half")]
        writer.stop([])
        assert [e.kind for e in reader.poll()] == [STOPPED]


def test_leaving_on_an_error_stops_the_feed_with_it(path: Path) -> None:
    with pytest.raises(MeetingAppError), FeedWriter(path):
        raise MeetingAppError("mic: the device was unplugged")
    with open_feed(path) as reader:
        events = reader.poll()
    assert events[-1].kind == STOPPED
    assert events[-1].data["problem"] == "mic: the device was unplugged"


def test_a_new_recording_replaces_the_file_and_each_reader_keeps_its_own(path: Path) -> None:
    old = FeedWriter(path)
    with open_feed(path) as old_reader:
        old_reader.poll()
        new = FeedWriter(path)  # the window records while `meetingapp record` still does
        old.text(LiveText("old words", ""))
        old.stop([1])
        events = old_reader.poll()
        assert [e.kind for e in events] == [LINE, STOPPED]
        assert {e.data["recording_id"] for e in events} == {old.recording_id}
    with open_feed(path) as new_reader:
        assert [e.kind for e in new_reader.poll()] == [STARTED]
        assert new_reader.recording_id == new.recording_id and not new_reader.ended
    new.stop([2])
    assert not list(path.parent.glob(".*.tmp"))


def test_a_killed_writer_ends_its_feed_instead_of_recording_forever(path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path;"
        " from meetingapp.engine.recording.feed import FeedWriter;"
        " w = FeedWriter(Path(sys.argv[1])); print('ready', flush=True); time.sleep(600)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with open_feed(path) as reader:
            assert [e.kind for e in reader.poll()] == [STARTED]
            assert reader.poll() == [] and not reader.ended  # alive and quiet: recording
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            events = reader.poll()
        assert [e.kind for e in events] == [STOPPED] and reader.ended
        assert events[0].data["problem"] == CRASHED and events[0].data["job_ids"] == []
        assert events[0].data["recording_id"] == reader.recording_id
    finally:
        proc.kill()
        proc.wait()


def test_a_client_joining_late_gets_the_lines_and_the_latest_partial_only(path: Path) -> None:
    with FeedWriter(path) as writer:
        for committed, tentative in [("", "one"), ("", "one two"), ("one two", "three")]:
            writer.text(LiveText(committed, tentative))
        with open_feed(path) as reader:
            replay = latest_partial_only(reader.poll())
    assert [(e.kind, e.data.get("text")) for e in replay] == [
        (STARTED, None),
        (LINE, "one two"),
        (PARTIAL, "three"),
    ]
    # an EventSource reconnecting sends back the id of the last event it had
    rid = writer.recording_id
    assert seen_up_to(f"{rid}:3", rid) == 3
    assert seen_up_to(f"{rid}:3", "another recording") == -1
    assert seen_up_to(None, rid) == seen_up_to("garbage", rid) == -1
