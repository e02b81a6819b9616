"""Cooperative cancellation shared by a job and the stages it runs."""

from __future__ import annotations

import threading

from meetingapp.errors import Cancelled


class CancelToken:
    """Set by whoever cancels; checked by stages between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled()
