"""The background engine: a thread pool working through the persistent job table.

Listeners receive :class:`JobEvent` from worker threads; the CLI draws a
progress bar from them and the UI forwards them to Qt signals. On start the
engine re-queues jobs that a crash left running, and they continue from
their last finished stage.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from meetingapp.config import Settings
from meetingapp.engine.audio import AudioInfo, check_readable, probe
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.languages import check_language
from meetingapp.engine.recording import recover_interrupted
from meetingapp.errors import Cancelled, MeetingAppError
from meetingapp.store import job_holders
from meetingapp.store import jobs as jobstore
from meetingapp.store.backups import daily_backup
from meetingapp.store.db import DB_NAME, check_intact, open_db
from meetingapp.store.job_holders import Holder
from meetingapp.store.meetings import find_by_source
from meetingapp.store.originals import sha256_of, store_original

if TYPE_CHECKING:
    from meetingapp.engine.pipeline import Stage


def recordings_dir(data: Path) -> Path:
    """Where recordings are written while they are made."""
    return data / "recordings"


def recording_date(path: Path, info: AudioInfo) -> str:
    """When a recording's meeting took place (UTC, ISO): the creation time its metadata
    gives, else the file's modified time (which a copy or a sync may have changed)."""
    when = info.recorded_at or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


#: Write progress to the database at most this often (seconds).
PROGRESS_WRITE_INTERVAL = 0.5
#: How often to look at a job another process is running (seconds).
WAIT_POLL_SECONDS = 0.5


@dataclass
class JobEvent:
    job_id: int
    status: str
    stage: str | None
    progress: float
    error: str | None = None
    meeting_id: int | None = None


@dataclass
class Submitted:
    """A queued job, or the meeting that already holds this recording."""

    job_id: int | None
    existing_meeting_id: int | None = None
    #: ``job_id`` was already queued or running for the same content: no new job
    already_queued: bool = False


Listener = Callable[[JobEvent], None]


def _default_stages() -> list[Stage]:
    """The pipeline's stages, imported when the first job runs: the pipeline pulls in
    every model library (seconds of imports), which the window must not wait for."""
    from meetingapp.engine.pipeline import default_stages

    return default_stages()


class JobRunner:
    """Works through the persistent job table on a thread pool: one per process that
    transcribes (the window, a CLI command, the API server), holding a lease on the
    jobs it took so that another process never takes them over while it lives."""

    def __init__(
        self,
        data: Path,
        settings: Settings | None = None,
        workers: int = 1,
        stages: Callable[[], list[Stage]] = _default_stages,
    ) -> None:
        self.data = data
        self.db = open_db(data)
        self.settings = settings or Settings.load(data)
        self._stages = stages
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="meetingapp-job")
        self._futures: dict[int, Future[None]] = {}
        self._tokens: dict[int, CancelToken] = {}
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._intact = False
        self.holder = Holder.this_process()
        self._alive = threading.Event()
        self._heart = threading.Thread(target=self._heartbeat, name="meetingapp-heartbeat")
        self._heart.daemon = True

    # -- public API -------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def submit(
        self, path: Path, options: jobstore.JobOptions, force: bool = False, move: bool = False
    ) -> Submitted:
        """Validate and copy the recording, then queue it. Raises on bad input.

        ``move`` takes the file instead of copying it (the app's own recordings).
        """
        check_language(options.language)  # before anything is read or copied
        self.prepare_to_write()
        path = Path(path).expanduser().absolute()
        check_readable(path)  # a clear cause before hashing reads a byte
        sha = sha256_of(path)
        if not force:
            existing = find_by_source(self.db, sha)
            if existing is not None:
                return Submitted(None, existing.id)
            unfinished = jobstore.find_unfinished(self.db, sha)
            if unfinished is not None:
                return Submitted(unfinished.id, already_queued=True)
        info = probe(path)  # not audio / no audio track: fail now, before copying anything
        if options.date is None:
            options.date = recording_date(path, info)
        stored = store_original(path, sha, self.data, move=move)
        job_id = jobstore.create_job(
            self.db, str(path), options, sha, str(stored.relative_to(self.data)), self.holder.name
        )
        self._schedule(job_id)
        return Submitted(job_id)

    def import_recordings(self, paths: list[Path], title: str | None = None) -> list[int]:
        """Queue finished recordings (moved into the data folder) as meetings."""
        ids = []
        for p in paths:
            stamp = datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            opts = jobstore.JobOptions(
                title=title or f"Recording {stamp}", model=self.settings.asr_model
            )
            job_id = self.submit(p, opts, force=True, move=True).job_id
            if job_id is not None:
                ids.append(job_id)
        return ids

    def recover_recordings(self) -> list[int]:
        """Recordings a crash or power cut interrupted become meetings too."""
        paths = recover_interrupted(recordings_dir(self.data))
        return self.import_recordings(paths, title=None)

    def resume_unfinished(self) -> list[int]:
        """Queue every job a crashed or killed run left queued or running; jobs that
        another live process holds stay with it."""
        self.prepare_to_write()
        ids = jobstore.claim_orphans(self.db, self.holder.name)
        for job_id in ids:
            self._schedule(job_id)
        return ids

    def prepare_to_write(self) -> None:
        """Raise before the first write when the database is damaged (checked once:
        the check reads the whole file); an intact one gets its daily backup, and
        this runner its lease."""
        if not self._intact:
            check_intact(self.db, self.data / DB_NAME)
            daily_backup(self.db.conn, self.data)
            job_holders.beat(self.db, self.holder)  # the lease on the jobs it will hold
            self._heart.start()
            self._intact = True

    def cancel(self, job_id: int) -> None:
        """Stop a job and clean up after it (artifacts, the stored copy): the one
        cancel path for the window, the CLI and the API. This runner's own job stops
        at its next check; another live process's job is marked cancelled, which
        that process notices within a second; an orphan is cleaned up here."""
        self.prepare_to_write()
        job = jobstore.get_job(self.db, job_id)
        if job.status not in jobstore.UNFINISHED:
            return
        with self._lock:
            token = self._tokens.get(job_id)
        if token is not None:
            token.cancel()
        mine = job.holder == self.holder.name
        if mine and job.status == "running":
            return  # its worker stops at the next check and cleans up
        if mine or jobstore.is_orphan(self.db, job):
            self._finish_cancelled(job_id)
        else:
            jobstore.update_job(self.db, job_id, status="cancelled")

    def retry(self, job_id: int) -> Submitted:
        """Queue a failed job again (the window's Retry, ``jobs retry``): from its stored
        copy of the recording, else from the user's file where it was (a failed job's
        copy is dropped while the user still has the file). The stages it finished are
        kept unless the file changed since. A recording that became a meeting or a job
        meanwhile (imported again) gets that one, and the failed job is dismissed.
        Raises when the job did not fail, or when neither copy nor file is left."""
        self.prepare_to_write()
        job = jobstore.get_job(self.db, job_id)
        if job.status != "failed":
            raise MeetingAppError(f"job {job_id} is {job.status}: only a failed job can be retried")
        changes: dict[str, str] = {}
        stored = self.data / job.stored_path if job.stored_path else None
        if stored is None or not stored.is_file():
            source = Path(job.source_path)
            if not source.exists():
                raise MeetingAppError(
                    f"{source}: cannot retry: the file is gone (moved or deleted)"
                    " and no copy of it was kept"
                )
            check_readable(source)
            changes["source_sha256"] = sha256_of(source)
        sha = changes.get("source_sha256", job.source_sha256 or "")
        existing = find_by_source(self.db, sha)
        unfinished = jobstore.find_unfinished(self.db, sha)
        if existing is not None or unfinished is not None:
            self.dismiss(job_id)
            if existing is not None:
                return Submitted(None, existing.id)
            assert unfinished is not None
            return Submitted(unfinished.id, already_queued=True)
        if changes:
            source = Path(job.source_path)
            probe(source)  # still audio: fail now, before copying anything
            copy = store_original(source, sha, self.data)
            changes["stored_path"] = str(copy.relative_to(self.data))
            if sha != job.source_sha256:  # other audio: what the stages made is stale
                jobstore.clear_artifacts(self.db, job_id)
        jobstore.update_job(
            self.db,
            job_id,
            status="queued",
            error=None,
            stage=None,
            progress=0.0,
            holder=self.holder.name,
            **changes,
        )
        self._schedule(job_id)
        return Submitted(job_id)

    def dismiss(self, job_id: int) -> None:
        """Forget a failed job (the window's Dismiss, ``jobs dismiss``), with its
        artifacts and its stored copy where no meeting or job needs it and the user
        still has the file (a recording the app made has no other copy: it is kept)."""
        self.prepare_to_write()
        job = jobstore.get_job(self.db, job_id)
        if job.status != "failed":
            raise MeetingAppError(
                f"job {job_id} is {job.status}: only a failed job can be dismissed"
            )
        self._release_original(self.db, job_id)
        jobstore.delete_job(self.db, job_id)

    def wait(self, job_ids: list[int], timeout: float | None = None) -> None:
        """Wait for jobs to finish: this runner's own, and those another live process
        holds (taken over and run here if that process goes away)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for job_id in job_ids:
            fut = self._futures.get(job_id) or self._await_elsewhere(job_id, deadline)
            if fut is not None:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                fut.result(timeout=left)

    def _await_elsewhere(self, job_id: int, deadline: float | None) -> Future[None] | None:
        """Poll a job this runner does not hold until it finishes or its holder is gone;
        an orphan is claimed and scheduled here (its future returned)."""
        while True:
            job = jobstore.get_job(self.db, job_id)
            if job.status not in jobstore.UNFINISHED:
                return None
            if jobstore.is_orphan(self.db, job):
                if job_id in self.resume_unfinished():
                    return self._futures.get(job_id)
                continue
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"job {job_id} is still {job.status}")
            time.sleep(WAIT_POLL_SECONDS)

    def shutdown(self, cancel: bool = False) -> None:
        if cancel:
            with self._lock:
                for token in self._tokens.values():
                    token.cancel()
        self._pool.shutdown(wait=True, cancel_futures=cancel)

    def close(self) -> None:
        self.shutdown()
        if self._heart.is_alive():
            self._alive.set()
            self._heart.join()
            job_holders.release(self.db, self.holder)
        self.db.close()

    # -- internals --------------------------------------------------------
    def _heartbeat(self) -> None:
        """Keep this runner's lease fresh until it closes (own connection: the
        main one may be busy in another thread)."""
        db = open_db(self.data)
        try:
            while not self._alive.wait(job_holders.HEARTBEAT_SECONDS):
                job_holders.beat(db, self.holder)
        finally:
            db.close()

    def _emit(self, event: JobEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _schedule(self, job_id: int) -> None:
        with self._lock:
            if job_id in self._futures and not self._futures[job_id].done():
                return
            self._tokens[job_id] = CancelToken()
            self._emit(JobEvent(job_id, "queued", None, 0.0))
            self._futures[job_id] = self._pool.submit(self._run, job_id)

    def _finish_cancelled(self, job_id: int, db: sqlite_utils.Database | None = None) -> None:
        db = db or self.db
        jobstore.update_job(db, job_id, status="cancelled")
        jobstore.clear_artifacts(db, job_id)
        self._release_original(db, job_id)
        self._emit(JobEvent(job_id, "cancelled", None, 0.0))

    def _release_original(self, db: sqlite_utils.Database, job_id: int) -> None:
        """Drop the stored copy of a recording that no meeting or live job needs.

        Only when the user still has the file: a recording made by the app was
        moved in, and its stored copy is the only one.
        """
        job = jobstore.get_job(db, job_id)
        if job.stored_path is None or not Path(job.source_path).exists():
            return
        if find_by_source(db, job.source_sha256 or "") is not None:
            return
        live = [
            j
            for j in jobstore.list_jobs(db, jobstore.UNFINISHED)
            if j.stored_path == job.stored_path
        ]
        if not live:
            (self.data / job.stored_path).unlink(missing_ok=True)

    def _run(self, job_id: int) -> None:
        db = open_db(self.data)  # one connection per worker thread
        try:
            self._run_job(db, job_id)
        finally:
            db.close()

    def _run_job(self, db: sqlite_utils.Database, job_id: int) -> None:
        from meetingapp.engine.pipeline import JobContext, run_pipeline

        token = self._tokens[job_id]
        job = jobstore.get_job(db, job_id)
        if job.status == "cancelled":  # while it waited: by another process, or by
            if not token.cancelled:  # this one's cancel(), which cleaned up already
                self._finish_cancelled(job_id, db)
            return
        if token.cancelled:
            self._finish_cancelled(job_id, db)
            return
        if job.status != "queued" or job.holder != self.holder.name:
            return
        attempt = jobstore.start_attempt(db, job_id, self.holder.name)
        if attempt is None:  # cancelled or finished meanwhile
            return
        artifacts = {k: v for k, (_, v) in jobstore.load_artifacts(db, job_id).items()}
        last_write = 0.0

        def report(stage: str, fraction: float) -> None:
            nonlocal last_write
            self._emit(JobEvent(job_id, "running", stage, fraction))
            now = time.monotonic()
            if now - last_write >= PROGRESS_WRITE_INTERVAL:
                last_write = now
                jobstore.update_job(db, job_id, progress=round(fraction, 4))
                if jobstore.get_job(db, job_id).status == "cancelled":  # by another process
                    token.cancel()

        ctx = JobContext(job, self.data, self.settings, artifacts, db, report, token)
        try:
            meeting_id = run_pipeline(db, ctx, self._stages(), attempt)
        except Cancelled:
            self._finish_cancelled(job_id, db)
        except MeetingAppError as e:
            self._fail(db, job_id, str(e))
        except Exception as e:  # noqa: BLE001 - a bug must fail the job, not the engine
            self._fail(db, job_id, f"{job.source_path}: internal error: {type(e).__name__}: {e}")
        else:
            self._emit(JobEvent(job_id, "done", "done", 1.0, meeting_id=meeting_id))

    def _fail(self, db: sqlite_utils.Database, job_id: int, message: str) -> None:
        try:
            jobstore.update_job(db, job_id, status="failed", error=message)
            self._release_original(db, job_id)
        finally:
            self._emit(JobEvent(job_id, "failed", None, 0.0, error=message))
