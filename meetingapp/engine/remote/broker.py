"""The Celery application and the Redis keys the submitter and the workers share.

Celery carries the task and its result; a few plain Redis keys carry what
Celery does not: the running worker's lease (so a submitter notices within
seconds that a worker was killed), cancellation, and the audio when the two
machines do not share storage.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from meetingapp.errors import MeetingAppError

#: The queue recordings go through.
QUEUE = "meetingapp"
#: The task a worker runs (registered in :mod:`meetingapp.engine.remote.worker`).
TASK_NAME = "meetingapp.process_recording"
#: A running worker renews its lease this often (seconds) ...
HEARTBEAT_SECONDS = 3.0
#: ... and a lease not renewed for this long means the worker is gone.
LEASE_SECONDS = 10
#: How long results, cancel marks and leftovers live in Redis (seconds).
KEEP_SECONDS = 24 * 3600


def lease_key(task_id: str) -> str:
    """Set while a worker runs the task; expires when the worker stops renewing it."""
    return f"meetingapp:lease:{task_id}"


def cancel_key(task_id: str) -> str:
    """Set by the submitter: stop (or never start) this task."""
    return f"meetingapp:cancel:{task_id}"


def need_audio_key(task_id: str) -> str:
    """Set by a worker that cannot read the submitter's file: send it the bytes."""
    return f"meetingapp:need-audio:{task_id}"


def audio_key(task_id: str) -> str:
    """A list of audio chunks from the submitter to the worker (an empty one ends it)."""
    return f"meetingapp:audio:{task_id}"


def check_broker_url(url: str) -> str:
    """Only Redis brokers: the lease and the audio chunks are Redis keys."""
    if urlsplit(url).scheme not in ("redis", "rediss"):
        raise MeetingAppError(f"--broker {url}: must be a Redis URL, e.g. redis://localhost:6379/0")
    return url


def safe_url(url: str) -> str:
    """The broker URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def redis_client(url: str) -> Any:
    """A client of the broker's Redis, checked to answer: one line when it does not."""
    import redis

    client = redis.Redis.from_url(check_broker_url(url), socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as e:
        raise MeetingAppError(
            f"cannot reach the broker at {safe_url(url)}: {e} (is redis-server running there?)"
        ) from None
    return client


def celery_app(url: str) -> Any:
    """The Celery application on ``url`` (broker and result store).

    Tasks are acknowledged only when they finish, and a worker takes one at a time,
    so a message held by a worker that dies goes back to the queue instead of being
    lost; results are JSON, never pickles.
    """
    from celery import Celery

    app = Celery("meetingapp", broker=check_broker_url(url), backend=url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        result_expires=KEEP_SECONDS,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
    )
    return app
