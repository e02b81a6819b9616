"""Bad input gets one clear line naming the file and the cause; nothing is harmed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from evaldata import JFK, ROOT, STANDUP
from media import encode

from meetingapp.engine.audio import load_audio


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def existing(cli) -> tuple[str, str]:
    """A meeting already in the store, and its Markdown export."""
    r = cli("transcribe", JFK, "--model", "tiny.en")
    assert r.code == 0, r.err
    return r.last_line, cli("export", r.last_line).out


def assert_intact(cli, existing: tuple[str, str]) -> None:
    meeting_id, export = existing
    assert cli("export", meeting_id).out == export
    assert len(cli("list").out.strip().splitlines()) == 1


def make_not_audio(tmp: Path) -> Path:
    p = tmp / "notes.wav"
    p.write_text("These are meeting notes, not a recording.\n" * 50)
    return p


def make_empty(tmp: Path) -> Path:
    p = tmp / "empty.mp3"
    p.touch()
    return p


def make_truncated(tmp: Path) -> Path:
    p = tmp / "standup_cut.wav"
    data = STANDUP.read_bytes()
    p.write_bytes(data[: len(data) * 2 // 5])
    return p


def make_video_only(tmp: Path) -> Path:
    return encode(np.zeros(0, np.float32), tmp / "screen.mp4", "aac", video=True, audio=False)


def make_vanished(tmp: Path) -> Path:
    p = tmp / "gone.flac"
    shutil.copy(JFK, p)
    p.unlink()
    return p


CASES = [
    (make_not_audio, "not an audio or video file"),
    (make_empty, "file is empty (0 bytes)"),
    (make_truncated, "truncated"),
    (make_video_only, "has no audio track"),
    (make_vanished, "file not found"),
]


@pytest.mark.parametrize(("make", "cause"), CASES, ids=[c[0].__name__[5:] for c in CASES])
def test_bad_file(cli, existing, tmp_path: Path, make, cause: str) -> None:
    bad = make(tmp_path)
    before = digest(bad) if bad.exists() else None
    r = cli("transcribe", bad, "--model", "tiny.en")
    assert r.code == 1
    lines = [ln for ln in r.err.splitlines() if ln.startswith("meetingapp: ")]
    assert len(lines) == 1, r.err
    assert bad.name in lines[0] and cause in lines[0], lines[0]
    assert r.out.strip() == ""
    if before is not None:
        assert digest(bad) == before
    assert_intact(cli, existing)


def test_one_bad_file_does_not_stop_the_others(cli, tmp_path: Path) -> None:
    r = cli("transcribe", make_empty(tmp_path), JFK, "--model", "tiny.en")
    assert r.code == 1
    assert "empty.mp3" in r.err
    assert r.out.strip().isdigit()  # the good file became a meeting


def test_unreadable_file(home: Path, tmp_path: Path) -> None:
    """Root reads anything, so drop the capabilities that let it ignore permissions."""
    secret = tmp_path / "private.flac"
    shutil.copy(JFK, secret)
    secret.chmod(0)
    caps = "-dac_override,-dac_read_search"
    cmd = ["setpriv", "--bounding-set", caps, "--inh-caps", caps, "--"] if os.geteuid() == 0 else []
    r = subprocess.run(
        [*cmd, sys.executable, "-m", "meetingapp", "transcribe", str(secret), "--model", "tiny.en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MEETINGAPP_HOME": str(home)},
    )
    assert r.returncode == 1
    assert "private.flac: permission denied" in r.stderr
    assert not list((home / "originals").glob("*")) if (home / "originals").exists() else True


def test_data_folder_cannot_be_created(tmp_path: Path, monkeypatch, cli) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("MEETINGAPP_HOME", str(blocker / "data"))
    r = cli("transcribe", JFK, "--model", "tiny.en")
    assert r.code == 1
    assert "cannot create the data folder" in r.err and str(blocker) in r.err


def test_corrupt_database_is_reported_and_left_alone(cli, existing, home: Path) -> None:
    db = home / "meetings.db"
    for extra in ("meetings.db-wal", "meetings.db-shm"):
        (home / extra).unlink(missing_ok=True)
    db.write_bytes(b"garbage" * 1000)
    before = digest(db)
    for args in (("list",), ("transcribe", str(STANDUP), "--model", "tiny.en")):
        r = subprocess.run(
            [sys.executable, "-m", "meetingapp", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "MEETINGAPP_HOME": str(home)},
        )
        assert r.returncode == 1
        assert "meetings.db" in r.stderr and "corrupt" in r.stderr, r.stderr
    assert digest(db) == before
    assert any((home / "originals").iterdir())  # recordings untouched


@pytest.fixture
def small_disk(tmp_path: Path):
    mount = tmp_path / "disk"
    mount.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)])
    if r.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


def test_full_disk(cli, small_disk: Path, monkeypatch) -> None:
    home = small_disk / "data"
    monkeypatch.setenv("MEETINGAPP_HOME", str(home))
    first = cli("transcribe", JFK, "--model", "tiny.en")
    assert first.code == 0, first.err
    export = cli("export", first.last_line).out
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * (free - 200_000))
    r = cli("transcribe", STANDUP, "--model", "tiny.en")
    assert r.code == 1
    assert "not enough free disk space" in r.err and "standup.wav" in r.err
    assert cli("export", first.last_line).out == export
    assert load_audio(STANDUP).duration > 50  # the user's file is fine
