"""The one-file binary (packaging/build.sh): built, then run in an empty environment (no
venv, no system Python on PATH, a fresh HOME) as a user would after downloading it."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pytest
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


def clean_env(home: Path) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}


def run(binary: Path, home: Path, *args: str, timeout: float = 300) -> str:
    r = subprocess.run(
        [str(binary), *args],
        env=clean_env(home),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert r.returncode == 0, f"{args}: {r.stderr[-2000:]}"
    return r.stdout


def test_the_binary_works_alone(binary: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    beside = sorted(binary.parent.iterdir())
    size_mb = binary.stat().st_size / 1e6
    assert size_mb <= 800, f"{size_mb:.0f} MB"

    first = time.monotonic()
    assert run(binary, home, "--version").strip() == "meetingapp 0.1.0"
    first = time.monotonic() - first
    second = time.monotonic()
    run(binary, home, "--version")
    second = time.monotonic() - second
    print(f"binary {size_mb:.0f} MB; --version first {first:.1f} s, second {second:.2f} s")
    assert second < 3, "the second start unpacked again"

    meeting = run(binary, home, "transcribe", str(JFK)).split()[-1]
    text = run(binary, home, "export", meeting, "--format", "md")
    assert "ask not what your country" in text.lower()
    assert "country" in run(binary, home, "search", "country").lower()
    assert "#" in run(binary, home, "minutes", meeting)
    run(binary, home, "speakers", "list")
    # writable data goes to the data folder, never next to the binary
    assert (home / ".local" / "share" / "meetingapp" / "meetings.db").is_file()
    assert sorted(binary.parent.iterdir()) == beside

    # no arguments: the window, which stays up
    window = subprocess.Popen(
        [str(binary)], env=clean_env(home), cwd=home, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(10)
        assert window.poll() is None, window.communicate()[1][-2000:]
    finally:
        window.terminate()
        window.wait(30)


def test_the_menu_entry(binary: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    run(binary, home, "install-desktop")
    entry = home / ".local" / "share" / "applications" / "meetingapp.desktop"
    text = entry.read_text()
    assert f'Exec="{binary.resolve()}" open %F' in text
    assert "audio/mpeg;" in text and "video/mp4;" in text
    assert (home / ".local/share/icons/hicolor/scalable/apps/meetingapp.svg").is_file()
    assert (home / ".local/share/icons/hicolor/256x256/apps/meetingapp.png").is_file()
    assert "Exec=" in (binary.parent / "meetingapp.desktop").read_text()
    run(binary, home, "uninstall-desktop")
    assert not entry.exists()
