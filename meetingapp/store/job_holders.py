"""Which live process holds which job, so two processes on one library never take
over each other's work.

Each job runner registers a holder and refreshes its heartbeat while it lives. A
queued or running job is "interrupted" — free for another process to resume —
only when its holder is gone: its process has exited (same computer) or its
heartbeat is older than :data:`LEASE_SECONDS` (a hung process, or one on another
computer sharing the folder).
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlite_utils

#: A holder whose heartbeat is older than this is gone.
LEASE_SECONDS = 20.0
#: How often a live holder refreshes its heartbeat.
HEARTBEAT_SECONDS = 4.0


@dataclass(frozen=True)
class Holder:
    name: str
    host: str
    pid: int

    @classmethod
    def this_process(cls) -> Holder:
        """A new holder for this process (one per job runner, so two runners in one
        process never mistake each other's jobs for their own)."""
        host = socket.gethostname()
        pid = os.getpid()
        return cls(f"{host}:{pid}:{uuid.uuid4().hex[:8]}", host, pid)


def beat(db: sqlite_utils.Database, holder: Holder) -> None:
    """Register ``holder`` or refresh its heartbeat."""
    with db.conn:
        db.execute(
            "INSERT INTO job_holders (holder, host, pid, heartbeat_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (holder) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
            [holder.name, holder.host, holder.pid, time.time()],
        )


def release(db: sqlite_utils.Database, holder: Holder) -> None:
    with db.conn:
        db.execute("DELETE FROM job_holders WHERE holder = ?", [holder.name])


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # no permission to signal it (it exists), or no such check here
        return True
    return True


def live_holders(db: sqlite_utils.Database) -> set[str]:
    """Holders whose heartbeat is fresh and, on this computer, whose process exists."""
    here = socket.gethostname()
    fresh_after = time.time() - LEASE_SECONDS
    return {
        r["holder"]
        for r in db.query("SELECT * FROM job_holders")
        if r["heartbeat_at"] >= fresh_after and (r["host"] != here or _process_exists(r["pid"]))
    }


@contextmanager
def write_lock(db: sqlite_utils.Database) -> Iterator[None]:
    """A transaction that holds SQLite's write lock from its first read, so a decision
    read inside it ("this job's holder is gone") is still true when it is written."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()
