"""Write recordings so that a crash, a kill or a power cut loses seconds, not the meeting.

Audio goes to ``<name>.wav.part`` as it arrives (straight to the OS, no
user-space buffer), and every ``flush_interval_s`` the WAV header is rewritten
to the size written so far and the file is fsync'd: the ``.part`` is a valid
WAV at all times, missing at most the last interval after a power cut and
nothing after a killed process. A clean close renames it to ``<name>.wav``.
The writer holds an exclusive lock on the file, so :func:`recover_interrupted`
can tell a leftover of a dead process from a recording still in progress.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.errors import MeetingAppError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; do not recover while a recording runs
    fcntl = None  # type: ignore[assignment]

PART_SUFFIX = ".part"
HEADER_BYTES = 44
SAMPLE_BYTES = 2
#: WAV sizes are 32-bit: about 37 hours at 16 kHz mono 16-bit.
MAX_DATA_BYTES = 0xFFFFFFFF - HEADER_BYTES


def wav_header(data_bytes: int, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Canonical 44-byte header of a 16-bit mono PCM WAV holding ``data_bytes``."""
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        HEADER_BYTES - 8 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        sample_rate,
        sample_rate * SAMPLE_BYTES,
        SAMPLE_BYTES,
        8 * SAMPLE_BYTES,
        b"data",
        data_bytes,
    )


def new_recording_path(folder: Path, prefix: str = "recording") -> Path:
    """A not-yet-used ``folder/prefix-YYYYmmdd-HHMMSS.wav`` (its ``.part`` unused too)."""
    stem = f"{prefix}-{datetime.now():%Y%m%d-%H%M%S}"
    path = folder / f"{stem}.wav"
    n = 1
    while path.exists() or _part(path).exists():
        n += 1
        path = folder / f"{stem}-{n}.wav"
    return path


def _part(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


_OPEN_FLAGS = getattr(os, "O_BINARY", 0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_header(fd: int, data_bytes: int, sample_rate: int) -> None:
    """Rewrite the header in place and leave the position at the end for appending."""
    os.lseek(fd, 0, os.SEEK_SET)
    _write_all(fd, wav_header(data_bytes, sample_rate))
    os.lseek(fd, 0, os.SEEK_END)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class WavWriter:
    """Crash-safe incremental 16-bit WAV writer for one recording."""

    def __init__(
        self, path: Path, sample_rate: int = SAMPLE_RATE, flush_interval_s: float = 2.0
    ) -> None:
        self.path = Path(path)
        self.part = _part(self.path)
        self.sample_rate = sample_rate
        self.flush_interval_s = flush_interval_s
        self.data_bytes = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS
            self._fd: int | None = os.open(self.part, flags, 0o644)
        except OSError as e:
            raise MeetingAppError(f"Cannot create recording {self.part}: {e.strerror}") from None
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._sync()
        _fsync_dir(self.path.parent)

    @property
    def duration(self) -> float:
        return self.data_bytes / SAMPLE_BYTES / self.sample_rate

    def _io(self, op: Callable[[int], object]) -> None:
        """Run a file operation, turning a full or failing disk into a user-facing error."""
        if self._fd is None:
            raise MeetingAppError(f"Recording {self.path.name} is already closed")
        try:
            op(self._fd)
        except OSError as e:
            raise MeetingAppError(f"Cannot write recording {self.part}: {e.strerror}") from None

    def write(self, block: np.ndarray) -> None:
        """Append float32 samples in [-1, 1]; syncs to disk when the interval has passed."""
        pcm = (np.clip(block, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        if self.data_bytes + len(pcm) > MAX_DATA_BYTES:
            raise MeetingAppError(f"Recording {self.path.name} reached the WAV size limit (4 GiB)")
        self._io(lambda fd: _write_all(fd, pcm))
        self.data_bytes += len(pcm)
        if time.monotonic() - self._last_sync >= self.flush_interval_s:
            self._sync()

    def _sync(self) -> None:
        self._io(lambda fd: (_write_header(fd, self.data_bytes, self.sample_rate), os.fsync(fd)))
        self._last_sync = time.monotonic()

    def close(self) -> Path | None:
        """Finish the file and give it its final name; an empty recording is deleted."""
        if self._fd is None:
            return self.path if self.path.exists() else None
        self._sync()
        os.close(self._fd)
        self._fd = None
        if self.data_bytes == 0:
            self.part.unlink(missing_ok=True)
            return None
        os.replace(self.part, self.path)
        _fsync_dir(self.path.parent)
        return self.path

    def __enter__(self) -> WavWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _in_use(fd: int) -> bool:
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    return False


def _free_name(path: Path) -> Path:
    n = 1
    target = path
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}-recovered-{n}.wav")
    return target


def _recover_one(part: Path) -> Path | None:
    fd = os.open(part, os.O_RDWR | _OPEN_FLAGS)
    try:
        if _in_use(fd):
            return None
        size = os.fstat(fd).st_size
        data = min(size - HEADER_BYTES, MAX_DATA_BYTES) // SAMPLE_BYTES * SAMPLE_BYTES
        if data > 0:
            head = os.read(fd, HEADER_BYTES)
            rate = struct.unpack_from("<I", head, 24)[0] if head[:4] == b"RIFF" else 0
            os.ftruncate(fd, HEADER_BYTES + data)
            _write_header(fd, data, rate or SAMPLE_RATE)
            os.fsync(fd)
    finally:
        os.close(fd)
    if data <= 0:
        part.unlink()
        return None
    target = _free_name(part.with_name(part.name[: -len(PART_SUFFIX)]))
    os.replace(part, target)
    return target


def recover_interrupted(folder: Path) -> list[Path]:
    """Turn the ``.wav.part`` files left by a killed recorder into complete WAVs.

    Recordings still being written (their writer holds the lock) are left
    alone; leftovers with no audio are deleted. Returns the recovered files.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    recovered = []
    for part in sorted(folder.glob(f"*.wav{PART_SUFFIX}")):
        try:
            path = _recover_one(part)
        except OSError as e:
            raise MeetingAppError(f"Cannot recover interrupted recording {part}: {e}") from None
        if path is not None:
            recovered.append(path)
    if recovered:
        _fsync_dir(folder)
    return recovered
