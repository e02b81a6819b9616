"""Who a meeting's voices are, among the profiles the user has named before.

The store keeps the profiles and a nearest-neighbour index over them
(:class:`meetingapp.store.voice_index.VoiceIndex`); this narrows the profiles to
the nearest few and decides with :func:`identify_speakers`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sqlite_utils

from meetingapp.engine.speakers.identify import SpeakerMatch, Thresholds, identify_speakers
from meetingapp.store.speakers import profile_vectors
from meetingapp.store.voice_index import VoiceIndex


def identify(
    db: sqlite_utils.Database,
    data: Path,
    centroids: dict[str, np.ndarray],
    thresholds: Thresholds | None = None,
) -> dict[str, SpeakerMatch]:
    """Match a meeting's voices against the known profiles."""
    index = VoiceIndex(data)
    index.sync(db)
    nearest = index.candidates(list(centroids.values()))
    return identify_speakers(centroids, profile_vectors(db, nearest), thresholds)
