"""`meetingapp record` end to end: capture from a virtual device into a meeting."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pulse_server import as_wav, play, pulse_server
from recording_helpers import EVAL

from meetingapp.cli import main

JFK = EVAL / "asr" / "jfk" / "jfk.flac"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    with pulse_server(tmp_path_factory.mktemp("pulse"), ("meetsink",)) as daemon:
        yield daemon


@pytest.fixture
def jfk_wav(tmp_path: Path) -> Path:
    return as_wav(JFK, tmp_path)


def play_when_recording(home: Path, wav: Path) -> tuple[threading.Thread, list]:
    """Play into the virtual device once the recorder is on, as a call would."""
    players: list[subprocess.Popen] = []

    def run() -> None:
        deadline = time.monotonic() + 30
        while not list(home.glob("recordings/*.wav.part")) and time.monotonic() < deadline:
            time.sleep(0.05)
        players.append(play("meetsink", wav))

    thread = threading.Thread(target=run)
    thread.start()
    return thread, players


def test_list_devices_shows_the_virtual_source(pulse, capsys) -> None:
    assert main(["record", "--list-devices"]) == 0
    assert "meetsink.monitor" in capsys.readouterr().out


def test_unknown_device_is_a_clear_error(pulse, home: Path, capsys) -> None:
    assert main(["record", "--device", "no-such-mic", "--no-live", "--max-duration", "1"]) == 1
    assert "no-such-mic" in capsys.readouterr().err


def test_recording_becomes_a_meeting(pulse, home: Path, jfk_wav: Path, capsys) -> None:
    player, players = play_when_recording(home, jfk_wav)
    code = main(
        ["record", "--device", "meetsink.monitor", "--max-duration", "15", "--title", "Call"]
    )
    player.join()
    players[0].wait()
    out = capsys.readouterr()
    assert code == 0, out.err
    meeting = out.out.strip().splitlines()[-1]
    assert main(["export", meeting, "--format", "md"]) == 0
    md = capsys.readouterr().out.lower()
    assert "# call" in md and "fellow americans" in md
    assert not list((home / "recordings").glob("*.wav"))  # moved into the library


def test_killed_recording_is_recovered_at_next_start(
    pulse, home: Path, jfk_wav: Path, capsys
) -> None:
    player, players = play_when_recording(home, jfk_wav)
    proc = subprocess.Popen(
        [sys.executable, "-m", "meetingapp", "record", "--device", "meetsink.monitor", "--no-live"],
        cwd=ROOT,
        env={**os.environ, "MEETINGAPP_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    part = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        parts = (
            list((home / "recordings").glob("*.wav.part")) if (home / "recordings").exists() else []
        )
        if parts and parts[0].stat().st_size > 16000 * 2 * 10:  # 10 s of audio on disk
            part = parts[0]
            break
        time.sleep(0.2)
    assert part is not None, "recording never reached 10 s"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    player.join()
    players[0].wait()
    assert main(["jobs", "resume"]) == 0
    out = capsys.readouterr()
    assert "done → meeting 1" in out.out, out.err
    assert main(["export", "1", "--format", "json"]) == 0
    text = " ".join(s["text"] for s in json.loads(capsys.readouterr().out)["segments"]).lower()
    # what was recorded before the kill is kept (the words are the model's: "ask" or
    # "asked" depends on where the recording was cut)
    assert "what your country can do for you" in text
