"""Errors the user sees: one line that names the file and the cause."""

from __future__ import annotations


class MeetingAppError(Exception):
    """An expected failure with a message fit to show the user as is."""


class BadInputError(MeetingAppError):
    """The input file cannot be used (missing, unreadable, not audio...)."""

    def __init__(self, path: object, cause: str) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = path
        self.cause = cause


class NotFoundError(MeetingAppError):
    """No record with the id asked for (a meeting, a job, an action item); the API
    answers 404 for it."""


class ModelNotFoundError(MeetingAppError):
    """No model of the asked kind could be found locally or downloaded."""


class StoreError(MeetingAppError):
    """The data folder or database cannot be used."""


class Cancelled(Exception):
    """Raised inside a stage when the user cancelled its job."""
