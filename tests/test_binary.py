"""The one-file binary (packaging/build.sh): built, then run in an empty environment (no
venv, no system Python on PATH, a fresh HOME) as a user would after downloading it."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from broker import RedisServer, Worker
from evaldata import JFK

ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / "dist" / "meetingapp"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or platform.machine() != "x86_64",
        reason="the binary is built for x86-64 Linux",
    ),
]


@pytest.fixture(scope="module")
def binary() -> Path:
    if not os.environ.get("MEETINGAPP_BINARY_PREBUILT"):  # reuse one built just before
        subprocess.run([str(ROOT / "packaging" / "build.sh")], check=True, timeout=1800)
    assert BINARY.is_file() and os.access(BINARY, os.X_OK)
    return BINARY


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory):
    """One folder the binary unpacks into (1.2 GB), shared by the tests, then removed."""
    folder = tmp_path_factory.mktemp("unpacked")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def env(tmp_path: Path, cache: Path) -> dict[str, str]:
    """An empty environment: a fresh home, no venv or Python on PATH, no display."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "QT_QPA_PLATFORM": "offscreen",
        "MEETINGAPP_CACHE": str(cache),
    }


def run(binary: Path, env: dict[str, str], *args: str, timeout: float = 300) -> str:
    r = subprocess.run(
        [str(binary), *args],
        env=env,
        cwd=env["HOME"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert r.returncode == 0, f"{args}: {r.stderr[-2000:]}"
    return r.stdout


def test_the_binary_works_alone(binary: Path, env: dict[str, str]) -> None:
    home = Path(env["HOME"])
    beside = sorted(binary.parent.iterdir())
    size_mb = binary.stat().st_size / 1e6
    assert size_mb <= 800, f"{size_mb:.0f} MB"

    first = time.monotonic()
    assert run(binary, env, "--version").strip() == "meetingapp 0.1.0"
    first = time.monotonic() - first
    second = time.monotonic()
    run(binary, env, "--version")
    second = time.monotonic() - second
    print(f"binary {size_mb:.0f} MB; --version first {first:.1f} s, second {second:.2f} s")
    assert second < 3, "the second start unpacked again"

    meeting = run(binary, env, "transcribe", str(JFK)).split()[-1]
    text = run(binary, env, "export", meeting, "--format", "md")
    assert "ask not what your country" in text.lower()
    assert "country" in run(binary, env, "search", "country").lower()
    assert "#" in run(binary, env, "minutes", meeting)
    run(binary, env, "speakers", "list")
    # writable data goes to the data folder, never next to the binary
    assert (home / ".local" / "share" / "meetingapp" / "meetings.db").is_file()
    assert sorted(binary.parent.iterdir()) == beside

    # no arguments: the window, which stays up
    window = subprocess.Popen([str(binary)], env=env, cwd=home, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(10)
        assert window.poll() is None, window.communicate()[1][-2000:]
    finally:
        window.terminate()
        window.wait(30)


def test_the_binary_is_a_worker_too(binary: Path, env: dict[str, str], tmp_path: Path) -> None:
    """Celery finds its pools and transports by name: the bundle must carry them."""
    redis = RedisServer(tmp_path / "redis")
    worker = Worker(redis.url, tmp_path / "worker", program=(str(binary),), env=env)
    try:
        meeting = run(binary, env, "transcribe", "--broker", redis.url, str(JFK)).split()[-1]
        assert "country" in run(binary, env, "export", meeting, "--format", "txt").lower()
        assert worker.lines("done")
    finally:
        worker.stop()
        redis.stop()


def test_the_menu_entry(binary: Path, env: dict[str, str]) -> None:
    home = Path(env["HOME"])
    run(binary, env, "install-desktop")
    entry = home / ".local" / "share" / "applications" / "meetingapp.desktop"
    text = entry.read_text()
    assert f'Exec="{binary.resolve()}" open %F' in text
    assert "audio/mpeg;" in text and "video/mp4;" in text
    assert (home / ".local/share/icons/hicolor/scalable/apps/meetingapp.svg").is_file()
    assert (home / ".local/share/icons/hicolor/256x256/apps/meetingapp.png").is_file()
    assert "Exec=" in (binary.parent / "meetingapp.desktop").read_text()
    run(binary, env, "uninstall-desktop")
    assert not entry.exists()
