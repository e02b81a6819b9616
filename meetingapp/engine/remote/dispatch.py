"""The submitter's side: a pipeline whose compute stages run on Celery workers.

:meth:`Dispatcher.stages` replaces the compute stages with one ``worker`` stage
that sends the recording to the queue and follows it: progress from the
worker, the audio when the worker asks for it, cancel, and a new task when the
worker's lease lapses (the worker was killed). The rest of the pipeline, and
storing the meeting, stay in the submitter's job: one meeting per job.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from contextlib import suppress
from typing import Any

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.pipeline import COMPUTE_STAGES, JobContext, Stage, default_stages
from meetingapp.engine.remote.audio_transfer import AudioSender
from meetingapp.engine.remote.broker import (
    KEEP_SECONDS,
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

#: How often the submitter looks at a task (seconds); faster while sending audio.
POLL_SECONDS = 0.25
SEND_POLL_SECONDS = 0.02
#: Jobs in flight at once in a runner that sends to workers (each thread only waits).
IN_FLIGHT = 16


class Dispatcher:
    """One broker connection for a runner; its :meth:`stages` is the runner's pipeline."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.redis = redis_client(url)  # one line now if the broker is not there
        self.app = celery_app(url)

    def stages(self) -> list[Stage]:
        everything = default_stages()
        compute = [s for s in everything if s.name in COMPUTE_STAGES]
        on_worker = Stage(
            "worker",
            sum(s.weight for s in compute),
            self.run,
            produces=tuple(s.name for s in compute if s.persist),
        )
        return [on_worker, *(s for s in everything if s.name not in COMPUTE_STAGES)]

    def run(self, ctx: JobContext, progress: ProgressFn, cancel: CancelToken) -> dict[str, Any]:
        """The compute stages' artifacts, from whichever worker finishes the recording."""
        source = ctx.job.source_path
        path = ctx.source.absolute()
        payload = {
            "source": source,
            "path": str(path),
            "size": path.stat().st_size,
            "sha256": ctx.job.source_sha256,
            "options": ctx.job.options.to_json(),
            "submitter": socket.gethostname(),
        }
        best = 0.0

        def forward(fraction: float) -> None:
            """Never backwards: a recording sent to a second worker starts again at 0."""
            nonlocal best
            best = max(best, fraction)
            progress(best)

        while True:
            task_id = uuid.uuid4().hex
            sender = AudioSender(self.redis, task_id, path)
            try:
                self.app.send_task(TASK_NAME, args=[payload], task_id=task_id, queue=QUEUE)
                outcome = self._follow(task_id, sender, source, forward, cancel)
            except (RedisError, OperationalError) as e:
                raise MeetingAppError(
                    f"{source}: lost the broker at {safe_url(self.url)} ({e})"
                ) from None
            finally:
                with suppress(RedisError):
                    sender.discard()
            if outcome is not None:
                return outcome
            log.warning("%s: its worker stopped answering; sent to another worker", source)

    def _follow(
        self,
        task_id: str,
        sender: AudioSender,
        source: str,
        progress: ProgressFn,
        cancel: CancelToken,
    ) -> dict[str, Any] | None:
        """Wait for one task; None when its worker was lost (the task is then marked
        cancelled, so a redelivered copy of it is never run)."""
        seen_running = False
        while True:
            if cancel.cancelled:
                self._abandon(task_id)
                raise Cancelled()
            result = self.app.AsyncResult(task_id)
            state = result.state
            if state in ("SUCCESS", "FAILURE"):
                value = result.result
                result.forget()
                return unpack(value, state, source)
            if state == "PROGRESS" and isinstance(result.info, dict):
                progress(float(result.info.get("progress", 0.0)))
            sender.pump()
            if self.redis.exists(lease_key(task_id)):
                seen_running = True
            elif seen_running and self.app.AsyncResult(task_id).state not in (
                "SUCCESS",
                "FAILURE",
            ):
                self._abandon(task_id)
                return None
            time.sleep(SEND_POLL_SECONDS if sender.sending else POLL_SECONDS)

    def _abandon(self, task_id: str) -> None:
        self.redis.set(cancel_key(task_id), 1, ex=KEEP_SECONDS)
        self.app.control.revoke(task_id)


def unpack(value: Any, state: str, source: str) -> dict[str, Any]:
    """A worker's answer as artifacts, or the error it reported, naming the file."""
    if state == "FAILURE" or not isinstance(value, dict):
        raise MeetingAppError(f"{source}: failed on a worker: {value}")
    if "error" in value:
        raise MeetingAppError(str(value["error"]))
    if value.get("cancelled"):
        raise Cancelled()
    return dict(value["artifacts"])
