"""What a recording session left: the jobs it queued, and why it stopped early; and the
events of its live feed, which other processes (``meetingapp serve``) follow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Recorded:
    """A finished recording session: its recordings are queued as these jobs."""

    job_ids: list[int] = field(default_factory=list)
    #: the device failed mid-way: what was recorded is queued, and this says why it stopped
    problem: str | None = None


#: The kinds of :class:`LiveEvent`, in the order a recording writes them: ``started``
#: once, then ``state`` (recording, listening, paused), ``line`` (text that will not
#: change) and ``partial`` (the words after the last line, still being corrected) as
#: they happen, and ``stopped`` last.
STARTED, STATE, LINE, PARTIAL, STOPPED = "started", "state", "line", "partial", "stopped"


@dataclass(frozen=True)
class LiveEvent:
    """One record of a recording's live feed (``engine/recording/feed.py``)."""

    kind: str
    #: 0 for ``started``, then one more for each record of the same recording
    seq: int
    #: the record's fields, ``recording_id`` and ``seq`` included
    data: dict[str, Any]
