"""People known by voice, and the speakers of one meeting."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Profile:
    id: int
    name: str
    created_at: str
    updated_at: str
    embeddings: int
    meetings: int


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
