"""People known by voice, and the speakers of one meeting."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Profile:
    id: int
    name: str
    created_at: str
    updated_at: str
    embeddings: int
    meetings: int
    #: speech kept to compute new voice vectors from (store/voice_samples.py)
    sample_seconds: float = 0.0
    #: enrolled before voice samples were kept: its d-vectors still suggest the name, but
    #: it is never named automatically until enrolled again (identify.py). A field, not a
    #: property, so the API's JSON carries it too.
    needs_reenrollment: bool = field(init=False)

    def __post_init__(self) -> None:
        self.needs_reenrollment = self.sample_seconds <= 0.0


@dataclass
class MeetingSpeaker:
    label: str
    name: str
    profile_id: int | None
    status: str  # unknown | suggested | auto | confirmed
    suggested_name: str | None
    score: float | None
    centroid: np.ndarray | None
    #: why the name was learnt from the conversation (its evidence), when it was: such a
    #: name is no profile's, so the user is told where it came from and may undo it
    heard: str | None = None
    #: a name learnt from the conversation that the user undid on this voice
    declined: str | None = None
