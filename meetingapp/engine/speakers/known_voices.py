"""Who a meeting's voices are, among the profiles the user has named before.

The store keeps the profiles and a nearest-neighbour index over them
(:class:`meetingapp.store.voice_index.VoiceIndex`); this narrows the profiles to
the nearest few and decides with :func:`identify_speakers`. CAM++ vectors, the
only evidence that names someone unasked, are computed just when one of those
profiles kept voice samples: a library of old profiles costs no CAM++ pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sqlite_utils

from meetingapp.engine.speakers.campplus import default_campplus
from meetingapp.engine.speakers.embedding import SpeakerEmbedder
from meetingapp.engine.speakers.identify import SpeakerMatch, Thresholds, identify_speakers
from meetingapp.engine.speakers.profile_voices import profile_campplus
from meetingapp.errors import ModelNotFoundError
from meetingapp.store.speakers import profile_vectors
from meetingapp.store.voice_index import VoiceIndex
from meetingapp.store.voice_samples import samples

log = logging.getLogger(__name__)

#: The meeting's CAM++ vector per voice, given the embedder (computed only when needed).
VoicesFn = Callable[[SpeakerEmbedder], dict[str, np.ndarray]]


def identify(
    db: sqlite_utils.Database,
    data: Path,
    centroids: dict[str, np.ndarray],
    thresholds: Thresholds | None = None,
    campplus_voices: VoicesFn | None = None,
) -> dict[str, SpeakerMatch]:
    """Match a meeting's voices against the known profiles; without ``campplus_voices``
    (or the CAM++ weights) a match is at most a suggestion."""
    index = VoiceIndex(data)
    index.sync(db)
    nearest = index.candidates(list(centroids.values()))
    voices = profiles = None
    if campplus_voices is not None and samples(db, nearest):
        try:
            embedder = default_campplus()
        except ModelNotFoundError as e:
            log.warning("voices are only suggested, never named: %s", e)
        else:
            profiles = profile_campplus(db, data, nearest, embedder)
            voices = campplus_voices(embedder) if profiles else None
    return identify_speakers(centroids, profile_vectors(db, nearest), thresholds, voices, profiles)
