"""The live feed: the recording in progress, readable from another process.

The window and ``meetingapp record`` record in their own process; ``meetingapp
serve`` answers in another. The feed is how the live transcript crosses over:
:class:`FeedWriter` (one per recording session, opened by ``Library.record``)
writes ``recordings/live.jsonl`` in the data folder, one JSON object per line
(the kinds are in ``domain/recording.py``): ``started`` first, then ``state``,
``line`` and ``partial`` as they happen, ``stopped`` last. Every record carries
``recording_id``, ``seq`` and ``at`` (seconds since the start).

Each record goes to the file in one ``write`` on an ``O_APPEND`` descriptor; a
reader holds back a line until its newline has arrived, so it never acts on
half a record. A new recording replaces the file (its ``started`` line is
written to a temporary file that is renamed over the old one), so the file
holds exactly one recording, and a reader that opened the old file keeps
following its own recording to its end.

The writer holds an advisory lock on the file for the whole recording, as the
WAV writer does: a reader that can take the lock knows the writer died (crash,
kill, power cut) and ends the recording itself, instead of saying "recording"
forever. No heartbeat is needed, and a reused pid cannot fool it.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from meetingapp.domain.recording import LINE, PARTIAL, STARTED, STATE, STOPPED, LiveEvent
from meetingapp.engine.recording.autorecord import RecorderState, RecorderStatus
from meetingapp.engine.recording.live import LiveText
from meetingapp.errors import MeetingAppError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; a reader trusts the file alone
    fcntl = None  # type: ignore[assignment]

FEED_NAME = "live.jsonl"
#: The ``problem`` of a recording whose process ended without writing ``stopped``.
CRASHED = (
    "the recording process ended without stopping (it crashed or was killed); what it"
    " recorded is queued the next time the window starts or `meetingapp record` or"
    " `meetingapp jobs resume` runs"
)


def feed_path(recordings: Path) -> Path:
    """The feed of the latest recording, in the folder recordings are written to."""
    return recordings / FEED_NAME


class FeedWriter:
    """Writes one recording's feed; thread-safe (the live transcript and the capture
    loop report on different threads). Writing fails quietly after the start: the
    recording matters more than its feed. Use it as a context manager: leaving it
    writes ``stopped`` (with the error, if one ended the recording) if :meth:`stop`
    has not."""

    def __init__(self, path: Path, **info: Any) -> None:
        """Start the feed at ``path``; ``info`` goes into ``started`` (devices, auto...)."""
        self.recording_id = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._seq = 0
        self._t0 = time.monotonic()
        self._lines: dict[int, str] = {}  # part -> committed text already written
        self._partials: dict[int, str] = {}
        self._state: RecorderState | None = None
        self._broken = False
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fd: int | None = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600
            )
        except OSError as e:
            raise MeetingAppError(f"{path}: cannot write the live feed ({e.strerror})") from None
        try:
            if fcntl is not None:  # a fresh file: nobody else can hold it
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            started_at = datetime.now().astimezone().isoformat(timespec="seconds")
            os.write(
                self._fd, self._record(STARTED, started_at=started_at, pid=os.getpid(), **info)
            )
            os.replace(tmp, path)
        except OSError as e:
            os.close(self._fd)
            tmp.unlink(missing_ok=True)
            raise MeetingAppError(f"{path}: cannot write the live feed ({e.strerror})") from None

    def text(self, text: LiveText) -> None:
        """Write what changed: the newly committed words as a ``line`` (the transcriber
        only ever appends to its committed text), then the tentative rest as a
        ``partial`` when it changed."""
        with self._lock:
            done = self._lines.get(text.part, "")
            new = text.committed[len(done) :].strip()
            if new:
                self._lines[text.part] = text.committed
                self._put(LINE, part=text.part, text=new)
            if text.tentative != self._partials.get(text.part, ""):
                self._partials[text.part] = text.tentative
                self._put(PARTIAL, part=text.part, text=text.tentative)

    def status(self, status: RecorderStatus) -> None:
        """Write the recorder's state when it changes (not the level meter's updates)."""
        with self._lock:
            if status.state != self._state and status.state != RecorderState.IDLE:
                self._state = status.state
                self._put(STATE, state=str(status.state))

    def stop(self, job_ids: list[int], problem: str | None = None) -> None:
        """Write ``stopped`` (the jobs the recordings were queued as) and release the
        file; only the first call writes."""
        with self._lock:
            if self._fd is None:
                return
            self._put(STOPPED, job_ids=job_ids, problem=problem)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FeedWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop([], None if error is None else str(error) or type(error).__name__)

    def _record(self, kind: str, **fields: Any) -> bytes:
        """The next record as one line (the caller holds the lock, or is the constructor)."""
        record = {
            "event": kind,
            "recording_id": self.recording_id,
            "seq": self._seq,
            "at": round(time.monotonic() - self._t0, 2),
            **fields,
        }
        self._seq += 1
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")

    def _put(self, kind: str, **fields: Any) -> None:
        """Append one record (the caller holds the lock)."""
        if self._broken or self._fd is None:
            return
        try:
            os.write(self._fd, self._record(kind, **fields))
        except OSError:  # disk full...: the recording goes on without its feed
            self._broken = True


class FeedReader:
    """Follows one recording's feed from its first record to ``stopped``."""

    def __init__(self, path: Path) -> None:
        """Open the feed at ``path`` (``FileNotFoundError`` when nothing has recorded)."""
        self._file: BinaryIO = path.open("rb")
        self._pending = b""
        self._seq = -1
        self.recording_id: str | None = None
        #: ``stopped`` was read (or made up for a writer that died): nothing follows
        self.ended = False

    def poll(self) -> list[LiveEvent]:
        """The records written since the last call, oldest first. When the writer died
        without writing ``stopped``, this ends with a ``stopped`` of its own whose
        ``problem`` is :data:`CRASHED`."""
        if self.ended:
            return []
        # Liveness first: a writer that has let go has written all it ever will, so
        # the read below sees its ``stopped`` if it wrote one.
        alive = self._writer_alive()
        events = self._read()
        if not self.ended and not alive:
            self.ended = True
            data = {"recording_id": self.recording_id, "seq": self._seq + 1}
            events.append(
                LiveEvent(STOPPED, self._seq + 1, {**data, "job_ids": [], "problem": CRASHED})
            )
        return events

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> FeedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> list[LiveEvent]:
        self._pending += self._file.read()
        *lines, self._pending = self._pending.split(b"\n")
        events = []
        for line in lines:
            try:
                data = json.loads(line)
                kind, self._seq = data.pop("event"), int(data["seq"])
            except (ValueError, KeyError, TypeError, AttributeError):  # not one of our records
                continue
            if kind == STARTED:
                self.recording_id = data["recording_id"]
            events.append(LiveEvent(kind, self._seq, data))
            if kind == STOPPED:
                self.ended = True
                break
        return events

    def _writer_alive(self) -> bool:
        if fcntl is None:
            return True
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        return False


def open_feed(path: Path) -> FeedReader | None:
    """A reader of the feed at ``path``, or ``None`` when nothing has recorded yet."""
    try:
        return FeedReader(path)
    except FileNotFoundError:
        return None
