"""The persistent job table: what is queued, running, done, failed or cancelled.

Each finished stage saves its output as an artifact in the same database,
so a job interrupted by a crash resumes from its last finished stage.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from meetingapp.domain.jobs import UNFINISHED, Job, JobOptions
from meetingapp.errors import NotFoundError
from meetingapp.store.db import is_sqlite_int
from meetingapp.store.job_holders import live_holders, write_lock
from meetingapp.store.meetings import now_iso


class JobNotFound(NotFoundError):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"no job with id {job_id} (see `meetingapp jobs`)")


def create_job(
    db: sqlite_utils.Database,
    source_path: str,
    options: JobOptions,
    sha256: str | None = None,
    stored_path: str | None = None,
    holder: str | None = None,
) -> int:
    stamp = now_iso()
    with db.conn:
        cur = db.execute(
            "INSERT INTO jobs (source_path, source_sha256, stored_path, options, status,"
            " created_at, updated_at, holder) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)",
            [source_path, sha256, stored_path, options.to_json(), stamp, stamp, holder],
        )
    assert cur.lastrowid is not None
    return cur.lastrowid


def get_job(db: sqlite_utils.Database, job_id: int) -> Job:
    if not is_sqlite_int(job_id):
        raise JobNotFound(job_id)
    rows = list(db.query("SELECT * FROM jobs WHERE id = ?", [job_id]))
    if not rows:
        raise JobNotFound(job_id)
    return Job.from_row(rows[0])


def find_unfinished(db: sqlite_utils.Database, sha256: str) -> Job | None:
    """The queued or running job for a recording with this content, if any: submitting
    it again (twice in one call, or after a kill) must not make a second meeting."""
    rows = list(
        db.query(
            f"SELECT * FROM jobs WHERE source_sha256 = ? AND status IN"
            f" ({', '.join('?' * len(UNFINISHED))}) ORDER BY id LIMIT 1",
            [sha256, *UNFINISHED],
        )
    )
    return Job.from_row(rows[0]) if rows else None


def list_jobs(db: sqlite_utils.Database, statuses: tuple[str, ...] | None = None) -> list[Job]:
    sql, params = "SELECT * FROM jobs", []
    if statuses:
        sql += f" WHERE status IN ({', '.join('?' * len(statuses))})"
        params = list(statuses)
    return [Job.from_row(r) for r in db.query(sql + " ORDER BY id", params)]


def update_job(db: sqlite_utils.Database, job_id: int, **changes: Any) -> None:
    with db.conn:
        db["jobs"].update(job_id, {**changes, "updated_at": now_iso()})


def delete_job(db: sqlite_utils.Database, job_id: int) -> None:
    """Forget a job; its artifacts go with it (ON DELETE CASCADE)."""
    with db.conn:
        db.execute("DELETE FROM jobs WHERE id = ?", [job_id])


def start_attempt(db: sqlite_utils.Database, job_id: int, holder: str) -> int | None:
    """Mark a queued job of ``holder`` running and count the attempt; returns the
    attempt number, or None when the job is no longer queued for this holder."""
    with db.conn:
        cur = db.execute(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, error = NULL,"
            " updated_at = ? WHERE id = ? AND status = 'queued' AND holder = ?",
            [now_iso(), job_id, holder],
        )
    return get_job(db, job_id).attempts if cur.rowcount else None


def claim_orphans(db: sqlite_utils.Database, holder: str) -> list[int]:
    """Queue for ``holder`` every unfinished job whose holder is gone (a crash, a kill),
    keeping its finished stages; returns the ids of every queued job ``holder`` now has.

    Jobs held by another live process are left alone: it is still working on them.
    """
    with write_lock(db):
        live = live_holders(db) | {holder}
        rows = db.query(
            f"SELECT id, holder FROM jobs WHERE status IN ({', '.join('?' * len(UNFINISHED))})",
            list(UNFINISHED),
        )
        orphans = [r["id"] for r in rows if r["holder"] not in live]
        for job_id in orphans:
            db.execute(
                "UPDATE jobs SET status = 'queued', holder = ? WHERE id = ?", [holder, job_id]
            )
    mine = db.query(
        "SELECT id FROM jobs WHERE status = 'queued' AND holder = ? ORDER BY id", [holder]
    )
    return [r["id"] for r in mine]


def is_orphan(db: sqlite_utils.Database, job: Job) -> bool:
    """Whether an unfinished job has lost its holder."""
    return job.status in UNFINISHED and job.holder not in live_holders(db)


def save_artifact(
    db: sqlite_utils.Database, job_id: int, stage: str, attempt: int, data: Any
) -> None:
    with db.conn:
        db.execute(
            "INSERT OR REPLACE INTO job_artifacts (job_id, stage, attempt, data) VALUES (?,?,?,?)",
            [job_id, stage, attempt, json.dumps(data)],
        )


def load_artifacts(db: sqlite_utils.Database, job_id: int) -> dict[str, tuple[int, Any]]:
    """stage → (attempt that produced it, data)."""
    return {
        r["stage"]: (r["attempt"], json.loads(r["data"]))
        for r in db.query("SELECT * FROM job_artifacts WHERE job_id = ?", [job_id])
    }


def clear_artifacts(db: sqlite_utils.Database, job_id: int) -> None:
    with db.conn:
        db.execute("DELETE FROM job_artifacts WHERE job_id = ?", [job_id])
