"""The audio of a recording, sent through Redis when the worker cannot read it.

A worker first tries the submitter's own path (shared storage: nothing is
copied). Otherwise it asks for the bytes and the submitter pushes them as
chunks of :data:`CHUNK_BYTES`, never more than :data:`WINDOW` chunks ahead of
the worker, so Redis holds at most a few MiB per recording however long it is.
The worker checks the sha256 of what it received.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any, BinaryIO

from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.remote.broker import KEEP_SECONDS, audio_key, need_audio_key
from meetingapp.errors import MeetingAppError

CHUNK_BYTES = 1 << 20
#: Chunks waiting in Redis at most.
WINDOW = 4
#: A worker gives up when no chunk arrives for this long (seconds).
STALL_SECONDS = 60


def readable_here(path: Path, size: int, sha256: str) -> bool:
    """The submitter's file is visible on this machine, with the same content."""
    try:
        if path.stat().st_size != size:
            return False
        digest = hashlib.sha256()
        with path.open("rb") as f:
            while block := f.read(CHUNK_BYTES):
                digest.update(block)
    except OSError:
        return False
    return digest.hexdigest() == sha256


class AudioSender:
    """The submitter's side: pushes the file when (and only while) a worker asks."""

    def __init__(self, redis: Any, task_id: str, path: Path) -> None:
        self._redis = redis
        self._task_id = task_id
        self._path = path
        self._file: BinaryIO | None = None
        self.finished = False

    @property
    def sending(self) -> bool:
        return self._file is not None

    def pump(self) -> None:
        """Top up the worker's window of chunks; cheap when nothing was asked for."""
        if self.finished:
            return
        if self._file is None:
            if not self._redis.exists(need_audio_key(self._task_id)):
                return
            self._file = self._path.open("rb")
        key = audio_key(self._task_id)
        while self._redis.llen(key) < WINDOW:
            block = self._file.read(CHUNK_BYTES)
            self._redis.rpush(key, block)  # b"" ends the file
            self._redis.expire(key, KEEP_SECONDS)
            if not block:
                self.close()
                self.finished = True
                return

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def discard(self) -> None:
        """Drop what a worker did not take (it died, or the job was cancelled)."""
        self.close()
        self._redis.delete(audio_key(self._task_id), need_audio_key(self._task_id))


def receive_audio(
    redis: Any, task_id: str, dest: Path, sha256: str, source: str, cancel: CancelToken
) -> Path:
    """The worker's side: ask for the file, write the chunks to ``dest``, check them."""
    redis.set(need_audio_key(task_id), 1, ex=KEEP_SECONDS)
    digest = hashlib.sha256()
    key = audio_key(task_id)
    last = time.monotonic()
    try:
        with dest.open("wb") as out:
            while True:
                cancel.check()
                got = redis.blpop([key], timeout=1)
                if got is None:
                    if time.monotonic() - last > STALL_SECONDS:
                        raise MeetingAppError(
                            f"{source}: the submitter stopped sending the audio"
                            f" ({STALL_SECONDS} s without a chunk)"
                        )
                    continue
                last = time.monotonic()
                block = got[1]
                if not block:
                    break
                out.write(block)
                digest.update(block)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    finally:
        redis.delete(need_audio_key(task_id))
    if digest.hexdigest() != sha256:
        dest.unlink(missing_ok=True)
        raise MeetingAppError(f"{source}: the audio arrived damaged (sha256 differs)")
    return dest
