"""What a recording session left: the jobs it queued, and why it stopped early."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Recorded:
    """A finished recording session: its recordings are queued as these jobs."""

    job_ids: list[int] = field(default_factory=list)
    #: the device failed mid-way: what was recorded is queued, and this says why it stopped
    problem: str | None = None
