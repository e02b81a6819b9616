"""``meetingapp worker``: a Celery worker running the compute stages of recordings.

Each task is one recording: the worker takes a lease on it (renewed every few
seconds, so the submitter notices a killed worker and sends the recording to
another), reads the audio from the submitter's path when both machines share
storage or else receives it through Redis, runs
:data:`~meetingapp.engine.pipeline.COMPUTE_STAGES` with its own models and
settings, and returns their artifacts. It never touches a library.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from meetingapp.config import Settings, data_dir
from meetingapp.domain.jobs import Job, JobOptions
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.cpu import THREADS_ENV, cpu_threads
from meetingapp.engine.pipeline import COMPUTE_STAGES, JobContext, default_stages
from meetingapp.engine.remote.audio_transfer import readable_here, receive_audio
from meetingapp.engine.remote.broker import (
    HEARTBEAT_SECONDS,
    LEASE_SECONDS,
    QUEUE,
    TASK_NAME,
    cancel_key,
    celery_app,
    lease_key,
    redis_client,
    safe_url,
)
from meetingapp.errors import Cancelled, MeetingAppError

log = logging.getLogger(__name__)

#: Progress is published at most this often (seconds).
PUBLISH_INTERVAL = 0.5

Say = Callable[[str], None]
Publish = Callable[[dict[str, Any]], None]


class Lease:
    """This worker's claim on a task, renewed by a thread until the task ends; a
    cancel mark from the submitter is noticed by the same thread."""

    def __init__(self, redis: Any, task_id: str, owner: str, cancel: CancelToken) -> None:
        self._redis = redis
        self._task_id = task_id
        self._owner = owner
        self._cancel = cancel
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="meetingapp-lease", daemon=True)

    def take(self) -> bool:
        """False when the task was cancelled or another live worker runs it."""
        if self._redis.exists(cancel_key(self._task_id)):
            return False
        key = lease_key(self._task_id)
        if not self._redis.set(key, self._owner, nx=True, ex=LEASE_SECONDS):
            return False
        self._thread.start()
        return True

    def _renew(self) -> None:
        key = lease_key(self._task_id)
        while not self._stop.wait(HEARTBEAT_SECONDS):
            self._redis.set(key, self._owner, ex=LEASE_SECONDS)
            if self._redis.exists(cancel_key(self._task_id)):
                self._cancel.cancel()

    def end(self) -> None:
        """Stop renewing; the key expires by itself, after the result is stored, so
        the submitter never mistakes a finished task for a lost one."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def run_task(
    task_id: str,
    payload: dict[str, Any],
    redis: Any,
    data: Path,
    owner: str,
    publish: Publish,
    say: Say,
) -> dict[str, Any] | None:
    """One recording; None when this worker must not run it (see :meth:`Lease.take`)."""
    source = payload["source"]
    cancel = CancelToken()
    lease = Lease(redis, task_id, owner, cancel)
    if not lease.take():
        return None
    received: Path | None = None
    started = time.monotonic()
    say(f"started {Path(source).name} (from {payload.get('submitter', '?')})")
    try:
        audio = Path(payload["path"])
        if not readable_here(audio, payload["size"], payload["sha256"]):
            folder = data / "worker-audio"
            folder.mkdir(parents=True, exist_ok=True)
            received = folder / f"{task_id}{audio.suffix}"
            say(f"receiving {Path(source).name} through the broker (not readable here)")
            receive_audio(redis, task_id, received, payload["sha256"], source, cancel)
            audio = received
        artifacts = compute(payload, audio, data, publish, cancel)
    except Cancelled:
        say(f"cancelled {Path(source).name}")
        return {"cancelled": True}
    except MeetingAppError as e:
        say(f"failed {Path(source).name}: {e}")
        return {"error": str(e)}
    except Exception as e:  # noqa: BLE001 - a bug fails the recording, not the worker
        log.debug("task %s failed", task_id, exc_info=True)
        message = f"{source}: internal error on worker {owner}: {type(e).__name__}: {e}"
        say(f"failed {Path(source).name}: {message}")
        return {"error": message}
    finally:
        lease.end()
        if received is not None:
            received.unlink(missing_ok=True)
    seconds = time.monotonic() - started
    say(f"done {Path(source).name} in {seconds:.1f} s")
    return {"artifacts": artifacts, "worker": owner, "seconds": round(seconds, 2)}


def compute(
    payload: dict[str, Any], audio: Path, data: Path, publish: Publish, cancel: CancelToken
) -> dict[str, Any]:
    """The compute stages on this machine's models and settings; their artifacts."""
    job = Job(
        id=0,
        source_path=payload["source"],
        source_sha256=payload["sha256"],
        stored_path=str(audio.absolute()),  # an absolute path: JobContext.source is it
        options=JobOptions.from_json(payload["options"]),
        status="running",
        stage=None,
        progress=0.0,
        error=None,
        attempts=1,
        meeting_id=None,
        created_at="",
        updated_at="",
        holder=None,
    )
    last = 0.0

    def report(stage: str, fraction: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PUBLISH_INTERVAL:
            last = now
            publish({"stage": stage, "progress": round(fraction, 4)})

    ctx = JobContext(job, data, Settings.load(data), report=report, cancel=cancel)
    stages = [s for s in default_stages() if s.name in COMPUTE_STAGES]
    total = sum(s.weight for s in stages)
    done = 0.0
    for stage in stages:
        cancel.check()

        def progress(
            fraction: float, name: str = stage.name, w: float = stage.weight, base: float = done
        ) -> None:
            report(name, (base + w * fraction) / total)

        artifact = stage.run(ctx, progress, cancel)
        if stage.persist:
            ctx.artifacts[stage.name] = artifact
        done += stage.weight
    return {s.name: ctx.artifacts[s.name] for s in stages if s.persist}


def run_worker(url: str, concurrency: int, threads: int, say: Say) -> None:
    """Serve the queue until interrupted (Ctrl+C, SIGTERM)."""
    if threads:
        from threadpoolctl import threadpool_limits

        os.environ[THREADS_ENV] = str(threads)
        threadpool_limits(threads)  # numpy's BLAS too (clustering), not only the models
    from celery.exceptions import Ignore
    from celery.signals import worker_ready

    app = celery_app(url)
    redis = redis_client(url)
    data = data_dir()
    owner = f"meetingapp-{os.getpid()}@{socket.gethostname()}"

    @app.task(name=TASK_NAME, bind=True)
    def process_recording(task: Any, payload: dict[str, Any]) -> dict[str, Any]:
        def publish(meta: dict[str, Any]) -> None:
            task.update_state(state="PROGRESS", meta=meta)

        outcome = run_task(task.request.id, payload, redis, data, owner, publish, say)
        if outcome is None:
            raise Ignore()  # stores nothing: the live run's result (or none) stands
        return outcome

    @worker_ready.connect
    def ready(**_: Any) -> None:
        say(
            f"worker {owner} ready on {safe_url(url)}: {concurrency} recording(s) at a time,"
            f" {cpu_threads()} CPU thread(s) per model, models from {data}"
        )

    app.worker_main(
        [
            "--quiet",  # no banner: the ready line says what matters
            "worker",
            "--pool=threads",
            f"--concurrency={concurrency}",
            f"--hostname={owner}",
            f"--queues={QUEUE}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ]
    )
